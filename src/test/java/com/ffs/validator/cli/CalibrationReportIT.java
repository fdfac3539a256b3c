package com.ffs.validator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * calibrate's HTML report opened in headless Chromium (Debian's {@code chromium}): the curves are laid out with real
 * geometry (measured by the browser's own SVG engine) and drawn (counted in a screenshot).
 */
class CalibrationReportIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The curves' stroke colour in the report. */
    private static final int CURVE_RGB = 0x1b7837;

    @TempDir
    Path dir;

    /** Two overlapping score distributions per check, from a fixed seed. */
    private Path report() throws IOException {
        Random random = new Random(42);
        List<String> results = new ArrayList<>();
        List<String> labels = new ArrayList<>(List.of("url,nsfw,fashion"));
        for (int i = 1; i <= 400; i++) {
            boolean nsfw = random.nextDouble() < 0.3;
            boolean fashion = random.nextDouble() < 0.6;
            double nsfwScore = clamp((nsfw ? 0.65 : 0.35) + random.nextGaussian() * 0.18);
            double fashionScore = clamp((fashion ? 0.7 : 0.3) + random.nextGaussian() * 0.2);
            String url = "https://img.test/" + i + ".jpg";
            results.add(String.format(Locale.ROOT, "{\"line\":%d,\"url\":\"%s\",\"nsfw\":{\"is_nsfw\":%b,\"score\":%s},"
                    + "\"fashion\":{\"is_fashion\":%b,\"score\":%s}}", i, url, nsfwScore >= 0.5, nsfwScore,
                    fashionScore >= 0.5, fashionScore));
            labels.add(url + "," + (nsfw ? 1 : 0) + "," + (fashion ? 1 : 0));
        }
        Path resultsFile = dir.resolve("results.jsonl");
        Path labelsFile = dir.resolve("labels.csv");
        Files.write(resultsFile, results);
        Files.write(labelsFile, labels);
        Path report = dir.resolve("report.html");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Calibrate.run(List.of("--results", resultsFile.toString(), "--labels", labelsFile.toString(),
                "--report", report.toString(), "--target-precision", "0.8"),
                new PrintStream(out, true,
                        StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
        return report;
    }

    private static double clamp(double v) {
        return Math.round(Math.max(0, Math.min(1, v)) * 1e6) / 1e6;
    }

    private static String chromium() {
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String folder : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                Path candidate = Path.of(folder, name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new AssertionError("Chromium is needed for this test: install Debian's 'chromium' package "
                + "(.ci/run does)");
    }

    private String browse(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory(dir, "profile")));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "chromium", ".out");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(dir.resolve("chromium.err").toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("Chromium finished").isTrue();
        assertThat(process.exitValue()).as(Files.readString(dir.resolve("chromium.err"))).isZero();
        return Files.readString(out);
    }

    @Test
    void shouldLayOutEveryCurveWithRealGeometry() throws Exception {
        Path report = report();
        // A copy with a script that asks the browser's SVG engine for each curve's length and box.
        String measure = """
                <script>
                const curves = [...document.querySelectorAll('svg path.curve')].map(p => {
                  const box = p.getBBox();
                  return {kind: p.getAttribute('class'), length: p.getTotalLength(), width: box.width,
                          height: box.height};
                });
                const bars = [...document.querySelectorAll('svg rect.bar')].filter(r => r.getBBox().height > 0).length;
                const pre = document.createElement('pre');
                pre.id = 'measured';
                pre.textContent = JSON.stringify({curves, bars, svgs: document.querySelectorAll('svg').length});
                document.body.appendChild(pre);
                </script>
                """;
        Path measured = dir.resolve("measured.html");
        Files.writeString(measured, Files.readString(report).replace("</body>", measure + "</body>"));
        String dom = browse("--dump-dom", measured.toUri().toString());
        String json = dom.substring(dom.indexOf("<pre id=\"measured\">") + 19);
        JsonNode m = MAPPER.readTree(json.substring(0, json.indexOf("</pre>")).replace("&quot;", "\""));
        assertThat(m.get("svgs").asInt()).isEqualTo(6);
        assertThat(m.get("bars").asInt()).isGreaterThan(20);
        List<String> kinds = new ArrayList<>();
        for (JsonNode curve : m.get("curves")) {
            kinds.add(curve.get("kind").asText());
            // Plot area is 294 x 228 px: a real curve crosses most of it.
            assertThat(curve.get("width").asDouble()).as(curve.toString()).isGreaterThan(150);
            assertThat(curve.get("height").asDouble()).as(curve.toString()).isGreaterThan(60);
            assertThat(curve.get("length").asDouble()).as(curve.toString()).isGreaterThan(300);
        }
        assertThat(kinds).containsExactly("curve pr", "curve roc", "curve pr", "curve roc");
    }

    @Test
    void shouldDrawTheCurvesOnScreen() throws Exception {
        Path report = report();
        Path shot = dir.resolve("report.png");
        browse("--hide-scrollbars", "--window-size=1280,14000", "--screenshot=" + shot, report.toUri().toString());
        BufferedImage image = ImageIO.read(shot.toFile());
        assertThat(image).as("a screenshot").isNotNull();
        int curvePixels = 0;
        int minX = Integer.MAX_VALUE;
        int maxX = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (near(image.getRGB(x, y), CURVE_RGB)) {
                    curvePixels++;
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                }
            }
        }
        // Four curves of a few hundred pixels each, two strokes wide, spread across the page.
        assertThat(curvePixels).isGreaterThan(1500);
        assertThat(maxX - minX).isGreaterThan(500);
    }

    private static boolean near(int rgb, int target) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((rgb >> shift) & 0xff) - ((target >> shift) & 0xff)) > 40) {
                return false;
            }
        }
        return true;
    }
}
