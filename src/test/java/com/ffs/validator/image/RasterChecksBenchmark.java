package com.ffs.validator.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.ffs.validator.testing.PastedCodes;
import com.ffs.validator.testing.ProductPhotos;

/**
 * Raster-checks benchmark (a program, not a test): CPU milliseconds per image, one thread, median of the rounds, for
 * the shared copy, the quality statistics and the code scan, next to decoding the same photo; then the code scan on
 * hostile pictures, with and without its time limit. For comparison, a box filter that reads every pixel and
 * PillowResize (bilinear) making the same copy.
 *
 * <pre>
 * /usr/bin/python3 src/test/bench/quality_photos.py        # 12 MP JPEGs into target/bench/quality/12mp
 * src/test/bench/run-checks-benchmark.sh [photo_dir] [rounds]
 * </pre>
 */
public final class RasterChecksBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private RasterChecksBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench/quality/12mp");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Duration limit = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 150);
        Map<String, RgbImage> photos = new LinkedHashMap<>();
        ImageDecoder decoder = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.WHITE);
        Map<String, byte[]> jpegs = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList()) {
                byte[] bytes = Files.readAllBytes(p);
                jpegs.put(p.getFileName().toString(), bytes);
                photos.put(p.getFileName().toString(), decoder.decode(bytes));
            }
        }
        BufferedImage shirt = ProductPhotos.shirt(4000, 3000, 1);
        BufferedImage withQr = PastedCodes.paste(shirt, PastedCodes.qr("https://wa.me/4915112345678"), 2, 0.08, 20,
                0.8, 0.25);
        byte[] qrJpeg = ProductPhotos.jpeg(withQr, 0.9f);
        jpegs.put("shirt+qr (generated)", qrJpeg);
        photos.put("shirt+qr (generated)", decoder.decode(qrJpeg));
        if (photos.size() == 1) {
            System.out.println("no .jpg files in " + dir + " (src/test/bench/quality_photos.py writes them); "
                    + "only the generated photo is measured");
        }
        CodeScanner unlimited = new CodeScanner(Duration.ofSeconds(60));
        CodeScanner limited = new CodeScanner(limit);

        // Warm-up: let the JIT compile every path before anything is timed.
        long warmUntil = System.nanoTime() + 8_000_000_000L;
        while (System.nanoTime() < warmUntil) {
            for (RgbImage image : photos.values()) {
                RgbImage copy = CheckCopy.of(image);
                RasterStatistics.measure(copy);
                unlimited.scan(image, copy);
            }
        }

        System.out.printf("Java %s, median of %d rounds, CPU ms per image, one thread%n", Runtime.version(), rounds);
        System.out.printf("%-24s%11s%9s%9s%9s%9s%9s%11s%9s%n", "photo", "size", "decode", "copy", "stats",
                "scan", "codes", "full box", "Pillow");
        for (var e : photos.entrySet()) {
            RgbImage image = e.getValue();
            byte[] bytes = jpegs.get(e.getKey());
            RgbImage copy = CheckCopy.of(image);
            int[] size = CheckCopy.size(image.width(), image.height());
            double decode = median(rounds, () -> decoder.decode(bytes));
            double copyMs = median(rounds, () -> CheckCopy.of(image));
            double stats = median(rounds, () -> RasterStatistics.measure(copy));
            double scan = median(rounds, () -> unlimited.scan(image, copy));
            int codes = unlimited.scan(image, copy).codes().size();
            double box = median(Math.max(3, rounds / 3), () -> fullBox(image, size[0], size[1]));
            double pillow = median(Math.max(3, rounds / 3), () -> PillowResize.resize(image, size[0], size[1],
                    Resample.BILINEAR));
            System.out.printf("%-24s%5dx%-5d%9.2f%9.2f%9.2f%9.2f%9d%11.2f%9.2f%n", e.getKey(), image.width(),
                    image.height(), decode, copyMs, stats, scan, codes, box, pillow);
        }
        System.out.println("copy: the shared 1,024-px copy; stats: quality statistics from it; scan: code scan "
                + "from it");
        System.out.println("full box: an exact box filter to the same size reading every pixel; Pillow: PillowResize "
                + "bilinear to the same size");

        System.out.println();
        System.out.printf("Code scan on hostile pictures (1,024 px), unlimited and with the %d ms limit%n",
                limit.toMillis());
        System.out.printf("%-34s%12s%10s%12s%10s%n", "picture", "unlimited", "complete", "limited", "complete");
        Map<String, RgbImage> hostile = new LinkedHashMap<>();
        hostile.put("finder-pattern grid (5000+)", ProductPhotos.rgb(CodeScannerTest.finderGrid(40, 2)));
        hostile.put("binary noise", ProductPhotos.rgb(CodeScannerTest.noise(1024, 1024)));
        hostile.put("checkerboard, 2 px", ProductPhotos.rgb(CodeScannerTest.checkerboard(1024, 1024, 2)));
        hostile.put("1:1:3:1:1 stripes", ProductPhotos.rgb(finderStripes(1024, 1024)));
        hostile.put("stripes, 3 px", ProductPhotos.rgb(CodeScannerTest.stripes(1024, 1024, 3)));
        for (var e : hostile.entrySet()) {
            RgbImage image = e.getValue();
            RgbImage copy = CheckCopy.of(image);
            for (int i = 0; i < 3; i++) {
                unlimited.scan(image, copy);
            }
            double free = median(Math.max(3, rounds / 3), () -> unlimited.scan(image, copy));
            boolean freeComplete = unlimited.scan(image, copy).complete();
            double capped = median(Math.max(3, rounds / 3), () -> limited.scan(image, copy));
            boolean cappedComplete = limited.scan(image, copy).complete();
            System.out.printf("%-34s%12.2f%10s%12.2f%10s%n", e.getKey() + " " + image.width() + "px", free,
                    freeComplete, capped, cappedComplete);
        }
        System.out.println("complete=false: the time limit or the finder-candidate cap ended the scan");
    }

    /** Vertical bars in the finder pattern's 1:1:3:1:1 ratio: every row matches, every cross-check walks a column. */
    static BufferedImage finderStripes(int w, int h) {
        int[] pattern = { 1, 1, 3, 1, 1, 2 };
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int x = 0, p = 0, left = pattern[0] * 2; x < w; x++) {
            int colour = p % 2 == 0 ? 0 : 0xFFFFFF;
            for (int y = 0; y < h; y++) {
                image.setRGB(x, y, colour);
            }
            if (--left == 0) {
                p = (p + 1) % pattern.length;
                left = pattern[p] * 2;
            }
        }
        return image;
    }

    /** The exact area average to {@code w x h}, reading every source pixel once (the cost the copy avoids). */
    static long fullBox(RgbImage in, int w, int h) {
        long[] sums = new long[w * 3];
        byte[] px = in.pixels();
        long checksum = 0;
        for (int y = 0, oy = 0; y < in.height(); y++) {
            int row = y * in.width() * 3;
            for (int x = 0; x < in.width(); x++) {
                int o = (int) ((long) x * w / in.width()) * 3;
                sums[o] += px[row + 3 * x] & 0xFF;
                sums[o + 1] += px[row + 3 * x + 1] & 0xFF;
                sums[o + 2] += px[row + 3 * x + 2] & 0xFF;
            }
            int next = (int) ((long) (y + 1) * h / in.height());
            if (next != oy || y == in.height() - 1) {
                for (long s : sums) {
                    checksum += s;
                }
                Arrays.fill(sums, 0);
                oy = next;
            }
        }
        return checksum;
    }

    private static double median(int rounds, Runnable task) {
        List<Double> samples = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            task.run();
            samples.add((THREADS.getCurrentThreadCpuTime() - t0) / 1e6);
        }
        samples.sort(null);
        return samples.get(rounds / 2);
    }
}
