package com.ffs.validator.inference;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.ffs.validator.image.Preprocessor;
import com.ffs.validator.image.PreprocessorConfig;
import com.ffs.validator.image.RgbImage;

/**
 * {@code reference_outputs.json} for the demo models, so every demo start-up runs the reference check as a real
 * export would. The demo image graphs are affine maps of the mean preprocessed colour, so their outputs are
 * computed here in plain arithmetic, independently of ONNX Runtime.
 */
final class DemoReferences {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoReferences() {
    }

    /** The sample images: small, of different sizes, a gradient and flat colours. */
    static List<Sample> samples() {
        return List.of(new Sample("gradient-64x48.png", gradient(64, 48)),
                new Sample("red-30x30.png", solid(30, 30, 220, 30, 40)),
                new Sample("green-40x56.png", solid(40, 56, 40, 200, 60)));
    }

    record Sample(String name, RgbImage image) {
    }

    /**
     * Writes {@code dir/reference_outputs.json} for an image graph computing {@code mean_rgb x w + b}.
     *
     * @param w row-major [3, dim]
     */
    static void write(Path dir, String model, PreprocessorConfig pre, float[] w, float[] b, String output) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("format", ReferenceOutputs.FORMAT).put("model", model)
                .put("produced_by", "ffs-validator demo models (closed form)").put("image_output", output);
        ArrayNode images = doc.putArray("images");
        int dim = b.length;
        for (Sample sample : samples()) {
            FloatBuffer tensor = FloatBuffer.allocate(pre.tensorSize());
            Preprocessor.write(sample.image(), pre, tensor);
            int plane = pre.tensorSize() / 3;
            double[] mean = new double[3];
            for (int c = 0; c < 3; c++) {
                double sum = 0;
                for (int i = 0; i < plane; i++) {
                    sum += tensor.get(c * plane + i);
                }
                mean[c] = sum / plane;
            }
            ArrayNode row = JSON.createArrayNode();
            for (int j = 0; j < dim; j++) {
                row.add(mean[0] * w[j] + mean[1] * w[dim + j] + mean[2] * w[2 * dim + j] + b[j]);
            }
            images.addObject().put("name", sample.name())
                    .put("png_base64", Base64.getEncoder().encodeToString(png(sample.image())))
                    .set("output", row);
        }
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(ReferenceOutputs.FILE).toFile(), doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] png(RgbImage image) {
        BufferedImage img = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                img.setRGB(x, y, image.sample(x, y, 0) << 16 | image.sample(x, y, 1) << 8 | image.sample(x, y, 2));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static RgbImage gradient(int w, int h) {
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                px[i] = (byte) (255 * x / (w - 1));
                px[i + 1] = (byte) (255 * y / (h - 1));
                px[i + 2] = (byte) (255 - 255 * (x + y) / (w + h - 2));
            }
        }
        return new RgbImage(w, h, px);
    }

    private static RgbImage solid(int w, int h, int r, int g, int b) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < px.length; i += 3) {
            px[i] = (byte) r;
            px[i + 1] = (byte) g;
            px[i + 2] = (byte) b;
        }
        return new RgbImage(w, h, px);
    }
}
