package com.ffs.validator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.ffs.validator.metrics.MetricNames;
import com.ffs.validator.testing.ConfigKeys;

/**
 * Renders every overlay under k8s/overlays with {@code kubectl kustomize} and checks the objects against the
 * application and against what a real cluster does with them: probes and ports, profile, the metric the autoscaler
 * reads, no replica count under an autoscaler, a target below each overlay's capacity, no API key Secret that an
 * apply could overwrite, rollout and drain settings that keep a pod serving, GPU scheduling that needs only the
 * device plugin, and the names DEPLOY.md's steps create.
 */
@Tag("slow")
class KubernetesManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String METRIC = MetricNames.IMAGES_IN_FLIGHT.replace('.', '_');
    private static final String KEYS_SECRET = "ffs-validator-api-keys";

    static Stream<String> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of("k8s/overlays"))) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    static List<JsonNode> render(String overlay) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("kubectl", "kustomize", "k8s/overlays/" + overlay).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new AssertionError("kubectl (with its built-in kustomize) is needed to render k8s/; .ci/run checks "
                    + "for it", e);
        }
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kubectl kustomize k8s/overlays/%s: %s", overlay, err).isZero();
        assertThat(err).as("kustomize warnings").isBlank();
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(out)) {
            while (it.hasNext()) {
                objects.add(it.next());
            }
        }
        return objects;
    }

    static JsonNode only(List<JsonNode> objects, String kind) {
        List<JsonNode> found = objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.getFirst();
    }

    static List<JsonNode> all(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    /** The one autoscaler of an overlay: a HorizontalPodAutoscaler or a KEDA ScaledObject. */
    record Autoscaler(JsonNode object, String target, int floor, double value) {

        static Autoscaler of(List<JsonNode> objects) {
            List<JsonNode> hpas = all(objects, "HorizontalPodAutoscaler");
            List<JsonNode> keda = all(objects, "ScaledObject");
            assertThat(hpas.size() + keda.size()).as("exactly one autoscaler (KEDA refuses a second one)")
                    .isEqualTo(1);
            if (!hpas.isEmpty()) {
                JsonNode hpa = hpas.getFirst();
                JsonNode metric = hpa.at("/spec/metrics/0");
                assertThat(hpa.at("/spec/metrics")).hasSize(1);
                assertThat(metric.at("/pods/metric/name").asText()).isEqualTo(METRIC);
                assertThat(metric.at("/pods/target/type").asText()).isEqualTo("AverageValue");
                return new Autoscaler(hpa, hpa.at("/spec/scaleTargetRef/name").asText(),
                        hpa.at("/spec/minReplicas").asInt(1), quantity(metric.at("/pods/target/averageValue")));
            }
            JsonNode scaled = keda.getFirst();
            JsonNode trigger = scaled.at("/spec/triggers/0");
            assertThat(scaled.at("/spec/triggers")).hasSize(1);
            assertThat(trigger.path("type").asText()).isEqualTo("prometheus");
            assertThat(trigger.path("metricType").asText("AverageValue")).isEqualTo("AverageValue");
            assertThat(trigger.at("/metadata/query").asText()).contains(METRIC).startsWith("sum(");
            return new Autoscaler(scaled, scaled.at("/spec/scaleTargetRef/name").asText(),
                    scaled.at("/spec/minReplicaCount").asInt(0), quantity(trigger.at("/metadata/threshold")));
        }

        private static double quantity(JsonNode value) {
            assertThat(value.isMissingNode()).as("autoscaling target set").isFalse();
            return Double.parseDouble(value.asText());
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyOverlayRendersTheWholeDeployment(String overlay) throws Exception {
        List<JsonNode> objects = render(overlay);
        assertThat(objects).extracting(o -> o.path("kind").asText()).containsExactlyInAnyOrder("ConfigMap",
                "Service", "PersistentVolumeClaim", "Deployment", "PodDisruptionBudget", "ServiceMonitor",
                Autoscaler.of(objects).object().path("kind").asText());
    }

    @Test
    void theOverlaysCoverGpuCpuAndKeda() throws Exception {
        assertThat(overlays()).contains("gpu", "cpu", "gpu-keda");
        assertThat(Autoscaler.of(render("gpu-keda")).object().path("kind").asText()).isEqualTo("ScaledObject");
        assertThat(Autoscaler.of(render("gpu")).object().path("kind").asText()).isEqualTo("HorizontalPodAutoscaler");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void probesAndPortsShouldMatchTheApplication(String overlay) throws Exception {
        AppSettings app = new AppSettings();
        List<JsonNode> objects = render(overlay);
        JsonNode container = only(objects, "Deployment").at("/spec/template/spec/containers/0");
        Map<String, Integer> ports = new HashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(ports).containsEntry("http", app.httpPort()).containsEntry("management", app.managementPort());

        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            assertThat(container.path(probe).at("/httpGet/port").asText()).as(probe).isEqualTo("management");
        }
        // Models load in tens of seconds on a GPU; the budget leaves a wide margin for slow volumes and CPU nodes.
        JsonNode startup = container.path("startupProbe");
        long budget = startup.path("periodSeconds").asLong() * startup.path("failureThreshold").asLong();
        assertThat(Duration.ofSeconds(budget)).isGreaterThanOrEqualTo(Duration.ofMinutes(5));
        // A rollout is not declared failed while the new pod is still allowed to start.
        assertThat(only(objects, "Deployment").at("/spec/progressDeadlineSeconds").asLong(600)).isGreaterThan(budget);

        JsonNode service = only(objects, "Service");
        List<String> targets = new ArrayList<>();
        service.path("spec").path("ports").forEach(p -> targets.add(p.path("targetPort").asText()));
        assertThat(targets).containsExactlyInAnyOrder("http", "management");
        JsonNode monitor = only(objects, "ServiceMonitor").at("/spec/endpoints/0");
        assertThat(monitor.path("port").asText()).isEqualTo("management");
        assertThat(monitor.path("path").asText()).isEqualTo("/q/metrics");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void podsShouldRunTheProfileAndConfigurationTheApplicationKnows(String overlay) throws Exception {
        AppSettings app = new AppSettings();
        List<JsonNode> objects = render(overlay);
        JsonNode config = only(objects, "ConfigMap").path("data");
        assertThat(config.path("QUARKUS_PROFILE").asText()).isEqualTo("pod");
        assertThat(app.hasProfile("pod")).isTrue();
        // The pod profile refuses to start without keys unless anonymous access is chosen: the manifests do not.
        assertThat(app.get("%pod.validator.api.allow-anonymous")).isEqualTo("false");
        assertThat(config.has("VALIDATOR_API_ALLOW_ANONYMOUS")).isFalse();
        List<String> known = ConfigKeys.all().stream()
                .map(k -> k.replace('.', '_').replace('-', '_').toUpperCase()).toList();
        config.fieldNames().forEachRemaining(name -> {
            if (name.startsWith("VALIDATOR_")) {
                assertThat(known).as(name + " is a validator.* property").contains(name);
            }
        });
        assertThat(known).contains("VALIDATOR_API_KEYS", "VALIDATOR_API_ALLOW_ANONYMOUS");

        JsonNode pod = only(objects, "Deployment").at("/spec/template/spec");
        assertThat(pod.at("/containers/0/envFrom/0/configMapRef/name").asText())
                .isEqualTo(only(objects, "ConfigMap").at("/metadata/name").asText());
        JsonNode keys = pod.at("/containers/0/envFrom/1/secretRef");
        assertThat(keys.path("name").asText()).isEqualTo(KEYS_SECRET);
        assertThat(keys.path("optional").asBoolean(false)).as("a missing Secret stops the pod with an event").isFalse();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void applyingAnOverlayShouldNeverReplaceTheApiKeys(String overlay) throws Exception {
        List<JsonNode> objects = render(overlay);
        // The operator creates the key Secret; an object of that name here would overwrite it at every apply.
        assertThat(all(objects, "Secret")).noneMatch(s -> s.at("/metadata/name").asText().equals(KEYS_SECRET));
        for (JsonNode secret : all(objects, "Secret")) {
            for (String field : List.of("data", "stringData")) {
                secret.path(field).properties().forEach(e -> assertThat(e.getValue().asText())
                        .as("%s %s.%s", secret.at("/metadata/name").asText(), field, e.getKey()).isNotBlank());
            }
        }
    }

    @Test
    void theKeyPlaceholderHoldsNoKeyAndDeployMdCreatesTheSecretTheDeploymentReads() throws IOException {
        List<String> example = Files.readAllLines(Path.of("k8s/api-keys.env.example"));
        assertThat(example).noneMatch(l -> l.strip().startsWith("VALIDATOR_API_KEYS"));
        assertThat(example).anyMatch(l -> l.contains("# VALIDATOR_API_KEYS="));
        assertThat(Files.readString(Path.of(".gitignore"))).contains("k8s/api-keys.env\n");
        String deploy = Files.readString(Path.of("DEPLOY.md"));
        assertThat(deploy).contains("create secret generic " + KEYS_SECRET, "openssl rand -hex 32");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theAutoscalerShouldOwnTheReplicaCountAndScaleBeforeCapacityIsReached(String overlay) throws Exception {
        List<JsonNode> objects = render(overlay);
        JsonNode deployment = only(objects, "Deployment");
        assertThat(deployment.at("/spec/replicas").isMissingNode())
                .as("spec.replicas under an autoscaler resets it at every apply").isTrue();
        Autoscaler autoscaler = Autoscaler.of(objects);
        assertThat(autoscaler.target()).isEqualTo(deployment.at("/metadata/name").asText());

        JsonNode capacity = only(objects, "ConfigMap").at("/data/VALIDATOR_REQUEST_MAX_IN_FLIGHT_IMAGES");
        assertThat(capacity.isMissingNode()).as("each overlay states its capacity").isFalse();
        assertThat(autoscaler.value()).as("target below the %s images in flight beyond which a pod answers 503",
                capacity.asText()).isGreaterThan(0).isLessThan(Double.parseDouble(capacity.asText()));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void rolloutsAndDrainsShouldKeepAPodServing(String overlay) throws Exception {
        List<JsonNode> objects = render(overlay);
        int floor = Autoscaler.of(objects).floor();
        assertThat(floor).as("replica floor").isGreaterThanOrEqualTo(2);

        JsonNode strategy = only(objects, "Deployment").at("/spec/strategy");
        assertThat(strategy.path("type").asText()).isEqualTo("RollingUpdate");
        JsonNode unavailable = strategy.at("/rollingUpdate/maxUnavailable");
        assertThat(unavailable.isInt()).as("maxUnavailable as a pod count").isTrue();
        // At least one old pod may go, so a rollout never waits for a spare GPU; at most floor - 1, so one serves.
        assertThat(unavailable.asInt()).isBetween(1, floor - 1);

        JsonNode pdb = only(objects, "PodDisruptionBudget").path("spec");
        if (pdb.has("maxUnavailable")) {
            assertThat(pdb.path("maxUnavailable").isInt()).isTrue();
            assertThat(pdb.path("maxUnavailable").asInt()).isBetween(1, floor - 1);
        } else {
            assertThat(pdb.path("minAvailable").asInt()).isBetween(1, floor - 1);
        }
        assertThat(pdb.path("unhealthyPodEvictionPolicy").asText()).isEqualTo("AlwaysAllow");
        assertThat(pdb.at("/selector/matchLabels"))
                .isEqualTo(only(objects, "Deployment").at("/spec/selector/matchLabels"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void podsShouldBeLockedDownAndDrainWithinTheirGracePeriod(String overlay) throws Exception {
        AppSettings app = new AppSettings();
        JsonNode pod = only(render(overlay), "Deployment").at("/spec/template/spec");
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isNotZero();
        JsonNode container = pod.at("/containers/0");
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
        List<String> mounts = new ArrayList<>();
        container.path("volumeMounts").forEach(m -> mounts.add(m.path("mountPath").asText()));
        assertThat(mounts).contains("/tmp", "/models");
        assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();

        long preStop = 0;
        JsonNode command = container.at("/lifecycle/preStop/exec/command");
        if (command.isArray() && command.get(0).asText().equals("sleep")) {
            preStop = Long.parseLong(command.get(1).asText());
        }
        long drain = Duration.parse("PT" + app.get("%pod.quarkus.shutdown.timeout").toUpperCase()).toSeconds();
        assertThat(pod.path("terminationGracePeriodSeconds").asLong()).isGreaterThan(preStop + drain);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void gpuOverlaysShouldScheduleWithTheDevicePluginAloneAndCpuOverlaysAskForNoGpu(String overlay) throws Exception {
        List<JsonNode> objects = render(overlay);
        JsonNode pod = only(objects, "Deployment").at("/spec/template/spec");
        String device = only(objects, "ConfigMap").at("/data/VALIDATOR_INFERENCE_DEVICE").asText();
        JsonNode gpuLimit = pod.at("/containers/0/resources/limits").path("nvidia.com/gpu");
        // Node labels that only GPU feature discovery (GPU Operator) or node feature discovery set: requiring one
        // leaves pods Pending on a cluster with the device plugin alone.
        List<String> required = new ArrayList<>();
        pod.path("nodeSelector").fieldNames().forEachRemaining(required::add);
        pod.at("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms")
                .forEach(term -> term.path("matchExpressions").forEach(e -> required.add(e.path("key").asText())));
        assertThat(required).noneMatch(k -> k.startsWith("nvidia.com/") || k.startsWith("feature.node.kubernetes.io/"));
        if (overlay.startsWith("cpu")) {
            assertThat(device).isEqualTo("cpu");
            assertThat(gpuLimit.isMissingNode()).isTrue();
            assertThat(pod.path("tolerations").isMissingNode()).isTrue();
        } else {
            assertThat(device).isIn("cuda", "auto");
            assertThat(gpuLimit.asInt()).isEqualTo(1);
            assertThat(pod.at("/containers/0/resources/requests").path("nvidia.com/gpu").asInt()).isEqualTo(1);
            assertThat(pod.at("/tolerations/0/key").asText()).isEqualTo("nvidia.com/gpu");
            assertThat(pod.at("/tolerations/0/operator").asText()).isEqualTo("Exists");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void imagesShouldComeFromTheRegistryWithTheCredentialsDeployMdCreates(String overlay) throws Exception {
        JsonNode pod = only(render(overlay), "Deployment").at("/spec/template/spec");
        String pullSecret = pod.at("/imagePullSecrets/0/name").asText();
        assertThat(pullSecret).isNotEmpty();
        assertThat(Files.readString(Path.of("DEPLOY.md"))).contains("create secret docker-registry " + pullSecret);
        assertThat(pod.at("/containers/0/image").asText()).contains("/");
        assertThat(pod.at("/initContainers/0/image").asText()).contains("/");
    }

    @Test
    void monitoringShouldFindPrometheusWhereDeployMdInstallsIt() throws Exception {
        String deploy = Files.readString(Path.of("DEPLOY.md"));
        Matcher install = Pattern.compile("helm (?:upgrade --)?install (\\S+) "
                + "prometheus-community/kube-prometheus-stack[^\\n]*?\\s(?:-n|--namespace)\\s+(\\S+)").matcher(deploy);
        assertThat(install.find()).as("DEPLOY.md installs kube-prometheus-stack").isTrue();
        String release = install.group(1);
        String namespace = install.group(2);
        String prometheus = release + "-prometheus." + namespace + ".svc";

        // kube-prometheus-stack's Prometheus picks ServiceMonitors labelled release=<release name>.
        for (String overlay : overlays().toList()) {
            assertThat(only(render(overlay), "ServiceMonitor").at("/metadata/labels/release").asText()).as(overlay)
                    .isEqualTo(release);
        }
        // The adapter serves the HPA's metric and asks that Prometheus.
        JsonNode adapter = YAML.readTree(Path.of("k8s/monitoring/prometheus-adapter-values.yaml").toFile());
        assertThat(URI.create(adapter.at("/prometheus/url").asText()).getHost()).isEqualTo(prometheus);
        assertThat(adapter.at("/prometheus/port").asInt()).isEqualTo(9090);
        JsonNode rule = adapter.at("/rules/custom/0");
        assertThat(rule.at("/name/as").asText()).isEqualTo(METRIC);
        assertThat(rule.path("seriesQuery").asText()).startsWith(METRIC + "{");
        assertThat(rule.path("metricsQuery").asText()).contains(METRIC, "<<.LabelMatchers>>", "<<.GroupBy>>");
        assertThat(deploy).contains("-f k8s/monitoring/prometheus-adapter-values.yaml");
        // KEDA asks the same Prometheus.
        JsonNode trigger = Autoscaler.of(render("gpu-keda")).object().at("/spec/triggers/0/metadata");
        URI server = URI.create(trigger.path("serverAddress").asText());
        assertThat(server.getHost()).isEqualTo(prometheus);
        assertThat(server.getPort()).isEqualTo(9090);
    }
}
