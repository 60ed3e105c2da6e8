package org.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Rng;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;

/** The layer base: PyTorch's naming, state dicts, modes, moving between devices and dtypes, functional calls. */
class LayerTest {
    /** PyTorchReference's Net: a parameter registered between two children, a Sequential nested in a Sequential. */
    static final class Net extends Layer {
        Net(Rng rng) {
            registerChild("features", new Sequential(new Conv2d(1, 4, 3, rng), new BatchNorm2d(4), new ReLU(),
                    new Conv2d(4, 2, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1, false, rng)));
            registerParameter("scale", Tensor.ones(1));
            registerChild("head", new Sequential(new Flatten(), new Sequential(new Linear(8, 5, rng), new LayerNorm(5))));
        }

        @Override
        public Tensor forward(Tensor x) {
            return children().get("head").forward(children().get("features").forward(x).mul(param("scale")));
        }
    }

    /** A layer with a non-persistent buffer, which moves with the layer but is not saved. */
    static final class Scratch extends Layer {
        Scratch() {
            registerParameter("w", Tensor.ones(2));
            registerBuffer("cache", Tensor.zeros(2), false);
            registerBuffer("count", Tensor.scalar(DType.I32, 0), true);
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.mul(param("w"));
        }
    }

    private static Tensor input() {
        return Tensor.rand(new Rng(99), DType.F32, 2, 1, 6, 6);
    }

    @Test
    void namesMatchPyTorch() {
        // state_dict() and named_parameters() of the same architecture in PyTorch 1.13 (pytorch_reference.py)
        Net net = new Net(new Rng(1));
        assertEquals(List.of(PyTorchReference.NET_STATE_DICT), new ArrayList<>(net.stateDict().keySet()));
        assertEquals(List.of(PyTorchReference.NET_PARAMETERS), new ArrayList<>(net.namedParameters().keySet()));
        assertEquals(List.of("features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked"),
                new ArrayList<>(net.namedBuffers().keySet()));
        assertEquals(List.copyOf(net.namedParameters().values()), net.parameters());
        assertEquals(List.of("features", "head"), new ArrayList<>(net.children().keySet()));
    }

    @Test
    void nonPersistentBuffersAreNotSaved() {
        Scratch s = new Scratch();
        assertEquals(List.of("cache", "count"), new ArrayList<>(s.namedBuffers().keySet()));
        assertEquals(List.of("w", "count"), new ArrayList<>(s.stateDict().keySet()));
    }

    @Test
    void stateDictSharesStorageButIsDetached() {
        Linear l = new Linear(3, 2, new Rng(2));
        Tensor w = l.stateDict().get("weight");
        assertFalse(w.requiresGrad());
        l.weight().requiresGrad(false).fill(7).requiresGrad(true);
        assertEquals(7, w.get(1, 2));
    }

    @Test
    void loadStateDictRoundTripsIntoAnotherInstanceInPlace() {
        Net a = new Net(new Rng(3)), b = new Net(new Rng(4));
        a.forward(input());                                       // running statistics and counter move off their start
        Map<String, Tensor> before = b.namedParameters();
        b.loadStateDict(a.stateDict());
        before.forEach((n, t) -> assertSame(t, b.namedParameters().get(n), n + " was replaced, not written"));
        a.stateDict().forEach((n, t) -> assertArrayEquals(t.toDoubleArray(), b.stateDict().get(n).toDoubleArray(), n));
        assertEquals(1, b.stateDict().get("features.1.num_batches_tracked").item());
        a.eval();
        b.eval();
        assertArrayEquals(a.forward(input()).toFloatArray(), b.forward(input()).toFloatArray());
    }

