package com.ffs.validator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

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
    void entrypointShouldPassTheContainersArgumentsToTheJar() throws Exception {
        // Run the entrypoint's own shell line with `java` replaced by echo: arguments after the image must arrive.
        Dockerfile d = Dockerfile.read(JVM);
        List<String> exec = new ObjectMapper().readValue(d.last("ENTRYPOINT"),
                new TypeReference<List<String>>() {
                });
        List<String> command = new ArrayList<>(exec);
        command.set(2, command.get(2).replace("exec java", "exec echo java"));
        command.addAll(List.of("bulk", "--input", "a file.csv"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).isZero();
        assertThat(out).endsWith("-jar /deployments/quarkus-run.jar bulk --input a file.csv");

        command = new ArrayList<>(exec);
        command.set(2, command.get(2).replace("exec java", "exec echo java"));
        p = new ProcessBuilder(command).redirectErrorStream(true).start();
        out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(out).endsWith("-jar /deployments/quarkus-run.jar");
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
        assertThat(String.join("\n", d.all("RUN"))).contains("libturbojpeg", "libwebp7", "libwebpdemux2", "libtiff6",
                "liblcms2-2");
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

    /**
     * The oldest Linux driver branch of each CUDA 12 minor release ("CUDA Toolkit and Corresponding Driver Versions"
     * in NVIDIA's CUDA release notes). The NVIDIA container runtime compares {@code cuda>=12.x} in the base image's
     * NVIDIA_REQUIRE_CUDA with the CUDA version the host driver supports.
     */
    private static final Map<String, Integer> DRIVER_BRANCH_FOR_CUDA = Map.of("12.0", 525, "12.1", 530, "12.2", 535,
            "12.3", 545, "12.4", 550, "12.5", 555, "12.6", 560, "12.8", 570, "12.9", 575);

    @Test
    void theDriverFloorDeployMdStatesShouldMatchTheBaseImage() throws IOException {
        Matcher tag = Pattern.compile("nvidia/cuda:(\\d+\\.\\d+)\\.\\d+-")
                .matcher(Dockerfile.read(JVM).arg("CUDA_IMAGE"));
        assertThat(tag.find()).isTrue();
        String cuda = tag.group(1);
        Integer branch = DRIVER_BRANCH_FOR_CUDA.get(cuda);
        assertThat(branch).as("driver branch known for CUDA %s", cuda).isNotNull();

        String deploy = Files.readString(Path.of("DEPLOY.md"));
        Matcher floor = Pattern.compile("NVIDIA driver of branch \\*\\*R(\\d+) or newer\\*\\*\\s+\\(it\\s+supports\\s+"
                + "CUDA\\s+(\\d+\\.\\d+)\\)").matcher(deploy);
        assertThat(floor.find()).as("DEPLOY.md states the driver floor").isTrue();
        assertThat(Integer.parseInt(floor.group(1))).isEqualTo(branch);
        assertThat(floor.group(2)).isEqualTo(cuda);
        // RunPod filters hosts by the CUDA version their driver supports: the image's and every newer one.
        assertThat(deploy).contains("CUDA " + cuda + " and every newer version");
        assertThat(String.join("\n", Files.readAllLines(JVM))).contains("R" + branch + " or newer");
        for (Path doc : List.of(Path.of("DEPLOY.md"), Path.of("README.md"), Path.of("docs/production.md"),
                Path.of("k8s/README.md"))) {
            String text = Files.readString(doc);
            for (int older : DRIVER_BRANCH_FOR_CUDA.values()) {
                if (older < branch) {
                    assertThat(text).as("%s names no floor below R%d", doc, branch).doesNotContain("R" + older + "+")
                            .doesNotContain("R" + older + " or newer");
                }
            }
        }
    }

    @Test
    void everyDocumentedBuildShouldTargetLinuxAmd64() throws IOException {
        // ONNX Runtime's GPU natives in the image are x86-64; a build on an ARM laptop must say so.
        int builds = 0;
        for (Path file : List.of(JVM, RUNPOD, Path.of("DEPLOY.md"), Path.of("README.md"),
                Path.of("docs/production.md"))) {
            for (String line : Files.readAllLines(file)) {
                if (line.contains("docker build ")) {
                    builds++;
                    assertThat(line).as(file.toString()).contains("docker build --platform linux/amd64 ");
                }
            }
        }
        assertThat(builds).isGreaterThanOrEqualTo(6);
    }

    @Test
    void loadBalancingTemplatesShouldUseThePortTheRunpodImageExposes() throws IOException {
        Dockerfile d = Dockerfile.read(RUNPOD);
        String port = d.last("EXPOSE");
        assertThat(port).matches("\\d+");
        assertThat(Integer.parseInt(port)).as("a port a non-root user may open everywhere")
                .isGreaterThanOrEqualTo(1024);
        assertThat(Dockerfile.read(JVM).last("USER")).isNotEqualTo("0");
        assertThat(String.join(" ", d.all("ENV"))).as("PORT unset: it selects the load-balancing mode")
                .doesNotContainPattern("(^|\\s)PORT=");
        String deploy = Files.readString(Path.of("DEPLOY.md"));
        assertThat(deploy).contains("PORT=" + port, "PORT_HEALTH=" + port, "--ports \"" + port + "/http\"",
                "https://<ENDPOINT_ID>.api.runpod.ai/", "5.5 minutes");
    }

    @Test
    void tensorrtIsNotInTheImageAndTheDocsSaySo() throws IOException {
        String runs = String.join("\n", Dockerfile.read(JVM).all("RUN")).toLowerCase(Locale.ROOT);
        assertThat(runs).doesNotContain("tensorrt").doesNotContain("libnvinfer");
        assertThat(Files.readString(Path.of("DEPLOY.md"))).contains("validator.inference.tensorrt=true",
                "libnvinfer.so.10", "libnvonnxparser.so.10");
    }

    @Test
    void dockerignoreShouldAdmitOnlyWhatTheImagesCopy() throws IOException {
        List<String> lines = Files.readAllLines(Path.of(".dockerignore"));
        assertThat(lines).contains("*", "!target/quarkus-app/", "!models/");
    }
}
