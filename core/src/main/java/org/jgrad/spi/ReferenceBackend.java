package org.jgrad.spi;

import java.util.Arrays;
import org.jgrad.DType;

/**
 * The oracle: every primitive as a plain loop in double precision over heap storages, every dtype, no tricks.
 * Results are rounded to the output dtype once, at the store. It is what the other backends are tested
 * against, so clarity wins over speed everywhere in it.
 */
public final class ReferenceBackend implements Backend {

    /** Registers the reference backend with the lowest priority. */
    public static final class Provider implements BackendProvider {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
        }

        @Override
        public String name() {
            return "reference";
        }

        @Override
        public int priority() {
            return 0;
        }

        @Override
        public String unavailableReason() {
            return null;
        }

        @Override
        public Backend create() {
            return new ReferenceBackend();
        }
    }

    /** A fresh reference backend; {@code Device.reference()} shares one per process. */
    public ReferenceBackend() {
    }

    @Override
    public String name() {
        return "reference";
    }

    /** None: the composites are the definitions here. */
    @Override
    public boolean hasFusedKernels() {
        return false;
    }

    @Override
    public Storage allocate(DType dtype, int size) {
        return HeapStorage.allocate(this, dtype, size);
    }

    @Override
    public Storage upload(DType dtype, Object data) {
        HeapStorage s = new HeapStorage(this, dtype, data);
        return new HeapStorage(this, dtype, s.copyOfArray());
    }

    @Override
    public Object download(Storage storage) {
        return heap(storage).copyOfArray();
    }

    @Override
    public void copy(View src, View dst) {
        HeapStorage s = heap(src.storage()), d = heap(dst.storage());
        StridedLoop.run(dst.shape(), p -> d.set(p[1], s.get(p[0])), src.layout(), dst.layout());
    }

    @Override
    public void accumulate(View src, View dst) {
        HeapStorage s = heap(src.storage()), d = heap(dst.storage());
        StridedLoop.run(src.shape(), p -> d.set(p[1], d.get(p[1]) + s.get(p[0])), src.layout(), dst.layout());
    }

    @Override
    public void fill(View dst, double value) {
        HeapStorage d = heap(dst.storage());
        StridedLoop.run(dst.shape(), p -> d.set(p[0], value), dst.layout());
    }

    @Override
    public void unary(UnaryOp op, View x, View out) {
        HeapStorage s = heap(x.storage()), d = heap(out.storage());
        StridedLoop.run(out.shape(), p -> d.set(p[1], apply(op, s.get(p[0]))), x.layout(), out.layout());
    }

    static double apply(UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            case RELU -> x > 0 ? x : (Double.isNaN(x) ? x : 0);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case ERF -> erf(x);
        };
    }

    /**
     * erf to within a few ulps. Below |x| = 2: the series {@code 2/√π · e^(−x²) · Σ (2x²)^n x / (1·3·…·(2n+1))},
     * whose terms are all positive (no cancellation). From 2 on: {@code 1 − erfc(x)} with erfc from its continued
     * fraction {@code e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))}, which converges fast there and is
     * where the series loses accuracy to rounding in its ~70 terms.
     */
    static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double a = Math.abs(x);
        if (a >= 6) return Math.copySign(1, x);
        if (a >= 2) {
            double f = a;
            for (int n = 80; n >= 1; n--) f = a + (n / 2.0) / f;
            return Math.copySign(1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f, x);
        }
        double term = a, sum = a, x2 = 2 * a * a;
        for (int n = 1; term > sum * 1e-17; n++) {
            term *= x2 / (2 * n + 1);
            sum += term;
        }
        return Math.copySign(2 / Math.sqrt(Math.PI) * Math.exp(-a * a) * sum, x);
    }

    @Override
    public void binary(BinaryOp op, View a, View b, View out) {
        HeapStorage sa = heap(a.storage()), sb = heap(b.storage()), d = heap(out.storage());
        boolean integer = !a.dtype().isFloating();
        StridedLoop.run(out.shape(), p -> d.set(p[2], apply(op, sa.get(p[0]), sb.get(p[1]), integer)),
                a.layout(), b.layout(), out.layout());
    }

    static double apply(BinaryOp op, double a, double b, boolean integer) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> integer ? (b == 0 ? 0 : (double) ((long) a / (long) b)) : a / b;
            case POW -> Math.pow(a, b);
            case MAX -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
            case MIN -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
        };
    }

    @Override
    public void where(View mask, View a, View b, View out) {
        HeapStorage m = heap(mask.storage()), sa = heap(a.storage()), sb = heap(b.storage()), d = heap(out.storage());
        StridedLoop.run(out.shape(), p -> d.set(p[3], m.get(p[0]) != 0 ? sa.get(p[1]) : sb.get(p[2])),
                mask.layout(), a.layout(), b.layout(), out.layout());
    }

    @Override
    public void reduce(ReduceOp op, View x, int reducedDims, View out) {
        HeapStorage s = heap(x.storage()), d = heap(out.storage());
        Layout xl = x.layout();
        int lead = xl.rank() - reducedDims;
        int[] outerShape = Arrays.copyOf(xl.shape(), lead);
        int[] innerShape = Arrays.copyOfRange(xl.shape(), lead, xl.rank());
        int[] innerStrides = Arrays.copyOfRange(xl.strides(), lead, xl.rank());
        Layout outer = new Layout(outerShape, Arrays.copyOf(xl.strides(), lead), xl.offset());
        StridedLoop.run(outerShape, p -> {
            double[] acc = {op == ReduceOp.SUM ? 0 : Double.NaN, -1};
            int[] k = {0};
            StridedLoop.run(innerShape, q -> {
                double v = s.get(q[0]);
                switch (op) {
                    case SUM -> acc[0] += v;
                    case MAX, ARGMAX -> { if (k[0] == 0 || better(v, acc[0], true)) { acc[0] = v; acc[1] = k[0]; } }
                    case MIN, ARGMIN -> { if (k[0] == 0 || better(v, acc[0], false)) { acc[0] = v; acc[1] = k[0]; } }
                }
                k[0]++;
            }, new Layout(innerShape, innerStrides, p[0]));
            d.set(p[1], op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN ? acc[1] : acc[0]);
        }, outer, out.layout());
    }

    /** Whether v replaces the current extreme: NaN wins once and is kept, as in PyTorch. */
    private static boolean better(double v, double cur, boolean max) {
        if (Double.isNaN(cur)) return false;
        if (Double.isNaN(v)) return true;
        return max ? v > cur : v < cur;
    }

    @Override
    public void matmul(View a, View b, View out) {
        HeapStorage sa = heap(a.storage()), sb = heap(b.storage()), d = heap(out.storage());
        int[] as = a.layout().strides(), bs = b.layout().strides(), os = out.layout().strides();
        int batch = out.shape()[0], m = out.shape()[1], n = out.shape()[2], kk = a.shape()[2];
        for (int t = 0; t < batch; t++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    int pa = a.layout().offset() + t * as[0] + i * as[1];
                    int pb = b.layout().offset() + t * bs[0] + j * bs[2];
                    for (int k = 0; k < kk; k++) acc += sa.get(pa + k * as[2]) * sb.get(pb + k * bs[1]);
                    d.set(out.layout().offset() + t * os[0] + i * os[1] + j * os[2], acc);
                }
    }

    @Override
    public void gather(View x, int axis, View index, View out) {
        HeapStorage s = heap(x.storage()), ix = heap(index.storage()), d = heap(out.storage());
        int step = x.layout().strides()[axis];
        StridedLoop.run(out.shape(), p -> d.set(p[2], s.get(p[0] + (int) ix.get(p[1]) * step)),
                alongAxis(x.layout(), out.shape(), axis), index.layout(), out.layout());
    }

    @Override
    public void scatterAdd(View dst, int axis, View index, View src) {
        HeapStorage d = heap(dst.storage()), ix = heap(index.storage()), s = heap(src.storage());
        int step = dst.layout().strides()[axis];
        StridedLoop.run(src.shape(), p -> {
            int at = p[0] + (int) ix.get(p[1]) * step;
            d.set(at, d.get(at) + s.get(p[2]));
        }, alongAxis(dst.layout(), src.shape(), axis), index.layout(), src.layout());
    }

    /** The layout of {@code l} seen with {@code shape}, its {@code axis} stride zeroed so an index adds the step. */
    private static Layout alongAxis(Layout l, int[] shape, int axis) {
        int[] strides = l.strides().clone();
        strides[axis] = 0;
        return new Layout(shape, strides, l.offset());
    }

    @Override
    public void random(Distribution dist, long seed, long offset, View out) {
        HeapStorage d = heap(out.storage());
        boolean f64 = out.dtype() == DType.F64;
        long[] k = {offset};
        StridedLoop.run(out.shape(), p -> {
            long c = k[0]++;
            d.set(p[0], switch (dist) {
                case UNIFORM -> f64 ? Philox.uniformF64(seed, c) : Philox.uniformF32(seed, c);
                case NORMAL -> Philox.normal(seed, c);
            });
        }, out.layout());
    }

    private HeapStorage heap(Storage s) {
        if (s instanceof HeapStorage h && h.backend() == this) return h;
        throw new IllegalArgumentException("reference backend: got a storage owned by another backend instance ('"
                + s.backend().name() + "'); move the tensor with to(Device) first");
    }
}
