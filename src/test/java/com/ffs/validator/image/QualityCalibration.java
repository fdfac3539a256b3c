package com.ffs.validator.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * How the quality defaults were chosen (a program, not a test): the raster statistics of real photos and of their
 * degraded copies, one line per file, then per kind of copy the smallest, median and largest sharpness and
 * brightness.
 *
 * <pre>
 * /usr/bin/python3 src/test/bench/quality_photos.py       # photos and copies into target/bench/quality
 * src/test/bench/run-checks-benchmark.sh calibrate [dir]
 * </pre>
 */
public final class QualityCalibration {

    private QualityCalibration() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench/quality");
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no .jpg files in " + dir + "; run src/test/bench/quality_photos.py");
        }
        ImageDecoder decoder = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.WHITE);
        Map<String, List<RasterStatistics>> byKind = new TreeMap<>();
        System.out.printf("%-36s%11s%10s%10s%8s%8s%8s%n", "file", "size", "lapl.var", "sharp", "bright", "contr",
                "border");
        for (Path file : files) {
            RgbImage image = decoder.decode(Files.readAllBytes(file));
            RasterStatistics s = RasterStatistics.measure(image);
            String name = file.getFileName().toString();
            String kind = name.substring(name.indexOf('.') + 1, name.lastIndexOf('.'));
            byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(s);
            System.out.printf("%-36s%5dx%-5d%10.1f%10.3f%8.3f%8.3f%8.3f%n", name, image.width(), image.height(),
                    s.laplacianVariance(), s.sharpness(), s.brightness(), s.contrast(), s.whiteBorder());
        }
        System.out.println();
        System.out.printf("%-14s%4s%24s%24s%n", "copy", "n", "sharpness min/med/max", "brightness min/med/max");
        byKind.forEach((kind, stats) -> {
            double[] sharp = stats.stream().mapToDouble(RasterStatistics::sharpness).sorted().toArray();
            double[] bright = stats.stream().mapToDouble(RasterStatistics::brightness).sorted().toArray();
            System.out.printf("%-14s%4d%8.3f%8.3f%8.3f%8.3f%8.3f%8.3f%n", kind, stats.size(), sharp[0],
                    sharp[sharp.length / 2], sharp[sharp.length - 1], bright[0], bright[bright.length / 2],
                    bright[bright.length - 1]);
        });
    }
}
