package com.ffs.validator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs in CI, so the Dockerfiles' essentials are checked as text against the application's own
 * configuration: base image family, non-root user, ports, profile, health check paths, memory options.
 */
class DockerfilesTest {

    private static final Path JVM = Path.of("src/main/docker/Dockerfile.jvm");
    private static final Path RUNPOD = Path.of("src/main/docker/Dockerfile.runpod");

    /** A Dockerfile with line continuations joined. */
    record Dockerfile(List<String> instructions) {

        static Dockerfile read(Path file) throws IOException {
            List<String> out = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : Files.readAllLines(file)) {
                String t = line.strip();
                if (t.startsWith("#") || (t.isEmpty() && current.isEmpty())) {
                    continue;
                }
                if (t.endsWith("\\")) {
                    current.append(t, 0, t.length() - 1).append(' ');
                    continue;
                }
                current.append(t);
                if (!current.toString().isBlank()) {
                    out.add(current.toString().strip());
                }
                current.setLength(0);
            }
            return new Dockerfile(out);
        }

        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.regionMatches(true, 0, keyword + " ", 0, keyword.length() + 1))
                    .map(i -> i.substring(keyword.length() + 1).strip()).toList();
        }

        String last(String keyword) {
            List<String> found = all(keyword);
            assertThat(found).as(keyword).isNotEmpty();
            return found.getLast();
        }

        String arg(String name) {
            return all("ARG").stream().filter(a -> a.startsWith(name + "=")).map(a -> a.substring(name.length() + 1))
                    .findFirst().orElseThrow(() -> new AssertionError("ARG " + name + " missing"));
        }

        String env(String name) {
            Matcher m = Pattern.compile("(?:^|\\s)" + name + "=(\"[^\"]*\"|\\S+)").matcher(String.join(" ", all("ENV")));
            String value = null;
            while (m.find()) {
                value = m.group(1).replace("\"", "");
            }
            assertThat(value).as("ENV " + name).isNotNull();
            return value;
        }
    }

    @Test
    void serviceImageShouldRunOnCuda12WithCudnn9AndJava25() throws IOException {
        Dockerfile d = Dockerfile.read(JVM);
        String finalBase = d.last("FROM");
        assertThat(finalBase).isEqualTo("${CUDA_IMAGE}");
        // nvidia/cuda's "cudnn" tags for CUDA 12.x carry cuDNN 9, which ONNX Runtime GPU 1.2x is built against.
        assertThat(d.arg("CUDA_IMAGE")).matches("nvidia/cuda:12\\.\\d+(\\.\\d+)?-cudnn-runtime-ubuntu\\d\\d\\.\\d\\d");
        assertThat(d.arg("JAVA_IMAGE")).startsWith("eclipse-temurin:25-jre");
        assertThat(String.join("\n", d.instructions())).contains("COPY --from=jre /opt/java/openjdk /opt/java/openjdk");
    }

    @Test
    void serviceImageShouldCopyTheFastJarLayersAndRunAsNonRoot() throws IOException {
        Dockerfile d = Dockerfile.read(JVM);
        List<String> copies = d.all("COPY");
        for (String layer : List.of("target/quarkus-app/lib/", "target/quarkus-app/*.jar", "target/quarkus-app/app/",
                "target/quarkus-app/quarkus/")) {
            assertThat(copies).anyMatch(c -> c.contains(layer));
        }
        String user = d.last("USER");
        assertThat(user).matches("\\d+");
        assertThat(Integer.parseInt(user)).isNotZero();
        assertThat(String.join("\n", d.all("RUN"))).contains("--uid " + user);
        assertThat(d.last("ENTRYPOINT")).contains("quarkus-run.jar");
    }

    @Test
    void serviceImageShouldExposeTheApplicationsPortsAndProbeReadiness() throws IOException {
        AppSettings app = new AppSettings();
        Dockerfile d = Dockerfile.read(JVM);
        assertThat(String.join(" ", d.all("EXPOSE")).split("\\s+"))
                .contains(Integer.toString(app.httpPort()), Integer.toString(app.managementPort()));
        assertThat(d.last("HEALTHCHECK")).contains("http://localhost:" + app.managementPort() + "/q/health/ready");
        assertThat(d.env("QUARKUS_PROFILE")).isEqualTo("pod");
        assertThat(app.hasProfile("pod")).isTrue();
        assertThat(d.env("VALIDATOR_MODELS_DIR")).isEqualTo("/models");
    }

    @Test
    void serviceImageShouldLeaveMemoryForModelsAndWriteOnlyToTmp() throws IOException {
        Dockerfile d = Dockerfile.read(JVM);
        String javaOpts = d.env("JAVA_OPTS");
        Matcher ratio = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(javaOpts);
        assertThat(ratio.find()).as("MaxRAMPercentage set").isTrue();
        assertThat(Integer.parseInt(ratio.group(1))).as("heap share of the container").isLessThanOrEqualTo(50);
        assertThat(javaOpts).contains("-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp",
                "-Donnxruntime.native.path=/opt/onnxruntime");
        assertThat(d.env("DJL_CACHE_DIR")).startsWith("/tmp/");
        // the decoders the service calls for Pillow-identical pixels
        assertThat(String.join("\n", d.all("RUN"))).contains("libturbojpeg", "libwebp7", "libwebpdemux2");
    }

    @Test
    void runpodImageShouldBakeInModelsAndUseTheRunpodProfile() throws IOException {
        AppSettings app = new AppSettings();
        Dockerfile d = Dockerfile.read(RUNPOD);
        assertThat(d.last("FROM")).isEqualTo("${BASE_IMAGE}");
        assertThat(d.env("QUARKUS_PROFILE")).isEqualTo("runpod");
        assertThat(app.hasProfile("runpod")).isTrue();
        assertThat(d.env("VALIDATOR_MODELS_DIR")).isEqualTo("/models");
        assertThat(d.all("COPY")).anyMatch(c -> c.startsWith("--from=models") && c.endsWith("/models/"));
        assertThat(String.join("\n", d.all("RUN"))).contains("models/requirements.txt", "models/export.py --out /out");
        assertThat(Files.exists(Path.of("models/export.py"))).isTrue();
        assertThat(Files.exists(Path.of("models/requirements.txt"))).isTrue();
        // RunPod probes /ping on PORT (load-balancing); the same route answers in every mode
        assertThat(d.last("HEALTHCHECK")).contains("/ping");
        assertThat(app.get("%runpod.quarkus.http.port")).isEqualTo("${PORT:8080}");
    }

    @Test
    void dockerignoreShouldAdmitOnlyWhatTheImagesCopy() throws IOException {
        List<String> lines = Files.readAllLines(Path.of(".dockerignore"));
        assertThat(lines).contains("*", "!target/quarkus-app/", "!models/");
    }
}
