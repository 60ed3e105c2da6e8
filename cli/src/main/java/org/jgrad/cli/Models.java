package org.jgrad.cli;

import java.util.List;
import org.jgrad.Rng;
import org.jgrad.nn.BatchNorm1d;
import org.jgrad.nn.Conv2d;
import org.jgrad.nn.Flatten;
import org.jgrad.nn.Layer;
import org.jgrad.nn.Linear;
import org.jgrad.nn.MaxPool2d;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;

/**
 * The models {@code ./jgrad train} knows, built exactly as bench/train_peer.py builds them in PyTorch, so that
 * their checkpoints load into each other and their epoch times compare like for like.
 */
final class Models {
    static final List<String> NAMES = List.of("convnet", "mlp");

    private Models() {
    }

    /** A freshly initialised model (PyTorch's default initialisation, drawn from {@code rng}). */
    static Layer build(String name, Rng rng) {
        return switch (name) {
            // issue 3's convnet: 28×28 → 14×14 → 7×7 feature maps, 3136 = 64·7·7 features
            case "convnet" -> new Sequential(
                    new Conv2d(1, 32, 3, 1, 1, rng), new ReLU(), new MaxPool2d(2),
                    new Conv2d(32, 64, 3, 1, 1, rng), new ReLU(), new MaxPool2d(2), new Flatten(),
                    new Linear(3136, 128, rng), new ReLU(), new Linear(128, 10, rng));
            case "mlp" -> new Sequential(new Flatten(),
                    new Linear(784, 512, rng), new BatchNorm1d(512), new ReLU(),
                    new Linear(512, 512, rng), new BatchNorm1d(512), new ReLU(),
                    new Linear(512, 10, rng));
            default -> throw new IllegalArgumentException("unknown model '" + name + "' (expected one of " + String.join(", ", NAMES) + ")");
        };
    }
}
