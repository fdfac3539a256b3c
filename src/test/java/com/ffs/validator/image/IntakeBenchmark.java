package com.ffs.validator.image;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Intake benchmark (a program, not a test): CPU milliseconds per image, on one thread, for decoding sample JPEGs with
 * libjpeg-turbo (and optionally ImageIO), for each real model's preprocessing alone, and for the three together as
 * the service runs them (one {@link Preprocessing}, shared passes). With {@code --fast}, JPEGs decode as with
 * {@code validator.image.decode-scaling=fast}. Compare with {@code src/test/bench/bench_pillow.py} on the same files.
 *
 * <pre>
 * /usr/bin/python3 src/test/bench/bench_photos.py          # ~1 MP JPEGs into target/bench/photos
 * src/test/bench/run-intake-benchmark.sh [photo_dir] [rounds] [--fast]
 * </pre>
 *
 * The last line, {@code RESULT ...}, gives the means for programs that collect them ({@code bench/run.sh}).
 */
public final class IntakeBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private IntakeBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        List<String> positional = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
        boolean fast = Arrays.asList(args).contains("--fast");
        boolean withImageIo = Arrays.asList(args).contains("--imageio");
        Path dir = Path.of(positional.isEmpty() ? "target/bench/photos" : positional.get(0));
        int rounds = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 30;
        List<Path> photos;
        try (Stream<Path> files = Files.list(dir)) {
            photos = files.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        if (photos.isEmpty()) {
            throw new IllegalArgumentException("no .jpg files in " + dir + "; run src/test/bench/bench_photos.py");
        }
        List<PreprocessorConfig> models = List.of(Goldens.model("nsfw"), Goldens.model("clip"),
                Goldens.model("siglip"));
        int side = fast ? Preprocessor.draftSide(models) : 0;
        ImageDecoder turbo = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.WHITE, true, TurboJpeg.instance(),
                LibWebp.instance(), ImageDecoder.RasterListener.NONE, RasterBudget.unlimited(), fast);
        ImageDecoder imageIo = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.WHITE, true, Optional.empty(),
                LibWebp.instance(), ImageDecoder.RasterListener.NONE);
        if (!turbo.usesTurboJpeg()) {
            System.out.println("libturbojpeg not installed: the 'decode' column is ImageIO too");
        }
        FloatBuffer slot = ByteBuffer.allocateDirect(3 * 224 * 224 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();

        // Warm-up: let the JIT compile every path before anything is timed.
        long warmUntil = System.nanoTime() + 8_000_000_000L;
        while (System.nanoTime() < warmUntil) {
            for (Path p : photos) {
                RgbImage image = decode(turbo, Files.readAllBytes(p), side);
                all(image, models, slot);
                for (PreprocessorConfig cfg : models) {
                    slot.clear();
                    Preprocessor.write(image, cfg, slot);
                }
            }
        }

        System.out.printf("Java %s, %s JPEG decoding (%s), %s, median of %d rounds, CPU ms per image, one thread%n",
                Runtime.version(), turbo.usesTurboJpeg() ? "libjpeg-turbo" : "ImageIO", fast ? "fast" : "exact",
                ResizeKernels.instance().describe(), rounds);
        System.out.printf("%-18s%11s%9s%9s%9s%9s%9s%9s%9s%n", "photo", "decoded", "decode", "ImageIO", "nsfw",
                "clip", "siglip", "three", "total");
        List<double[]> rows = new ArrayList<>();
        for (Path p : photos) {
            byte[] bytes = Files.readAllBytes(p);
            RgbImage image = decode(turbo, bytes, side);
            double[] row = new double[6];
            row[0] = median(rounds, () -> decode(turbo, bytes, side));
            row[1] = withImageIo ? median(rounds, () -> imageIo.decode(bytes)) : Double.NaN;
            for (int m = 0; m < 3; m++) {
                PreprocessorConfig cfg = models.get(m);
                row[2 + m] = median(rounds, () -> {
                    slot.clear();
                    Preprocessor.write(image, cfg, slot);
                });
            }
            row[5] = median(rounds, () -> all(image, models, slot));
            rows.add(row);
            System.out.printf("%-18s%5dx%-5d%9.2f%9.2f%9.2f%9.2f%9.2f%9.2f%9.2f%n", p.getFileName(), image.width(),
                    image.height(), row[0], row[1], row[2], row[3], row[4], row[5], row[0] + row[5]);
        }
        double[] mean = new double[6];
        for (double[] row : rows) {
            for (int i = 0; i < 6; i++) {
                mean[i] += row[i] / rows.size();
            }
        }
        System.out.printf("%-29s%9.2f%9.2f%9.2f%9.2f%9.2f%9.2f%9.2f%n", "mean", mean[0], mean[1], mean[2], mean[3],
                mean[4], mean[5], mean[0] + mean[5]);
        System.out.println("three = the three preprocessings of one image together, as the service runs them (passes "
                + "the models share are done once); total = decode + three");
        System.out.printf(Locale.ROOT, "RESULT mode=%s photos=%d decode=%.3f nsfw=%.3f clip=%.3f siglip=%.3f "
                + "three=%.3f total=%.3f kernels=%s%n", fast ? "fast" : "exact", rows.size(), mean[0], mean[2],
                mean[3], mean[4], mean[5], mean[0] + mean[5], ResizeKernels.instance().describe().replace(' ', '_'));
    }

    private static RgbImage decode(ImageDecoder decoder, byte[] bytes, int side) {
        try (ImageDecoder.Decoded decoded = decoder.decodeHeld(bytes, side)) {
            return decoded.image();
        }
    }

    private static void all(RgbImage image, List<PreprocessorConfig> models, FloatBuffer slot) {
        Preprocessing preprocessing = new Preprocessing(image, models);
        for (PreprocessorConfig cfg : models) {
            slot.clear();
            preprocessing.write(cfg, slot);
        }
    }

    /** Median CPU time of the calling thread: other work on a shared machine inflates it far less than wall time. */
    private static double median(int rounds, Runnable task) {
        double[] samples = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            task.run();
            samples[i] = (THREADS.getCurrentThreadCpuTime() - t0) / 1e6;
        }
        Arrays.sort(samples);
        return samples[rounds / 2];
    }
}
