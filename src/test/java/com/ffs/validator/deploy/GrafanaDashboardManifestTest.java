package com.ffs.validator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The Grafana dashboard component, added to an overlay as DEPLOY.md says, renders (kubectl kustomize) to a ConfigMap
 * that Grafana's sidecar picks up: labelled {@code grafana_dashboard: "1"}, holding the dashboard JSON unchanged.
 */
@Tag("slow")
class GrafanaDashboardManifestTest {

    private static final Path DASHBOARD = Path.of("k8s/components/grafana-dashboard/ffs-validator.json");

    @Test
    void anOverlayWithTheComponentShipsTheDashboardToGrafanasSidecar() throws Exception {
        Path target = Files.createDirectories(Path.of("target"));
        Path overlay = Files.createTempDirectory(target, "dashboard-overlay");
        // kustomize takes only relative paths to other kustomizations.
        Path root = overlay.toAbsolutePath().relativize(Path.of("").toAbsolutePath());
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - %s/k8s/overlays/gpu
                components:
                  - %s/k8s/components/grafana-dashboard
                """.formatted(root, root));
        Process p = new ProcessBuilder("kubectl", "kustomize", overlay.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();

        List<JsonNode> objects;
        try (MappingIterator<JsonNode> it = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class)
                .readValues(out)) {
            objects = it.readAll();
        }
        JsonNode dashboard = objects.stream().filter(o -> o.at("/metadata/name").asText()
                .equals("ffs-validator-dashboard")).findFirst().orElseThrow();
        assertThat(dashboard.path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(dashboard.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        String json = dashboard.at("/data/ffs-validator.json").asText();
        assertThat(new ObjectMapper().readTree(json))
                .isEqualTo(new ObjectMapper().readTree(Files.readString(DASHBOARD)));
        // The service's own objects are still there, once each.
        assertThat(objects.stream().filter(o -> o.path("kind").asText().equals("Deployment"))).hasSize(1);
    }
}
