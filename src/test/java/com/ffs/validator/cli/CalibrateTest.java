package com.ffs.validator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * calibrate on a results file and a label file built so that the nsfw column is the hand-worked overlapping case
 * of {@link CalibrationTest}, fashion the separable one, and quality.passes the quality check's verdict, scored by its
 * sharpness.
 */
class CalibrateTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private Path results;
    private Path labels;

    @BeforeEach
    void files() throws Exception {
        results = dir.resolve("results.jsonl");
        Files.write(results, List.of(
                "{\"line\":1,\"url\":\"https://img/1.jpg\",\"nsfw\":{\"is_nsfw\":true,\"score\":0.9},"
                        + "\"fashion\":{\"is_fashion\":true,\"score\":0.9},"
                        + "\"quality\":{\"width\":900,\"height\":1200,\"sharpness\":0.8,\"passes\":true,\"reasons\":[]}}",
                "{\"line\":2,\"url\":\"https://img/2.jpg\",\"nsfw\":{\"is_nsfw\":true,\"score\":0.6},"
                        + "\"fashion\":{\"is_fashion\":true,\"score\":0.8},"
                        + "\"quality\":{\"width\":900,\"height\":1200,\"sharpness\":0.7,\"passes\":true,\"reasons\":[]}}",
                "{\"line\":3,\"url\":\"https://img/3.jpg\",\"nsfw\":{\"is_nsfw\":false,\"score\":0.4},"
                        + "\"fashion\":{\"is_fashion\":false,\"score\":0.3},"
                        + "\"quality\":{\"width\":900,\"height\":1200,\"sharpness\":0.2,\"passes\":false,\"reasons\":[]}}",
                "{\"line\":4,\"url\":\"https://img/4.jpg\",\"nsfw\":{\"is_nsfw\":true,\"score\":0.7},"
                        + "\"fashion\":{\"is_fashion\":false,\"score\":0.1},\"embedding\":[0.5,0.25]}",
                "{\"line\":5,\"url\":\"https://img/5.jpg\",\"nsfw\":{\"is_nsfw\":true,\"score\":0.5}}",
                "{\"line\":6,\"url\":\"https://img/6.jpg\",\"nsfw\":{\"is_nsfw\":false,\"score\":0.2}}",
                "{\"line\":7,\"url\":\"https://img/7.jpg\",\"error\":{\"code\":\"FETCH_TIMEOUT\",\"message\":\"x\"}}",
                "{\"line\":8,\"url\":\"https://img/8.jpg\",\"nsfw\":{\"is_nsfw\":false,\"score\":0.1}}"));
        labels = dir.resolve("labels.csv");
        Files.writeString(labels, """
                url,nsfw,fashion,quality.passes,notes
                https://img/1.jpg,1,1,1,x
                https://img/2.jpg,1,1,0,
                https://img/3.jpg,true,no,0,
                https://img/4.jpg,0,0,,
                https://img/5.jpg,0,yes,,
                https://img/6.jpg,false,,,
                https://img/7.jpg,1,,,
                https://img/unknown.jpg,1,,,
                https://img/1.jpg,0,0,0,dup
                https://img/9.jpg,maybe,,,
                """);
    }

    private record Run(int code, String out, String err) {
    }

    private Run calibrate(String... extra) {
        List<String> args = new ArrayList<>(List.of("--results", results.toString(), "--labels", labels.toString()));
        args.addAll(List.of(extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Calibrate.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldPrintTheTableAndTheSettingsToPaste() {
        Run run = calibrate();
        assertThat(run.code()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("8 result lines").contains("9 label rows, 7 with a result (1 of them errors, "
                + "left out), 2 without a result");
        assertThat(run.out()).contains("label rows without a result: line 9: https://img/unknown.jpg; line 11: "
                + "https://img/9.jpg");
        assertThat(run.out()).contains("2 label row(s) or value(s) not used: line 10: the same url as an earlier row")
                .contains("line 11: 'maybe' in column nsfw is not a label");
        String nsfw = run.out().lines().filter(l -> l.startsWith("nsfw ")).findFirst().orElseThrow();
        assertThat(nsfw.split("\\s+")).startsWith("nsfw", "6", "3", "3", "0.6667", "0.7556", "0.500", "/", "0.667",
                "0.4", "(0.600", "/", "1.000", "/", "0.750)", "0.9", "(0.333)");
        String fashion = run.out().lines().filter(l -> l.startsWith("fashion ")).findFirst().orElseThrow();
        assertThat(fashion.split("\\s+")).startsWith("fashion", "4", "2", "2", "1.0000", "1.0000");
        assertThat(run.out()).contains("fashion: 1 labelled result(s) have no fashion.is_fashion field");
        assertThat(run.out()).contains("validator.quality.min-sharpness=");
        assertThat(run.out()).contains("validator.nsfw.threshold=0.9\n").contains("validator.fashion.threshold=0.8\n")
                .contains("validator.quality.min-sharpness=0.8\n");
    }

    @Test
    void shouldPrintTheSameAsJson() throws Exception {
        Run run = calibrate("--json", "--target-precision", "0.6");
        assertThat(run.code()).isEqualTo(ExitCodes.OK);
        JsonNode json = MAPPER.readTree(run.out());
        assertThat(json.path("target_precision").asDouble()).isEqualTo(0.6);
        assertThat(json.path("join").path("matched").asInt()).isEqualTo(7);
        assertThat(json.path("join").path("matched_with_error").asInt()).isEqualTo(1);
        assertThat(json.path("join").path("unmatched_label_rows").asInt()).isEqualTo(2);
        JsonNode nsfw = json.path("checks").get(0);
        assertThat(nsfw.path("label").asText()).isEqualTo("nsfw");
        assertThat(nsfw.path("roc_auc").asDouble()).isCloseTo(6.0 / 9, within(1e-12));
        assertThat(nsfw.path("average_precision").asDouble()).isCloseTo(34.0 / 45, within(1e-12));
        assertThat(nsfw.path("best_f1").path("threshold").asDouble()).isEqualTo(0.4);
        assertThat(nsfw.path("target_precision").path("threshold").asDouble()).isEqualTo(0.4);
        assertThat(nsfw.path("target_precision").path("recall").asDouble()).isEqualTo(1.0);
        assertThat(nsfw.path("verdicts").path("precision").asDouble()).isEqualTo(0.5);
        assertThat(nsfw.path("configuration").asText()).isEqualTo("validator.nsfw.threshold=0.4");
        JsonNode quality = json.path("checks").get(2);
        assertThat(quality.path("label").asText()).isEqualTo("quality.passes");
        assertThat(quality.path("score_field").asText()).isEqualTo("quality.sharpness");
        assertThat(quality.path("positives").asInt()).isEqualTo(1);
        assertThat(quality.path("negatives").asInt()).isEqualTo(2);
        assertThat(quality.path("roc_auc").asDouble()).isEqualTo(1.0);
    }

    @Test
    void shouldSayPlainlyWhenNoThresholdReachesTheTarget() throws Exception {
        Files.writeString(labels, "url,nsfw\nhttps://img/1.jpg,0\nhttps://img/4.jpg,0\nhttps://img/6.jpg,1\n");
        Run run = calibrate("--json");
        JsonNode nsfw = MAPPER.readTree(run.out()).path("checks").get(0);
        assertThat(nsfw.path("target_precision").isNull()).isTrue();
        assertThat(nsfw.path("target_precision_missed").asText()).isEqualTo(
                "no threshold reaches precision 0.95 (the best is 0.333 at threshold 0.2)");
        assertThat(nsfw.path("suggested_threshold").asDouble()).isEqualTo(0.2);
        Run table = calibrate();
        assertThat(table.out()).contains("nsfw: no threshold reaches precision 0.95");
    }

    @Test
    void shouldWriteAReportWithCurvesAndNothingFromElsewhere() throws Exception {
        Path report = dir.resolve("report.html");
        Run run = calibrate("--report", report.toString());
        assertThat(run.code()).isEqualTo(ExitCodes.OK);
        assertThat(run.err()).contains("report written to");
        String html = Files.readString(report);
        assertThat(html.toLowerCase()).doesNotContain("<script").doesNotContain("<link").doesNotContain(" src=")
                .doesNotContain("url(").doesNotContain("@import").doesNotContain("<img");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(
                StandardCharsets.UTF_8)));
        NodeList paths = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "path");
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < paths.getLength(); i++) {
            Element path = (Element) paths.item(i);
            kinds.add(path.getAttribute("class"));
            assertThat(path.getAttribute("d").split("[HVL]").length).as("segments of " + path.getAttribute("class"))
                    .isGreaterThan(2);
        }
        // nsfw, fashion and quality.passes each have both classes.
        assertThat(kinds).containsExactly("curve pr", "curve roc", "curve pr", "curve roc", "curve pr", "curve roc");
        assertThat(doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect").getLength()).isGreaterThan(6);
        NodeList links = doc.getElementsByTagNameNS("http://www.w3.org/1999/xhtml", "a");
        assertThat(links.getLength()).isGreaterThan(0);
        for (int i = 0; i < links.getLength(); i++) {
            assertThat(((Element) links.item(i)).getAttribute("href")).startsWith("https://img/");
        }
        // At nsfw's suggested 0.9, the positives scored 0.6 and 0.4 are missed.
        assertThat(html).contains("False negatives (labelled positive, score &lt; 0.9): 2")
                .contains("validator.nsfw.threshold=0.9");
    }

    @Test
    void shouldFailWithOneLineForUnusableFiles() throws Exception {
        Files.writeString(labels, "url,comment\nhttps://img/1.jpg,nice\n");
        Run run = calibrate();
        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err().strip()).doesNotContain("\n").contains("has no label column");
        Files.delete(results);
        Files.writeString(labels, "url,nsfw\nhttps://img/1.jpg,1\n");
        run = calibrate();
        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err().strip()).isEqualTo("calibrate: results file " + results + " does not exist");
    }
}
