package org.jgrad.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jgrad.DType;
import org.jgrad.Rng;
import org.jgrad.Tensor;
import org.jgrad.testkit.Domain;
import org.jgrad.testkit.GradCheck;
import org.jgrad.testkit.Gens;
import org.junit.jupiter.api.Test;

/**
 * Every layer's gradient, with respect to its input and to each of its parameters, agrees with central differences
 * in F64 (the test kit's GradCheck): the parameters are passed in through {@link Layer#functionalCall}.
 */
class LayerGradTest {
    private static Tensor x(long seed, int... shape) {
        return Gens.tensor(shape, Domain.real(), DType.F64, seed);
    }

    /** GradCheck of {@code layer(x)} with respect to x (when floating) and every parameter, the layer in F64. */
    static void check(Layer layer, Tensor x) {
        layer.to(DType.F64);
        Map<String, Tensor> params = layer.namedParameters();
        List<String> names = new ArrayList<>(params.keySet());
        Tensor[] inputs = new Tensor[names.size() + 1];
        inputs[0] = x;
        for (int i = 0; i < names.size(); i++) inputs[i + 1] = params.get(names.get(i));
        GradCheck.check(in -> {
            Map<String, Tensor> r = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) r.put(names.get(i), in[i + 1]);
            return layer.functionalCall(r, in[0]);
        }, inputs);
    }

    @Test
    void linearWithAndWithoutBias() {
        check(new Linear(4, 3, new Rng(1)), x(1, 2, 4));
        check(new Linear(3, 2, false, new Rng(2)), x(2, 2, 3, 3));    // leading dimensions broadcast
    }

    @Test
    void conv2dWithStridePaddingDilationGroups() {
        check(new Conv2d(2, 3, 3, 1, 1, new Rng(3)), x(3, 1, 2, 4, 4));
        check(new Conv2d(4, 2, new int[] {2, 3}, new int[] {2, 1}, new int[] {1, 0}, new int[] {1, 2}, 2, false,
                new Rng(4)), x(4, 2, 4, 4, 6));
    }

    @Test
    void pools() {
        check(new MaxPool2d(2), x(5, 1, 2, 4, 4));
        check(new MaxPool2d(3, 2, 1), x(6, 2, 1, 5, 5));
        check(new AvgPool2d(2), x(7, 1, 2, 4, 4));
        check(new AvgPool2d(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, false), x(8, 1, 2, 5, 5));
        check(new AdaptiveAvgPool2d(3, 2), x(9, 2, 1, 5, 7));
        check(new AdaptiveAvgPool2d(1), x(10, 1, 3, 3, 4));
    }

    @Test
    void batchNormsInTrainingAndEvaluation() {
        check(new BatchNorm1d(3), x(11, 5, 3));
        check(new BatchNorm1d(2), x(12, 3, 2, 4));
        check(new BatchNorm2d(2), x(13, 3, 2, 2, 3));
        check(new BatchNorm2d(2, 1e-5, 0.1, false, false), x(14, 2, 2, 2, 2));
        BatchNorm2d trained = new BatchNorm2d(2);
        trained.forward(x(15, 4, 2, 3, 3));                      // running statistics away from 0 and 1
        check(trained.eval(), x(16, 2, 2, 3, 3));
        check(new GhostBatchNorm(2, 3), x(17, 7, 2, 2, 2));       // virtual batches of 3, 3 and 1 sample of 4 values
    }

    @Test
    void layerNormEmbeddingFlattenAndDropout() {
        check(new LayerNorm(3, 4), x(18, 2, 3, 4));
        check(new LayerNorm(new int[] {4}, 1e-5, false), x(19, 3, 4));
        check(new Embedding(5, 3, new Rng(5)), Tensor.of(new int[] {4, 0, 2, 4, 1, 3}, 2, 3));
        check(new Flatten(), x(20, 2, 3, 2));
        check(new Flatten(0, 1), x(21, 2, 3, 2));
        // each call makes a fresh layer with the same seed, so every finite-difference pass sees the same mask
        Supplier<Layer> dropout = () -> new Dropout(0.4, new Rng(6));
        GradCheck.check(in -> dropout.get().forward(in[0]), x(22, 3, 5));
        check(new Dropout(0.4, new Rng(6)).eval(), x(23, 3, 5));
    }

    @Test
    void activations() {
        Tensor awayFromZero = Gens.tensor(new int[] {3, 4}, Domain.awayFrom(-2, 2, 0.01, 0), DType.F64, 24);
        check(new ReLU(), awayFromZero);
        check(new LeakyReLU(), awayFromZero);
        check(new LeakyReLU(0.2), awayFromZero);
        check(new GELU(), x(25, 3, 4));
        check(new SiLU(), x(26, 3, 4));
        check(new Tanh(), x(27, 3, 4));
        check(new Sigmoid(), x(28, 3, 4));
        check(new Softmax(1), x(29, 3, 4));
        check(new LogSoftmax(0), x(30, 3, 4));
    }

    @Test
    void nestedSequentialConvnet() {
        // conv → batch norm → relu → pool → flatten → linear, all parameters at once
        Sequential net = new Sequential(new Conv2d(1, 2, 3, 1, 1, new Rng(7)), new BatchNorm2d(2), new ReLU(),
                new MaxPool2d(2), new Flatten(), new Sequential(new Linear(8, 3, new Rng(8)), new Tanh()));
        check(net, x(31, 3, 1, 4, 4));
    }
}
