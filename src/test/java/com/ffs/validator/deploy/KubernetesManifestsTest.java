package com.ffs.validator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.ffs.validator.metrics.MetricNames;

/**
 * Renders every overlay under k8s/overlays with {@code kubectl kustomize} and checks the objects against the
 * application: probe paths and ports, profile, the metric the autoscaler reads, security settings, drain time.
 */
class KubernetesManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

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

    @ParameterizedTest
    @MethodSource("overlays")
    void everyOverlayRendersTheWholeDeployment(String overlay) throws Exception {
        List<JsonNode> objects = render(overlay);
        assertThat(objects).extracting(o -> o.path("kind").asText()).containsExactlyInAnyOrder("ConfigMap", "Secret",
                "Service", "PersistentVolumeClaim", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                "ServiceMonitor");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void probesAndPortsShouldMatchTheApplication(String overlay) throws Exception {
        AppSettings app = new AppSettings();
        List<JsonNode> objects = render(overlay);
        JsonNode container = only(objects, "Deployment").at("/spec/template/spec/containers/0");
        Map<String, Integer> ports = new java.util.HashMap<>();
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
        List<String> known = com.ffs.validator.testing.ConfigKeys.all().stream()
                .map(k -> k.replace('.', '_').replace('-', '_').toUpperCase()).toList();
        config.fieldNames().forEachRemaining(name -> {
            if (name.startsWith("VALIDATOR_")) {
                assertThat(known).as(name + " is a validator.* property").contains(name);
            }
        });
        assertThat(only(objects, "Secret").path("stringData").has("VALIDATOR_API_KEYS")).isTrue();
        assertThat(known).contains("VALIDATOR_API_KEYS");

        JsonNode deployment = only(objects, "Deployment");
        JsonNode pod = deployment.at("/spec/template/spec");
        assertThat(pod.at("/containers/0/envFrom/0/configMapRef/name").asText())
                .isEqualTo(only(objects, "ConfigMap").at("/metadata/name").asText());
        assertThat(pod.at("/containers/0/envFrom/1/secretRef/name").asText())
                .isEqualTo(only(objects, "Secret").at("/metadata/name").asText());
        // the autoscaler reads the in-flight gauge the service exports
        String metric = MetricNames.IMAGES_IN_FLIGHT.replace('.', '_');
        assertThat(only(objects, "HorizontalPodAutoscaler").at("/spec/metrics/0/pods/metric/name").asText())
                .isEqualTo(metric);
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
    void gpuOverlaysShouldAskForOneGpuAndCpuOverlaysForNone(String overlay) throws Exception {
        List<JsonNode> objects = render(overlay);
        JsonNode pod = only(objects, "Deployment").at("/spec/template/spec");
        String device = only(objects, "ConfigMap").at("/data/VALIDATOR_INFERENCE_DEVICE").asText();
        JsonNode gpuLimit = pod.at("/containers/0/resources/limits").path("nvidia.com/gpu");
        if (overlay.equals("cpu")) {
            assertThat(device).isEqualTo("cpu");
            assertThat(gpuLimit.isMissingNode()).isTrue();
            assertThat(pod.path("nodeSelector").isMissingNode()).isTrue();
        } else {
            assertThat(device).isIn("cuda", "auto");
            assertThat(gpuLimit.asInt()).isEqualTo(1);
            assertThat(pod.at("/nodeSelector").toString()).contains("nvidia.com/gpu");
            assertThat(pod.at("/tolerations/0/key").asText()).isEqualTo("nvidia.com/gpu");
        }
    }
}
