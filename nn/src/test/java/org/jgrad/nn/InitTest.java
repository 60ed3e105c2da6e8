package org.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.jgrad.Rng;
import org.jgrad.Tensor;
import org.jgrad.nn.Init.FanMode;
import org.jgrad.nn.Init.Nonlinearity;
import org.junit.jupiter.api.Test;

/**
 * Initialisers draw from the documented distributions: bounds exactly, mean and variance within five standard
 * errors of the sample (so a wrong fan or gain, off by 10 % or more, fails), and the same seed gives the same weights.
 */
class InitTest {
    /** Sample mean and second moment about zero of t's elements. */
    private static double[] moments(Tensor t) {
        double[] v = t.toDoubleArray();
        return new double[] {Arrays.stream(v).average().orElseThrow(), Arrays.stream(v).map(x -> x * x).average().orElseThrow()};
    }

    /** Elements within [−b, b], reaching close to ±b, with U(−b, b)'s mean 0 and variance b²/3. */
    private static void assertUniform(Tensor t, double b, String what) {
        double[] v = t.toDoubleArray();
        int n = v.length;
        double max = Arrays.stream(v).map(Math::abs).max().orElseThrow();
        assertTrue(max <= b * (1 + 1e-6), what + ": |x| = " + max + " exceeds the bound " + b);
        assertTrue(max >= b * (1 - 20.0 / n), what + ": the largest |x| " + max + " falls short of the bound " + b);
        double[] m = moments(t);
        assertEquals(0, m[0], 5 * b / Math.sqrt(3 * n), what + " mean");
        // the second moment of U(−b, b) is b²/3, its sampling standard deviation b²·√(4/45)/√n
        assertEquals(b * b / 3, m[1], 5 * b * b * Math.sqrt(4.0 / 45 / n), what + " variance");
    }

    /** N(0, std²): mean 0 and variance std² within five standard errors. */
    private static void assertNormal(Tensor t, double std, String what) {
        int n = t.numel();
        double[] m = moments(t);
        assertEquals(0, m[0], 5 * std / Math.sqrt(n), what + " mean");
        assertEquals(std * std, m[1], 5 * std * std * Math.sqrt(2.0 / n), what + " variance");
    }

    @Test
    void linearDefaultIsUniformOverOneOverRootFanIn() {
        // PyTorch: kaiming_uniform(a=√5) gives U(−1/√fanIn, 1/√fanIn); the bias has the same bound
        Linear l = new Linear(100, 5000, new Rng(1));
        assertUniform(l.weight(), 0.1, "weight");
        assertUniform(l.bias(), 0.1, "bias");
    }

    @Test
    void conv2dDefaultCountsTheReceptiveFieldAndGroups() {
        // fanIn = in/groups · kh · kw = 4 · 3 · 5 = 60
        Conv2d c = new Conv2d(8, 400, new int[] {3, 5}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 2, true, new Rng(2));
        assertArrayEquals(new int[] {400, 4, 3, 5}, c.weight().shape());
        assertArrayEquals(new int[] {60, 400 * 15}, Init.fans(c.weight()));
        assertUniform(c.weight(), 1 / Math.sqrt(60), "weight");
        double max = Arrays.stream(c.bias().toDoubleArray()).map(Math::abs).max().orElseThrow();
        assertTrue(max <= 1 / Math.sqrt(60) && max > 0.9 / Math.sqrt(60), "bias bound " + max);
    }

    @Test
    void kaimingUsesTheGainAndTheChosenFan() {
        Tensor t = Tensor.zeros(300, 200);
        assertNormal(Init.kaimingNormal(t, 0, FanMode.FAN_IN, Nonlinearity.RELU, new Rng(3)), Math.sqrt(2.0 / 200), "kaiming normal relu");
        assertNormal(Init.kaimingNormal(t, 0, FanMode.FAN_OUT, Nonlinearity.RELU, new Rng(4)), Math.sqrt(2.0 / 300), "fan out");
        assertUniform(Init.kaimingUniform(t, 0.2, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, new Rng(5)),
                Math.sqrt(3) * Math.sqrt(2 / 1.04) / Math.sqrt(200), "kaiming uniform leaky relu");
        assertUniform(Init.kaimingUniform(t, 0, FanMode.FAN_OUT, Nonlinearity.TANH, new Rng(6)),
                Math.sqrt(3) * 5.0 / 3 / Math.sqrt(300), "kaiming uniform tanh fan out");
    }

    @Test
    void xavierUsesBothFans() {
        Tensor t = Tensor.zeros(200, 30, 2, 2);                   // fanIn 120, fanOut 800
        assertUniform(Init.xavierUniform(t, 1, new Rng(7)), Math.sqrt(6.0 / 920), "xavier uniform");
        assertNormal(Init.xavierNormal(t, 2, new Rng(8)), 2 * Math.sqrt(2.0 / 920), "xavier normal gain 2");
    }

    @Test
    void gainsAreTorchs() {
        assertEquals(1, Init.gain(Nonlinearity.LINEAR, 0));
        assertEquals(1, Init.gain(Nonlinearity.SIGMOID, 0));
        assertEquals(5.0 / 3, Init.gain(Nonlinearity.TANH, 0));
        assertEquals(Math.sqrt(2), Init.gain(Nonlinearity.RELU, 0));
        assertEquals(Math.sqrt(2 / 1.0001), Init.gain(Nonlinearity.LEAKY_RELU, 0.01), 1e-15);
        assertEquals(Math.sqrt(1.0 / 3), Init.gain(Nonlinearity.LEAKY_RELU, Math.sqrt(5)), 1e-15);
        assertEquals(0.75, Init.gain(Nonlinearity.SELU, 0));
    }

    @Test
    void uniformNormalAndConstantFillInPlace() {
        Tensor t = Tensor.zeros(50000);
        int version = t.version();
        assertUniform(Init.uniform(t, -3, 3, new Rng(9)), 3, "uniform");
        assertTrue(t.version() > version);
        Tensor shifted = Init.uniform(Tensor.zeros(50000), 1, 2, new Rng(10));
        assertEquals(1.5, moments(shifted)[0], 0.01);
        assertEquals(4, moments(Init.normal(Tensor.zeros(50000), 2, 0, new Rng(11)))[1], 1e-6);
        assertArrayEquals(new float[] {7, 7}, Init.constant(Tensor.zeros(2), 7).toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> Init.uniform(Tensor.zeros(2), 1, 0, new Rng(12)));
        assertThrows(IllegalArgumentException.class, () -> Init.fans(Tensor.zeros(3)));
        assertThrows(IllegalArgumentException.class, () -> Init.normal(Tensor.zeros(org.jgrad.DType.I32, 3), 0, 1, new Rng(13)));
    }

    @Test
    void seedsReproduceWeights() {
        assertArrayEquals(new Linear(20, 10, new Rng(14)).weight().toFloatArray(), new Linear(20, 10, new Rng(14)).weight().toFloatArray());
        Rng rng = new Rng(15);
        assertFalse(Arrays.equals(new Linear(20, 10, rng).weight().toFloatArray(), new Linear(20, 10, rng).weight().toFloatArray()));
        // the default stream: the same construction order after the same manualSeed gives the same weights
        Init.manualSeed(16);
        float[] first = new Linear(784, 10).weight().toFloatArray(), second = new Conv2d(1, 8, 3).weight().toFloatArray();
        Init.manualSeed(16);
        assertArrayEquals(first, new Linear(784, 10).weight().toFloatArray());
        assertArrayEquals(second, new Conv2d(1, 8, 3).weight().toFloatArray());
    }
}
