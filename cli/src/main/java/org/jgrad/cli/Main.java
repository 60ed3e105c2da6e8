package org.jgrad.cli;

import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jgrad.Device;
import org.jgrad.Functional;
import org.jgrad.Grad;
import org.jgrad.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/**
 * The {@code ./jgrad} command line: {@code train} (the default), {@code eval}, {@code example}, {@code devices}
 * and {@code bench}. The launcher script handles {@code ./jgrad test} itself, so it is listed here only for the
 * help text.
 */
@Command(name = "jgrad", mixinStandardHelpOptions = true, version = "jgrad 0.1.0-SNAPSHOT",
        description = "A tensor framework with autograd for Java 25. Without a command: train (the convnet on Fashion-MNIST).",
        subcommands = {TrainCommand.class, EvalCommand.class, Main.Example.class, Main.Devices.class, BenchCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "  test       run the test suite (./mvnw verify; handled by the ./jgrad script)",
                "", "--debug anywhere on the line prints the stack trace of an error."})
public final class Main {
    public static void main(String[] args) {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean debug = rest.remove("--debug");
        System.exit(commandLine(debug).execute(rest.isEmpty() ? new String[] {"train"} : rest.toArray(String[]::new)));
    }

    /**
     * The parser with jgrad's error handling: a failing command prints one line naming what went wrong and exits
     * with status 2; with {@code debug} the stack trace follows.
     */
    static CommandLine commandLine(boolean debug) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            StringBuilder command = new StringBuilder("jgrad");
            for (ParseResult p = parsed; p.hasSubcommand(); p = p.subcommand()) command.append(' ').append(p.subcommand().commandSpec().name());
            line.getErr().println(command + ": " + describe(e));
            if (debug) e.printStackTrace(line.getErr());
            return 2;
        });
        return cl;
    }

    /** One line for an error: file-system errors name the file and the problem, others give their message. */
    static String describe(Throwable e) {
        if (e instanceof NoSuchFileException f) return f.getFile() + ": no such file or folder" + (f.getReason() == null ? "" : " (" + f.getReason() + ")");
        if (e instanceof AccessDeniedException f) return f.getFile() + ": permission denied";
        if (e instanceof FileSystemException f) return f.getFile() + ": " + (f.getReason() == null ? f.getClass().getSimpleName() : f.getReason());
        return e.getMessage() == null ? e.toString() : e.getMessage();
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
