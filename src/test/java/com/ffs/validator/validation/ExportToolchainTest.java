package com.ffs.validator.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.ffs.validator.inference.Engines;
import com.ffs.validator.inference.InferenceEngine;
import com.ffs.validator.inference.ModelKind;
import com.ffs.validator.inference.ModelLoadException;
import com.ffs.validator.inference.TestConfigs;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The export toolchain of {@code models/} as far as it runs without the model hub: its Python tests, and an export of
 * randomly initialised stand-in models that the service then loads and checks. The stand-in folders carry the
 * PyTorch pipeline's outputs (Pillow preprocessing, the library-style tokenizer, PyTorch), so the reference check
 * proves that the Java pipeline (ImageIO decoding, the Pillow port, DJL tokenizers, ONNX Runtime) gives the Python
 * numbers. Needs {@code python.executable} (default {@code /usr/bin/python3}) with torch, onnx, numpy and Pillow.
 */
@Tag("slow")
class ExportToolchainTest {

    @TempDir
    static Path exported;

    @TempDir
    Path models;

    private InferenceEngine engine;

    @BeforeAll
    static void exportStandIns() throws Exception {
        python(List.of("models/export.py", "--stand-in", "--out", exported.toString()), Path.of("."));
    }

    @AfterEach
    void close() {
        Engines.close(engine);
    }

    @Test
    void pythonTestsOfTheExportToolchainPass() throws Exception {
        String output = python(List.of("-m", "unittest", "discover", "-s", "tests", "-v"), Path.of("models"));
        assertThat(output).contains("OK").doesNotContain("skipped");
    }

    @Test
    void theServicePipelineReproducesThePyTorchOutputsOfTheExport() throws IOException {
        copyExport();
        Map<ModelKind, ReferenceCheck.Outcome> outcomes = check();
        outcomes.values().forEach(o -> System.out.println("reference check " + o.kind().id() + ": " + o.summary()));
        assertThat(outcomes).containsOnlyKeys(ModelKind.NSFW, ModelKind.CLIP, ModelKind.SIGLIP);
        assertThat(outcomes.get(ModelKind.NSFW).summary()).startsWith("4 images, 0 texts within tolerance");
        assertThat(outcomes.get(ModelKind.CLIP).summary()).startsWith("4 images, 4 texts within tolerance");
        assertThat(outcomes.get(ModelKind.SIGLIP).summary()).startsWith("4 images, 4 texts within tolerance");
        assertThat(engine.metadata(ModelKind.SIGLIP).logitScale().orElseThrow()).isCloseTo(117.33,
                Offset.offset(1e-3));
    }

    @Test
    void aTamperedExportedFileIsRefusedByName() throws IOException {
        copyExport();
        Path graph = models.resolve("clip/text_model.onnx");
        byte[] bytes = Files.readAllBytes(graph);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(graph, bytes);
        assertThatThrownBy(this::check)
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith(graph + ": sha256 ")
                .hasMessageContaining("does not match " + models.resolve("clip/manifest.json"));
    }

    @Test
    void aPreprocessingDifferenceIsCaughtByTheReferenceCheck() throws IOException {
        copyExport();
        Path config = models.resolve("siglip/preprocessor_config.json");
        // bicubic -> bilinear: a resize the model was not exported with
        Files.writeString(config, Files.readString(config).replace("\"resample\": 3", "\"resample\": 2"));
        Files.delete(models.resolve("siglip/manifest.json"));
        assertThatThrownBy(this::check)
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith("siglip (stand-in/marqo-fashionSigLIP): the service's pipeline drifts from")
                .hasMessageContaining("on image '")
                .hasMessageContaining("tolerance 0.9999");
    }

    @Test
    void aWrongPadIdIsCaughtByTheReferenceCheck() throws IOException {
        copyExport();
        Path tokenizer = models.resolve("siglip/tokenizer.json");
        Files.writeString(tokenizer, Files.readString(tokenizer).replace("\"pad_id\": 1", "\"pad_id\": 0"));
        Files.delete(models.resolve("siglip/manifest.json"));
        assertThatThrownBy(this::check).hasMessageStartingWith("siglip (stand-in/marqo-fashionSigLIP)")
                .hasMessageContaining("on text '");
    }

    private Map<ModelKind, ReferenceCheck.Outcome> check() {
        engine = new InferenceEngine(TestConfigs.models(models, false), TestConfigs.cpu(), new SimpleMeterRegistry());
        engine.load();
        return ReferenceCheckTest.check(engine).run();
    }

    private void copyExport() throws IOException {
        try (Stream<Path> files = Files.walk(exported)) {
            for (Path p : files.sorted(Comparator.naturalOrder()).toList()) {
                Path target = models.resolve(exported.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** Runs the project's Python with {@code args} in {@code dir}; fails with its output unless it exits 0. */
    static String python(List<String> args, Path dir) throws Exception {
        String python = System.getProperty("python.executable", "/usr/bin/python3");
        List<String> command = new ArrayList<>(List.of(python));
        command.addAll(args);
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + python + " (set -Dpython.executable to a Python 3 with "
                    + "torch, onnx, numpy and Pillow; .ci/run installs Debian's)", e);
        }
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 10 minutes");
        }
        String output = new String(out, StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(process.exitValue()).as("exit code of %s in %s; output:%n%s", command, dir, output).isZero();
        return output;
    }
}
