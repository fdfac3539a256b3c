package com.ffs.validator.runpod;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.metrics.MetricNames;
import com.ffs.validator.testing.ImageServerTestResource;
import com.ffs.validator.testing.Readiness;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Every metric the Grafana dashboard (k8s/components/grafana-dashboard) queries is one the service exports, with the
 * labels the queries select and group by. Read from {@code /q/metrics} on the management port of a RunPod queue worker
 * (the one mode where every meter exists: the API and the worker) after traffic that registers each meter: requests
 * with good, failing and cancelled images, and a job whose first result post is refused.
 */
@QuarkusTest
@WithTestResource(ImageServerTestResource.class)
@WithTestResource(FakeRunPodQueueTestResource.class)
class DashboardMetricsTests {

    static final Path DASHBOARD = Path.of("k8s/components/grafana-dashboard/ffs-validator.json");
    /** Labels Prometheus adds when it scrapes (the ServiceMonitor's target labels), not the service. */
    private static final Set<String> SCRAPE_LABELS = Set.of("job", "pod", "instance", "namespace", "service");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? ");

    @Test
    void everyMetricTheDashboardQueriesIsExported() throws Exception {
        Readiness.await();
        traffic();

        String exposition = Readiness.management().get("/metrics").then().statusCode(200).extract().asString();
        Map<String, Set<String>> exported = exported(exposition);
        // The gauges read this application, not one that ran before it in this JVM (they share one registry).
        assertThat(exposition).contains(MetricNames.IMAGES_CAPACITY.replace('.', '_') + " "
                + (double) FakeRunPodQueueTestResource.MAX_IN_FLIGHT_IMAGES);
        List<String> queries = queries(new ObjectMapper().readTree(Files.readString(DASHBOARD)));
        assertThat(queries).hasSizeGreaterThan(20);
        for (String query : queries) {
            Set<String> metrics = metrics(query);
            assertThat(metrics).as(query).isNotEmpty();
            assertThat(exported.keySet()).as("metrics of %s", query).containsAll(metrics);
            Matcher selector = SELECTOR.matcher(query);
            while (selector.find()) {
                for (String label : labels(selector.group(2))) {
                    if (SCRAPE_LABELS.contains(label)) {
                        continue;
                    }
                    assertThat(exported.get(selector.group(1))).as("label %s of %s", label, selector.group(1))
                            .contains(label);
                }
            }
            Set<String> known = new HashSet<>(SCRAPE_LABELS);
            metrics.forEach(m -> known.addAll(exported.get(m)));
            Matcher grouping = GROUPING.matcher(query);
            while (grouping.find()) {
                for (String label : grouping.group(1).split(",")) {
                    assertThat(known).as("grouping label %s in %s", label.strip(), query).contains(label.strip());
                }
            }
        }
    }

    /** Makes every meter the dashboard reads exist: counters appear once something counted them. */
    private static void traffic() {
        FakeRunPodQueue queue = FakeRunPodQueueTestResource.queue();
        String id = "dashboard-" + UUID.randomUUID() + "-u1";
        queue.answerNextPosts(503);
        queue.enqueue(id, Map.of("action", "nsfw", "images",
                List.of(ImageServerTestResource.server().image("formats/red.png"))));
        queue.awaitResult(id, Duration.ofSeconds(30));

        String good = ImageServerTestResource.server().image("formats/red.png");
        String missing = ImageServerTestResource.server().baseUrl() + "/status/404";
        given().contentType(ContentType.JSON).body(Map.of("images", List.of(good, missing))).post("/v1/validate")
                .then().statusCode(200);
        String slow = ImageServerTestResource.server().slowImage(3000, "formats/red.png");
        given().contentType(ContentType.JSON).body(Map.of("images", List.of(slow), "timeout_ms", 100))
                .post("/v1/validate").then().statusCode(200);
    }

    /** Sample names on /q/metrics with the label names they carry. */
    static Map<String, Set<String>> exported(String exposition) {
        Map<String, Set<String>> out = new HashMap<>();
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.find()) {
                out.computeIfAbsent(m.group(1), k -> new HashSet<>()).addAll(labels(m.group(2)));
            }
        }
        return out;
    }

    /** The PromQL of every panel target and templating query. */
    static List<String> queries(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                out.add(target.path("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.at("/templating/list")) {
            String query = variable.at("/query/query").asText("");
            Matcher values = Pattern.compile("label_values\\((\\w+),").matcher(query);
            if (values.find()) {
                out.add(values.group(1));
            }
        }
        return out;
    }

    /** The metric names a query reads: identifiers outside label matchers, ranges and groupings, not functions. */
    static Set<String> metrics(String query) {
        String bare = query.replaceAll("\"[^\"]*\"", "\"\"").replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^\\]]*\\]", " ")
                .replaceAll("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(?!\\s*\\()(?![a-zA-Z0-9_:])").matcher(bare);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group())) {
                names.add(m.group());
            }
        }
        return names;
    }

    /** Label names of a matcher or sample label set ({@code a="x",b=~"y"}). */
    private static Set<String> labels(String set) {
        Set<String> names = new HashSet<>();
        if (set != null) {
            Matcher m = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)\\s*\"").matcher(set);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    @Test
    void theQueryParserFindsMetricsAndNotFunctionsOrLabels() throws IOException {
        assertThat(metrics("sum by (model) (rate(a_sum{job=~\"$job\",x=\"y\"}[$__rate_interval])) / "
                + "sum by (model) (rate(a_count{job=~\"$job\"}[5m])) - max(b) and on(pod) c"))
                .containsExactly("a_sum", "a_count", "b", "c");
        assertThat(exported("# TYPE x counter\nx_total{a=\"1\",b=\"2\"} 3.0\ny 1.0\n"))
                .containsEntry("x_total", Set.of("a", "b")).containsEntry("y", Set.of());
    }
}
