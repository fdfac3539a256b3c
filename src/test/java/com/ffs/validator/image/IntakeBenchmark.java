package com.ffs.validator.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Intake benchmark (a program, not a test): CPU milliseconds per image, on one thread, for decoding sample JPEGs with
 * libjpeg-turbo and with ImageIO, and for each real model's preprocessing. Compare with
 * {@code src/test/bench/bench_pillow.py} on the same files.
 *
 * <pre>
 * /usr/bin/python3 src/test/bench/bench_photos.py          # ~1 MP JPEGs into target/bench/photos
 * src/test/bench/run-intake-benchmark.sh [photo_dir] [rounds]
 * </pre>
 */
public final class IntakeBenchmark {

    private IntakeBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench/photos");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        List<Path> photos;
        try (Stream<Path> files = Files.list(dir)) {
            photos = files.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        if (photos.isEmpty()) {
            throw new IllegalArgumentException("no .jpg files in " + dir + "; run src/test/bench/bench_photos.py");
        }
        Map<String, PreprocessorConfig> models = new LinkedHashMap<>();
        for (String model : List.of("nsfw", "clip", "siglip")) {
            models.put(model, Goldens.model(model));
        }
        ImageDecoder turbo = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.WHITE, true, TurboJpeg.instance(),
                LibWebp.instance(), ImageDecoder.RasterListener.NONE);
        ImageDecoder imageIo = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.WHITE, true, Optional.empty(),
                LibWebp.instance(), ImageDecoder.RasterListener.NONE);
        if (!turbo.usesTurboJpeg()) {
            System.out.println("libturbojpeg not installed: the 'decode' column is ImageIO too");
        }
        FloatBuffer slot = ByteBuffer.allocateDirect(3 * 224 * 224 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();

        // Warm-up: let the JIT compile every path before anything is timed.
        long warmUntil = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < warmUntil) {
            for (Path p : photos) {
                byte[] bytes = Files.readAllBytes(p);
                RgbImage image = turbo.decode(bytes);
                imageIo.decode(bytes);
                for (PreprocessorConfig cfg : models.values()) {
                    slot.clear();
                    Preprocessor.write(image, cfg, slot);
                }
            }
        }

        System.out.printf("Java %s, %s JPEG decoding, median of %d rounds, CPU ms per image, one thread%n",
                Runtime.version(), turbo.usesTurboJpeg() ? "libjpeg-turbo" : "ImageIO", rounds);
        System.out.printf("%-24s%11s%9s%9s%9s%9s%9s%9s%9s%n", "photo", "size", "decode", "ImageIO", "nsfw", "clip",
                "siglip", "three", "total");
        List<PreprocessorConfig> configs = List.copyOf(models.values());
        List<double[]> rows = new ArrayList<>();
        for (Path p : photos) {
            byte[] bytes = Files.readAllBytes(p);
            RgbImage image = turbo.decode(bytes);
            double[] row = new double[6];
            row[0] = median(rounds, () -> turbo.decode(bytes));
            row[1] = median(rounds, () -> imageIo.decode(bytes));
            int c = 2;
            for (PreprocessorConfig cfg : models.values()) {
                row[c++] = median(rounds, () -> {
                    slot.clear();
                    Preprocessor.write(image, cfg, slot);
                });
            }
            row[5] = median(rounds, () -> {
                Preprocessing preprocessing = new Preprocessing(image, configs);
                for (PreprocessorConfig cfg : configs) {
                    slot.clear();
                    preprocessing.write(cfg, slot);
                }
            });
            rows.add(row);
            System.out.printf("%-24s%5dx%-5d%9.2f%9.2f%9.2f%9.2f%9.2f%9.2f%9.2f%n", p.getFileName(), image.width(),
                    image.height(), row[0], row[1], row[2], row[3], row[4], row[5], row[0] + row[5]);
        }
        double[] mean = new double[6];
        for (double[] row : rows) {
            for (int i = 0; i < 6; i++) {
                mean[i] += row[i] / rows.size();
            }
        }
        System.out.printf("%-35s%9.2f%9.2f%9.2f%9.2f%9.2f%9.2f%9.2f%n", "mean", mean[0], mean[1], mean[2], mean[3],
                mean[4], mean[5], mean[0] + mean[5]);
        System.out.println("three = the three preprocessings of one image together (shared passes); "
                + "total = decode (libjpeg-turbo) + three");
    }

    /** Median CPU time of the calling thread: other work on a shared machine inflates it far less than wall time. */
    private static double median(int rounds, Runnable task) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] samples = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = threads.getCurrentThreadCpuTime();
            task.run();
            samples[i] = (threads.getCurrentThreadCpuTime() - t0) / 1e6;
        }
        Arrays.sort(samples);
        return samples[rounds / 2];
    }
}
