package org.jgrad.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.jgrad.Device;
import org.jgrad.Functional;
import org.jgrad.Grad;
import org.jgrad.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./jgrad} command line: {@code example} (the default), {@code devices} and {@code bench}. The
 * launcher script handles {@code ./jgrad test} itself, so it is listed here only for the help text.
 */
@Command(name = "jgrad", mixinStandardHelpOptions = true, version = "jgrad 0.1.0-SNAPSHOT",
        description = "A tensor framework with autograd for Java 25. Without a command: the README example.",
        subcommands = {Main.Example.class, Main.Devices.class, BenchCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "  test       run the test suite (./mvnw verify; handled by the ./jgrad script)"})
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The parser with jgrad's error handling: a failing command prints one line, never a stack trace. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("jgrad: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 2;
        });
        return cl;
    }

    @Override
    public void run() {
        example(System.out);
    }

    @Command(name = "example", description = "Fit y = 2·x0 − 3·x1 + 0.5·x2 + 1 by gradient descent (the README example).")
    static final class Example implements Runnable {
        @Override
        public void run() {
            example(System.out);
        }
    }

    @Command(name = "devices", description = "List the backends found and which one Device.best() picks.")
    static final class Devices implements Runnable {
        @Override
        public void run() {
            System.out.print(Device.report());
        }
    }

    /** The README example, end to end: data, a loss, backward(), a gradient read, and a training loop. */
    static void example(PrintStream out) {
        out.println("device: " + Device.defaultDevice() + "  (" + Device.report().strip().replace('\n', ';') + ")");
        Tensor x = Tensor.randn(42, 256, 3);
        Tensor y = x.matmul(Tensor.of(new float[] {2, -3, 0.5f}, 3, 1)).add(1);
        Tensor w = Tensor.zeros(3, 1).requiresGrad(true);
        Tensor b = Tensor.zeros(1).requiresGrad(true);

        Tensor loss = Functional.mseLoss(x.matmul(w).add(b), y);
        loss.backward();
        out.printf(Locale.ROOT, "initial loss %.4f%n", loss.item());
        out.println("d loss / d w = " + w.grad());

        for (int step = 1; step <= 100; step++) {
            w.setGrad(null);
            b.setGrad(null);
            loss = Functional.mseLoss(x.matmul(w).add(b), y);
            loss.backward();
            try (var off = Grad.disabled()) {
                w.subInPlace(w.grad().mul(0.1));
                b.subInPlace(b.grad().mul(0.1));
            }
            if (step % 20 == 0) out.printf(Locale.ROOT, "step %3d  loss %.6f%n", step, loss.item());
        }
        out.println("learned w = " + w.detach().reshape(3));
        out.println("learned b = " + b.detach());
    }
}
