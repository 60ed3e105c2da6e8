package org.jgrad.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jgrad.DType;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;

/** Scheduler sequences by hand, their state dicts and their errors. */
class LrSchedulerTest {
    static SGD sgd(double lr) {
        return new SGD(List.of(OptimizerTest.param(0)), lr);
    }

    static double[] rates(LrScheduler s, int steps) {
        double[] out = new double[steps + 1];
        out[0] = s.lastLr()[0];
        for (int i = 1; i <= steps; i++) {
            s.step();
            out[i] = s.lastLr()[0];
        }
        return out;
    }

    @Test
    void handComputedSequences() {
        assertArrayEquals(new double[] {1, 1, 0.1, 0.1, 0.01}, rates(new StepLR(sgd(1), 2, 0.1), 4), 1e-17);
        assertArrayEquals(new double[] {1, 0.5, 0.5, 0.125, 0.125}, rates(new MultiStepLR(sgd(1), new int[] {3, 1, 3},
                0.5), 4), 0);
        assertArrayEquals(new double[] {0.25, 0.5, 0.75, 1, 1}, rates(new LinearLR(sgd(1), 0.25, 1, 3), 4), 1e-16);
        assertArrayEquals(new double[] {1, 0.5, 0, 0.5, 1}, rates(new CosineAnnealingLR(sgd(1), 2), 4), 1e-15);
    }

    @Test
    void theStateDictRestoresTheSchedule() {
        var first = new CosineAnnealingLR(sgd(0.1), 10, 0.01);
        rates(first, 3);
        var second = new CosineAnnealingLR(sgd(0.1), 10, 0.01);
        second.loadStateDict(OptimizerParityTest.throughSafeTensors(first.stateDict()));
        assertEquals(3, second.lastEpoch());
        assertArrayEquals(first.lastLr(), second.lastLr());
        first.step();
        second.step();
        assertArrayEquals(first.lastLr(), second.lastLr());
    }

    @Test
    void aBadStateDictListsItsProblemsAndChangesNothing() {
        var s = new StepLR(sgd(1), 1, 0.5);
        s.step();
        var bad = new LinkedHashMap<String, Tensor>();
        bad.put("last_epoch", Tensor.scalar(DType.F64, 2.5));
        bad.put("base_lrs", Tensor.of(new double[] {1, 2}, 2));
        bad.put("gamma", Tensor.scalar(DType.F64, 0.1));
        String m = assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(bad)).getMessage();
        for (String part : List.of("StepLR.loadStateDict", "unexpected key gamma", "last_epoch: expected a 0-d whole"
                + " number", "2.5", "base_lrs: expected [1] (one per group), got tensor [2] F64"))
            assertTrue(m.contains(part), m + " lacks " + part);
        assertEquals(1, s.lastEpoch());
        assertEquals(0.5, s.lastLr()[0]);
        assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(Map.of()));
    }

    @Test
    void oneCycleHoldsItsFinalRateAtItsLastStepAndStopsThere() {
        var s = new OneCycleLR(sgd(0.1), new double[] {0.1}, 3, 0.3, OneCycleLR.Anneal.LINEAR, false, 0.85, 0.95, 25,
                1e4, false);
        double[] r = rates(s, 3);
        assertEquals(0.1 / 25 / 1e4, r[2], 1e-17);
        assertEquals(r[2], r[3]);
        var e = assertThrows(IllegalStateException.class, s::step);
        assertTrue(e.getMessage().contains("OneCycleLR") && e.getMessage().contains("3"), e.getMessage());
        var state = new LinkedHashMap<>(s.stateDict());
        state.put("last_epoch", Tensor.scalar(DType.F64, 4));
        assertThrows(IllegalArgumentException.class, () -> new OneCycleLR(sgd(0.1), 0.1, 3).loadStateDict(state));
    }

    @Test
    void aGroupAddedAfterTheSchedulerIsAnError() {
        var opt = sgd(0.1);
        var s = new StepLR(opt, 1, 0.5);
        opt.addParamGroup(List.of(OptimizerTest.param(1)), Map.of());
        var e = assertThrows(IllegalStateException.class, s::step);
        assertTrue(e.getMessage().contains("2 parameter groups"), e.getMessage());
    }

    @Test
    void badArgumentsAreRejected() {
        for (Runnable r : List.<Runnable>of(() -> new StepLR(sgd(1), 0, 0.1), () -> new LinearLR(sgd(1), 0, 1, 5),
                () -> new LinearLR(sgd(1), 0.5, 1, 0), () -> new CosineAnnealingLR(sgd(1), 0),
                () -> new OneCycleLR(sgd(1), new double[] {1, 2}, 10, 0.3, OneCycleLR.Anneal.COS, true, 0.85, 0.95,
                        25, 1e4, false),
                () -> new OneCycleLR(sgd(1), 1, 0),
                () -> {
                    var opt = sgd(1);
                    new SequentialLR(opt, List.of(new StepLR(opt, 1, 0.5)), new int[] {2});
                },
                () -> {
                    var opt = sgd(1);
                    new SequentialLR(opt, List.of(new StepLR(opt, 1, 0.5), new StepLR(sgd(1), 1, 0.5)), new int[] {2});
                })) {
            var e = assertThrows(IllegalArgumentException.class, r::run);
            assertTrue(e.getMessage().contains("LR:"), e.getMessage());
        }
    }
}