    @Test
    void loadStateDictConvertsDtypeAndDevice() {
        Linear l = new Linear(2, 2, new Rng(5));
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("weight", Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).to(Device.reference()));
        state.put("bias", Tensor.of(new int[] {5, 6}, 2));
        l.loadStateDict(state);
        assertEquals(DType.F32, l.weight().dtype());
        assertEquals(Device.defaultDevice(), l.weight().device());
        assertArrayEquals(new float[] {1, 2, 3, 4}, l.weight().toFloatArray());
        assertArrayEquals(new float[] {5, 6}, l.bias().toFloatArray());
    }

    @Test
    void strictLoadListsEveryBadKeyAndChangesNothing() {
        Net net = new Net(new Rng(6));
        Map<String, double[]> values = new LinkedHashMap<>();
        Map<String, Integer> versions = new LinkedHashMap<>();
        net.stateDict().forEach((n, t) -> {
            values.put(n, t.toDoubleArray());
            versions.put(n, t.version());
        });
        Map<String, Tensor> state = new LinkedHashMap<>(new Net(new Rng(7)).stateDict());
        state.remove("features.0.bias");
        state.remove("features.1.running_var");
        state.put("features.9.weight", Tensor.zeros(3));
        state.put("extra", Tensor.zeros(1));
        state.put("head.1.0.weight", Tensor.zeros(5, 9));
        state.put("scale", Tensor.zeros(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(state));
        String m = e.getMessage();
        assertTrue(m.contains("missing keys: features.0.bias, features.1.running_var"), m);
        assertTrue(m.contains("unexpected keys: features.9.weight, extra"), m);
        assertTrue(m.contains("shape mismatches: scale (expected [1], got [2]), head.1.0.weight (expected [5, 8], got [5, 9])"), m);
        net.stateDict().forEach((n, t) -> {
            assertArrayEquals(values.get(n), t.toDoubleArray(), n);
            assertEquals(versions.get(n), t.version(), n + " was written");
        });
    }

    @Test
    void nonStrictLoadSkipsMissingAndUnexpectedButNotShapeMismatches() {
        Linear l = new Linear(2, 2, new Rng(8));
        float[] bias = l.bias().toFloatArray();
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("weight", Tensor.ones(2, 2));
        state.put("other", Tensor.ones(3));
        l.loadStateDict(state, false);
        assertArrayEquals(new float[] {1, 1, 1, 1}, l.weight().toFloatArray());
        assertArrayEquals(bias, l.bias().toFloatArray());
        state.put("bias", Tensor.ones(3));
        state.put("weight", Tensor.zeros(2, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.loadStateDict(state, false));
        assertTrue(e.getMessage().contains("shape mismatches: bias (expected [2], got [3])") && !e.getMessage().contains("other"),
                e.getMessage());
        assertArrayEquals(new float[] {1, 1, 1, 1}, l.weight().toFloatArray());
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        Net net = new Net(new Rng(9));
        List<Layer> all = descendants(net);
        assertEquals(11, all.size());
        assertTrue(all.stream().allMatch(Layer::isTraining));
        assertSame(net, net.eval());
        assertTrue(all.stream().noneMatch(Layer::isTraining));
        net.train();
        assertTrue(all.stream().allMatch(Layer::isTraining));
    }

    private static List<Layer> descendants(Layer l) {
        List<Layer> out = new ArrayList<>(List.of(l));
        for (Layer c : l.children().values()) out.addAll(descendants(c));
        return out;
    }

    @Test
    void toDeviceMovesParametersGradientsAndBuffers() {
        Net net = new Net(new Rng(10));
        net.eval();
        Tensor expected = net.forward(input());
        net.forward(input()).sum().backward();
        Device ref = Device.reference();
        assertSame(net, net.to(ref));
        net.namedParameters().forEach((n, p) -> {
            assertEquals(ref, p.device(), n);
            assertTrue(p.isLeaf() && p.requiresGrad(), n);
            assertEquals(ref, p.grad().device(), n + ".grad");
        });
        net.namedBuffers().forEach((n, b) -> assertEquals(ref, b.device(), n));
        assertArrayEquals(expected.toFloatArray(), net.forward(input().to(ref)).toFloatArray(), 1e-5f);
        net.train();
        net.forward(input().to(ref)).sum().backward();            // training, running-stat updates and backward there
    }

    @Test
    void toDtypeConvertsFloatingTensorsOnly() {
        Net net = new Net(new Rng(11));
        Tensor before = net.namedParameters().get("scale");
        net.to(DType.F64);
        net.namedParameters().forEach((n, p) -> assertEquals(DType.F64, p.dtype(), n));
        assertNotSame(before, net.namedParameters().get("scale"));
        assertEquals(DType.F64, net.namedBuffers().get("features.1.running_mean").dtype());
        assertEquals(DType.I32, net.namedBuffers().get("features.1.num_batches_tracked").dtype());
        assertThrows(IllegalArgumentException.class, () -> net.to(DType.I32));
    }

    @Test
    void zeroGradClearsEveryGradient() {
        Net net = new Net(new Rng(12));
        net.forward(input()).sum().backward();
        assertTrue(net.parameters().stream().allMatch(p -> p.grad() != null));
        net.zeroGrad();
        assertTrue(net.parameters().stream().allMatch(p -> p.grad() == null));
    }

    @Test
    void functionalCallSubstitutesForOneCallAndRestores() {
        Linear l = new Linear(2, 1, new Rng(13));
        Tensor w = l.weight();
        Tensor y = l.functionalCall(Map.of("weight", Tensor.of(new float[] {1, 2}, 1, 2), "bias", Tensor.zeros(1)),
                Tensor.of(new float[] {3, 4}, 1, 2));
        assertEquals(11, y.item());
        assertSame(w, l.weight());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> l.functionalCall(Map.of("bias", Tensor.zeros(2), "nope", Tensor.zeros(1)), Tensor.zeros(1, 2)));
        assertTrue(e.getMessage().contains("bias (expected [1], got [2])") && e.getMessage().contains("nope (no such"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> l.functionalCall(Map.of("bias", Tensor.zeros(1)), Tensor.zeros(1, 3)));
        assertSame(w, l.weight());
        assertNotSame(null, l.bias());
    }

    @Test
    void registrationRejectsBadNamesAndTensors() {
        Layer l = new Layer() {
            {
                registerParameter("a", Tensor.zeros(1));
                assertThrows(IllegalArgumentException.class, () -> registerParameter("a", Tensor.zeros(1)));
                assertThrows(IllegalArgumentException.class, () -> registerBuffer("a", Tensor.zeros(1), true));
                assertThrows(IllegalArgumentException.class, () -> registerChild("a", new ReLU()));
                assertThrows(IllegalArgumentException.class, () -> registerParameter("b.c", Tensor.zeros(1)));
                assertThrows(IllegalArgumentException.class, () -> registerParameter("", Tensor.zeros(1)));
                assertThrows(IllegalArgumentException.class, () -> registerParameter("i", Tensor.zeros(DType.I32, 1)));
                assertThrows(IllegalArgumentException.class, () -> registerBuffer("g", Tensor.zeros(1).requiresGrad(true), true));
            }

            @Override
            public Tensor forward(Tensor x) {
                return x;
            }
        };
        assertEquals(List.of("a"), new ArrayList<>(l.namedParameters().keySet()));
        assertNull(l.namedParameters().get("b.c"));
    }

    @Test
    void sequentialNamesChildrenByPosition() {
        Sequential s = new Sequential(new Linear(3, 4, new Rng(14)), new ReLU()).add(new Linear(4, 2, new Rng(15)));
        assertEquals(3, s.size());
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), new ArrayList<>(s.namedParameters().keySet()));
        assertTrue(s.get(1) instanceof ReLU);
        assertThrows(IndexOutOfBoundsException.class, () -> s.get(3));
        assertArrayEquals(new int[] {5, 2}, s.forward(Tensor.zeros(5, 3)).shape());
        assertEquals("Sequential(\n  (0): Linear(in_features=3, out_features=4, bias=true)\n  (1): ReLU()\n"
                + "  (2): Linear(in_features=4, out_features=2, bias=true)\n)", s.toString());
    }
}
