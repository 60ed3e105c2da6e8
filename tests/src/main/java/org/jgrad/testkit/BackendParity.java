package org.jgrad.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Tensor;
import org.jgrad.spi.BackendProvider;

/**
 * The differential test of a backend: a registered op runs on the backend and on the reference backend (the oracle)
 * for generated inputs in F64 and F32, contiguous and in every {@link Strided} layout, forward and (where the op is
 * differentiable) backward for a seeded output gradient, and the two must agree. A disagreement is shrunk by
 * {@link Props#forAll} to a minimal input and reported with its replay seed.
 * <p>
 * Tolerance: {@code |device − reference| <= ε·(32 + 4n)·max(1, max|reference|)} per compared tensor, where ε is the
 * dtype's machine epsilon and n the element count of the largest input, which bounds every reduction length an op
 * can have. That allows a different summation order and a few ulps per elementwise step of a composite, and is
 * still orders of magnitude below the error a wrong index or a missed stride produces. Integer and BOOL outputs
 * (comparisons, argmax, oneHot) must be equal.
 */
public final class BackendParity {
    /** The seed of the output gradient, fixed so that both backends differentiate the same thing. */
    private static final long GRAD_OUTPUT_SEED = 0x3C6EF372FE94F82BL;

    private BackendParity() {
    }

    /** Checks {@code op} on {@code device} against the reference backend; throws AssertionError on a disagreement. */
    public static void check(OpSpec op, Device device) {
        if (!canRun(op))
            throw new IllegalArgumentException("BackendParity: cannot run " + op.name() + ": " + op.notApplicable().get(Check.PARITY));
        Device reference = Device.reference();
        boolean backward = op.applies(Check.GRAD);
        Props.forAll(op.name() + " on " + device.name() + " equals the reference backend", op.layoutInputs(), in -> {
            List<String> bad = new ArrayList<>();
            for (DType dtype : List.of(DType.F64, DType.F32)) {
                Tensor[] ref = OpRun.cast(OpRun.on(reference, in), dtype);
                OpRun expected = OpRun.of(op, ref, backward, GRAD_OUTPUT_SEED);
                double tol = tolerance(dtype, in);
                Tensor[] dev = OpRun.on(device, ref);
                compare(bad, dtype + " contiguous", expected, OpRun.of(op, dev, backward, GRAD_OUTPUT_SEED), tol);
                for (var layout : OpRun.layouts(dev))
                    compare(bad, dtype + " " + layout.getKey(), expected, OpRun.of(op, layout.getValue(), backward,
                            GRAD_OUTPUT_SEED), tol);
            }
            if (!bad.isEmpty())
                throw new AssertionError(op.name() + " on " + device.name() + " disagrees with the reference backend:\n  "
                        + String.join("\n  ", bad));
        });
    }

    /** Whether {@link #check} can run {@code op}: it has inputs and a function, and PARITY is not marked inapplicable. */
    public static boolean canRun(OpSpec op) {
        return op.applies(Check.PARITY) && op.layoutInputs() != null && op.fn() != null;
    }

    /** The backends found on the class or module path that can run here, other than the reference backend. */
    public static List<Device> devices() {
        Module self = BackendParity.class.getModule();
        if (self.isNamed()) self.addUses(BackendProvider.class);     // a named module must declare what it loads
        List<Device> out = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, BackendParity.class.getClassLoader()))
            if (!p.name().equals("reference") && p.unavailableReason() == null
                    && out.stream().noneMatch(d -> d.name().equals(p.name())))
                out.add(Device.named(p.name()));
        return out;
    }

    /** {@code ε·(32 + 4n)}: see the class comment. */
    static double tolerance(DType dtype, Tensor[] in) {
        int n = 1;
        for (Tensor t : in) n = Math.max(n, t.numel());
        double eps = dtype == DType.F32 ? Math.ulp(1f) : Math.ulp(1.0);
        return eps * (32 + 4.0 * n);
    }

    private static void compare(List<String> bad, String what, OpRun expected, OpRun actual, double tol) {
        String m = expected.mismatch(actual, tol);
        if (m != null) bad.add(what + ": " + m);
    }
}
