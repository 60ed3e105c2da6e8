package org.jgrad.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.jgrad.Device;
import org.jgrad.Functional;
import org.jgrad.Grad;
import org.jgrad.Tensor;

/**
 * The {@code ./jgrad} command line. Until the nn issue brings training on Fashion-MNIST, its main job is the
 * README's example: fit a linear model by gradient descent and show the gradients autograd computed.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "example" : args[0];
        PrintStream out = System.out;
        switch (command) {
            case "example" -> example(out);
            case "devices" -> out.print(Device.report());
            case "help", "--help", "-h" -> usage(out);
            default -> {
                System.err.println("jgrad: unknown command '" + command + "'");
                usage(System.err);
                System.exit(2);
            }
        }
    }

    private static void usage(PrintStream out) {
        out.println("usage: ./jgrad [example | devices | test]");
        out.println("  example   fit y = 2·x0 − 3·x1 + 0.5·x2 + 1 by gradient descent (the README example)");
        out.println("  devices   list the backends found and which one Device.best() picks");
        out.println("  test      run the test suite (./mvnw verify)");
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
