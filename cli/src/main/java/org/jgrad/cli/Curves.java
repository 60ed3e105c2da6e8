package org.jgrad.cli;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** curves.png: loss (train and test) and accuracy (train and test) per epoch, side by side. */
final class Curves {
    private static final int W = 640, H = 420;

    private Curves() {
    }

    /** The PNG's bytes. */
    static byte[] png(List<Metrics> rows, String title) {
        System.setProperty("java.awt.headless", "true");
        double[] epochs = rows.stream().mapToDouble(Metrics::epoch).toArray();
        XYChart loss = chart(title + ": loss", "cross-entropy", Styler.LegendPosition.InsideNE); // curves fall
        loss.addSeries("train", epochs, rows.stream().mapToDouble(Metrics::trainLoss).toArray());
        loss.addSeries("test", epochs, rows.stream().mapToDouble(Metrics::testLoss).toArray());
        XYChart acc = chart(title + ": accuracy", "accuracy (%)", Styler.LegendPosition.InsideSE); // curves rise
        acc.addSeries("train", epochs, rows.stream().mapToDouble(m -> 100 * m.trainAcc()).toArray());
        acc.addSeries("test", epochs, rows.stream().mapToDouble(m -> 100 * m.testAcc()).toArray());

        BufferedImage img = new BufferedImage(2 * W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.drawImage(BitmapEncoder.getBufferedImage(loss), 0, 0, null);
            g.drawImage(BitmapEncoder.getBufferedImage(acc), W, 0, null);
        } finally {
            g.dispose();
        }
        var bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a memory stream does not fail
        }
        return bytes.toByteArray();
    }

    private static XYChart chart(String title, String yTitle, Styler.LegendPosition legend) {
        XYChart c = new XYChartBuilder().width(W).height(H).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(legend).setMarkerSize(6);
        c.getStyler().setXAxisDecimalPattern("0");
        return c;
    }
}
