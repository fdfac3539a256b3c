package com.ffs.validator.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.ffs.validator.image.AlphaPolicy;
import com.ffs.validator.image.ImageDecoder;
import com.ffs.validator.inference.DemoModels;
import com.ffs.validator.inference.Engines;
import com.ffs.validator.inference.InferenceEngine;
import com.ffs.validator.inference.ModelKind;
import com.ffs.validator.inference.ModelLoadException;
import com.ffs.validator.inference.TestConfigs;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The start-up reference check on demo models: their references pass, a perturbed reference fails by name. */
class ReferenceCheckTest {

    @TempDir
    Path models;

    private InferenceEngine engine;

    @AfterEach
    void close() {
        Engines.close(engine);
    }

    static ReferenceCheck check(InferenceEngine engine) {
        return new ReferenceCheck(engine, new ImageDecoder(89_478_485L, AlphaPolicy.WHITE));
    }

    private Map<ModelKind, ReferenceCheck.Outcome> run() {
        engine = new InferenceEngine(TestConfigs.models(models, false), TestConfigs.cpu(), new SimpleMeterRegistry());
        engine.load();
        return check(engine).run();
    }

    @Test
    void demoModelsShouldReproduceTheirReferenceOutputs() {
        DemoModels.writeAll(models);
        Map<ModelKind, ReferenceCheck.Outcome> outcomes = run();
        assertThat(outcomes).containsOnlyKeys(ModelKind.NSFW, ModelKind.CLIP, ModelKind.SIGLIP);
        assertThat(outcomes.get(ModelKind.NSFW).summary()).startsWith("3 images, 0 texts within tolerance (fp32 graph;")
                .contains("max |difference|");
        assertThat(outcomes.get(ModelKind.SIGLIP).summary()).contains("worst cosine 1.0000000, tolerance 0.9999");
    }

    @Test
    void aModelWithoutReferencesIsNotChecked() throws IOException {
        DemoModels.writeAll(models);
        Files.delete(models.resolve("clip/reference_outputs.json"));
        assertThat(run()).containsOnlyKeys(ModelKind.NSFW, ModelKind.SIGLIP);
    }

    @Test
    void aPerturbedEmbeddingShouldFailNamingTheModelTheSampleAndTheCosine() throws IOException {
        DemoModels.writeAll(models);
        perturb(models.resolve("siglip/reference_outputs.json"), 1, 0.3);
        assertThatThrownBy(this::run)
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith("siglip (demo/marqo-fashionSigLIP): the service's pipeline drifts from "
                        + models.resolve("siglip/reference_outputs.json"))
                .hasMessageContaining("on image 'red-30x30.png': cosine 0.9")
                .hasMessageContaining("tolerance 0.9999 (fp32 graph)");
    }

    @Test
    void aPerturbedLogitShouldFailWithTheAbsoluteDifference() throws IOException {
        DemoModels.writeAll(models);
        perturb(models.resolve("nsfw/reference_outputs.json"), 2, 0.05);
        assertThatThrownBy(this::run)
                .hasMessageStartingWith("nsfw (demo/nsfw_image_detection)")
                .hasMessageContaining("on image 'green-40x56.png': max |difference| 0.05")
                .hasMessageContaining("tolerance 0.02");
    }

    @Test
    void aDifferenceWithinToleranceShouldPass() throws IOException {
        DemoModels.writeAll(models);
        perturb(models.resolve("nsfw/reference_outputs.json"), 0, 0.01);
        assertThat(run().get(ModelKind.NSFW).summary()).contains("max |difference| 0.01");
    }

    /** Adds {@code delta} to every value of one sample's reference row. */
    static void perturb(Path file, int image, double delta) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode doc = (ObjectNode) json.readTree(file.toFile());
        ArrayNode row = (ArrayNode) doc.get("images").get(image).get("output");
        for (int i = 0; i < row.size(); i++) {
            row.set(i, row.get(i).asDouble() + (i % 2 == 0 ? delta : -delta));
        }
        json.writeValue(file.toFile(), doc);
    }
}
