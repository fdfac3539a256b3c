package com.ffs.validator.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import com.ffs.validator.image.Preprocessor;
import com.ffs.validator.image.RgbImage;
import com.ffs.validator.metrics.MetricNames;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The engine on generated models, without Quarkus: loading, inference through the batcher, text towers, errors. */
// Looks at the JVM's threads by name: no other test class may run beside it.
@Isolated
class InferenceEngineTest {

    @TempDir
    Path dir;

    private InferenceEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private InferenceEngine engine(Path models, boolean demo) {
        engine = new InferenceEngine(TestConfigs.models(models, demo), TestConfigs.cpu(), new SimpleMeterRegistry());
        return engine;
    }

    static RgbImage solid(int r, int g, int b) {
        byte[] px = new byte[50 * 40 * 3];
        for (int i = 0; i < px.length; i += 3) {
            px[i] = (byte) r;
            px[i + 1] = (byte) g;
            px[i + 2] = (byte) b;
        }
        return new RgbImage(50, 40, px);
    }

    private float[] infer(ModelKind kind, RgbImage image) throws Exception {
        return engine.infer(kind, slot -> Preprocessor.write(image, engine.preprocessing(kind), slot), false)
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldLoadDemoModelsAndFollowTheirRules() throws Exception {
        engine(dir.resolve("unused"), true).load();
        assertThat(engine.state()).isEqualTo(EngineState.READY);
        assertThat(engine.demo()).isTrue();
        assertThat(engine.status()).extracting(ModelStatus::provider).containsOnly("CPU");
        assertThat(engine.status()).extracting(ModelStatus::embeddingDim).containsExactly(2, 512, 768);

        float[] red = infer(ModelKind.NSFW, solid(255, 0, 0));
        float[] green = infer(ModelKind.NSFW, solid(0, 255, 0));
        assertThat(red[1] - red[0]).isGreaterThan(4f);
        assertThat(green[1] - green[0]).isLessThan(-3f);

        float[] greenEmbedding = infer(ModelKind.CLIP, solid(0, 255, 0));
        float[][] text = engine.embedTexts(ModelKind.CLIP, List.of("a photo of a dress", "a photo of food"));
        assertThat(cos(greenEmbedding, text[0])).isGreaterThan(cos(greenEmbedding, text[1]));

        float[] siglip = infer(ModelKind.SIGLIP, solid(10, 20, 30));
        assertThat(siglip).hasSize(768);
    }

    @Test
    void closingShouldTakeTheModelsQueueGaugesOutOfTheRegistry() throws Exception {
        // The Quarkus applications tests start in one JVM share one registry, where the first gauge of a name wins: a
        // closed model's gauge left there would stand in for the next one's, reading a batcher that is gone.
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        engine = new InferenceEngine(TestConfigs.models(dir.resolve("unused"), true), TestConfigs.cpu(), registry);
        engine.load();
        assertThat(registry.find(MetricNames.QUEUE_DEPTH).gauges()).hasSize(3);

        engine.close();

        assertThat(registry.find(MetricNames.QUEUE_DEPTH).gauges()).isEmpty();
    }

    @Test
    void shouldServeADirectoryInTheLayoutAsRealModels() throws Exception {
        Path models = dir.resolve("models");
        DemoModels.writeAll(models);
        for (String m : List.of("nsfw", "clip", "siglip")) {
            Path config = models.resolve(m).resolve("config.json");
            Files.writeString(config, Files.readString(config).replace("\"ffs_demo\" : true", "\"ffs_demo\" : false"));
        }
        engine(models, false).load();
        assertThat(engine.demo()).isFalse();
        assertThat(engine.status()).extracting(ModelStatus::demo).containsOnly(false);
        assertThat(engine.metadata(ModelKind.NSFW).labels()).containsExactly("normal", "nsfw");
    }

    @Test
    void shouldFailClearlyWithoutModels() {
        Path missing = dir.resolve("nowhere");
        assertThatThrownBy(() -> engine(missing, false).load())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("VALIDATOR_MODELS_DIR");
        assertThat(engine.state()).isEqualTo(EngineState.FAILED);
        assertThat(engine.failure()).isPresent();
    }

    @Test
    void shouldRefuseLabelsThatDoNotMatchTheLogits() throws IOException {
        Path models = dir.resolve("models");
        DemoModels.writeAll(models);
        Files.writeString(models.resolve("nsfw/config.json"), "{\"id2label\": {\"0\": \"a\", \"1\": \"b\", \"2\": \"c\"}}");
        assertThatThrownBy(() -> engine(models, false).load())
                .hasMessageContaining("gives 2 logits").hasMessageContaining("3 labels");
    }

    @Test
    void shouldNameAMissingGraphInput() throws IOException {
        Path models = dir.resolve("models");
        DemoModels.writeAll(models);
        engine = new InferenceEngine(new DelegatingModels(TestConfigs.models(models, false), "images"),
                TestConfigs.cpu(), new SimpleMeterRegistry());
        assertThatThrownBy(() -> engine.load())
                .hasMessageContaining("has no input 'images'").hasMessageContaining("pixel_values");
    }

    @Test
    void textRequestsShouldQueueOffTheCallersThreadAndBeRefusedWhenTheQueueIsFull() throws Exception {
        TestConfigs.Inference config = new TestConfigs.Inference(InferenceConfig.Device.CPU);
        config.maxQueuedTextRequests = 2;
        AtomicBoolean holdBatches = new AtomicBoolean();
        CountDownLatch batchRunning = new CountDownLatch(1);
        CountDownLatch releaseBatch = new CountDownLatch(1);
        engine = new InferenceEngine(TestConfigs.models(dir.resolve("unused"), true), config,
                new SimpleMeterRegistry(), (kind, count) -> {
                    if (holdBatches.get()) {
                        batchRunning.countDown();
                        try {
                            releaseBatch.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
        engine.load();
        List<String> texts = List.of("a photo of a dress", "a photo of food");
        float[][] expected = engine.embedTexts(ModelKind.SIGLIP, texts);

        // An image batch holds the only run slot (CPU runs one session at a time) until the test releases it.
        holdBatches.set(true);
        CompletableFuture<float[]> image = engine.infer(ModelKind.NSFW,
                slot -> Preprocessor.write(solid(1, 2, 3), engine.preprocessing(ModelKind.NSFW), slot), false);
        try {
            assertThat(batchRunning.await(10, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<float[][]>> accepted = new ArrayList<>();
            CompletableFuture<float[][]> refused = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                accepted.add(engine.embedTextsAsync(ModelKind.SIGLIP, texts));
                awaitWaiting("text-embeddings"); // the text thread took it and waits for the run slot
                accepted.add(engine.embedTextsAsync(ModelKind.SIGLIP, texts));
                accepted.add(engine.embedTextsAsync(ModelKind.SIGLIP, texts));
                return engine.embedTextsAsync(ModelKind.SIGLIP, texts);
            }, "no caller waits for the run slot");

            assertThatThrownBy(refused::join).hasCauseInstanceOf(QueueFullException.class)
                    .hasMessageContaining("siglip text");
            assertThat(accepted).noneMatch(CompletableFuture::isDone);
            releaseBatch.countDown();
            for (CompletableFuture<float[][]> rows : accepted) {
                assertThat(rows.get(10, TimeUnit.SECONDS)).isDeepEqualTo(expected);
            }
            assertThat(image.get(10, TimeUnit.SECONDS)).hasSize(2);
        } finally {
            releaseBatch.countDown();
        }
    }

    /** Waits until the thread named {@code name} is parked, failing the test after 10 s. */
    private static void awaitWaiting(String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals(name)
                && t.getState() == Thread.State.WAITING)) {
            assertThat(System.nanoTime()).as("thread %s waits", name).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    @Test
    void cudaShouldFailWithAReasonWhereThereIsNoGpu() {
        assertThatThrownBy(() -> new OrtSessions(ai.onnxruntime.OrtEnvironment.getEnvironment(),
                TestConfigs.withDevice(InferenceConfig.Device.CUDA), 1))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("validator.inference.device=cuda")
                .hasMessageContaining("cannot start");
    }

    @Test
    void autoShouldFallBackToCpuWhereThereIsNoGpu() {
        OrtSessions sessions = new OrtSessions(ai.onnxruntime.OrtEnvironment.getEnvironment(),
                TestConfigs.withDevice(InferenceConfig.Device.AUTO), 1);
        assertThat(sessions.provider()).isEqualTo(OrtSessions.Provider.CPU);
    }

    private static double cos(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    /** Overrides the nsfw image input name. */
    private record DelegatingModels(ModelsConfig base, String nsfwInput) implements ModelsConfig {
        public Path dir() {
            return base.dir();
        }

        public boolean demo() {
            return base.demo();
        }

        public boolean exitOnFailure() {
            return false;
        }

        public Overrides clip() {
            return base.clip();
        }

        public Overrides siglip() {
            return base.siglip();
        }

        public Overrides nsfw() {
            return new ModelDirectoryTest.ImageInputOverride(Optional.of(nsfwInput));
        }
    }
}
