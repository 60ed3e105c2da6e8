package org.jgrad.cli;

import java.util.Locale;

/** One epoch's row of metrics.csv. */
record Metrics(int epoch, double trainLoss, double trainAcc, double testLoss, double testAcc, double seconds, double lr) {
    static final String HEADER = "epoch,train_loss,train_acc,test_loss,test_acc,seconds,lr";

    String csv() {
        return String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.3f,%.6g", epoch, trainLoss, trainAcc, testLoss, testAcc, seconds, lr);
    }

    static Metrics parse(String line, String where) {
        String[] f = line.split(",", -1);
        try {
            if (f.length != 7) throw new NumberFormatException("expected 7 fields, got " + f.length);
            return new Metrics(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": malformed metrics row '" + line + "': " + e.getMessage());
        }
    }

    /** The line printed after each epoch. */
    String line(int epochs) {
        return String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f  train acc %.2f%%  test loss %.4f  test acc %.2f%%  %.1f s",
                epoch, epochs, trainLoss, 100 * trainAcc, testLoss, 100 * testAcc, seconds);
    }
}
