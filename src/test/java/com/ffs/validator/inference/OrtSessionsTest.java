package com.ffs.validator.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.quarkus.runtime.configuration.MemorySizeConverter;

/** Session options from configuration: provider option maps, thread defaults, fp16 graph choice, optimised-model cache. */
class OrtSessionsTest {

    @TempDir
    Path dir;

    @Test
    void shouldMapCudaOptionsToOnnxRuntimeKeysWithSaneDefaults() {
        TestConfigs.Inference config = new TestConfigs.Inference(InferenceConfig.Device.CUDA);
        assertThat(OrtSessions.cudaOptions(config)).containsEntry("device_id", "0")
                .containsEntry("arena_extend_strategy", "kNextPowerOfTwo")
                .containsEntry("cudnn_conv_algo_search", "HEURISTIC")
                .doesNotContainKey("gpu_mem_limit");

        config.gpuMemLimit = Optional.of(new MemorySizeConverter().convert("8G"));
        config.arenaExtendStrategy = InferenceConfig.ArenaExtendStrategy.SAME_AS_REQUESTED;
        config.cudnnConvAlgoSearch = InferenceConfig.CudnnConvAlgoSearch.EXHAUSTIVE;
        assertThat(OrtSessions.cudaOptions(config)).containsEntry("gpu_mem_limit", Long.toString(8L << 30))
                .containsEntry("arena_extend_strategy", "kSameAsRequested")
                .containsEntry("cudnn_conv_algo_search", "EXHAUSTIVE");
    }

    @Test
    void shouldGiveTensorRtOneShapeProfileUpToTheLargestBatchAndAPersistentCache() {
        TestConfigs.Inference config = new TestConfigs.Inference(InferenceConfig.Device.CUDA);
        Map<String, String> o = OrtSessions.tensorrtOptions(config,
                new OrtSessions.ImageShape("pixel_values", 224, 224, 32), dir);
        assertThat(o).containsEntry("trt_engine_cache_enable", "1")
                .containsEntry("trt_engine_cache_path", dir.toString())
                .containsEntry("trt_timing_cache_path", dir.toString())
                .containsEntry("trt_fp16_enable", "1")
                .containsEntry("trt_profile_min_shapes", "pixel_values:1x3x224x224")
                .containsEntry("trt_profile_opt_shapes", "pixel_values:32x3x224x224")
                .containsEntry("trt_profile_max_shapes", "pixel_values:32x3x224x224");
        config.tensorrtFp16 = false;
        assertThat(OrtSessions.tensorrtOptions(config, new OrtSessions.ImageShape("x", 256, 256, 8), dir))
                .containsEntry("trt_fp16_enable", "0")
                .containsEntry("trt_profile_max_shapes", "x:8x3x256x256");
    }

    @Test
    void shouldGiveOrtOneThreadOnGpuAndTheCoresPerRunOnCpu() {
        TestConfigs.Inference config = new TestConfigs.Inference(InferenceConfig.Device.AUTO);
        config.intraOpThreads = Optional.empty();
        assertThat(OrtSessions.concurrentRuns(config, false, 3)).isEqualTo(1);
        assertThat(OrtSessions.intraOpThreads(config, false, 1, 16)).isEqualTo(16);
        assertThat(OrtSessions.concurrentRuns(config, true, 6)).isEqualTo(6);
        assertThat(OrtSessions.intraOpThreads(config, true, 6, 16)).isEqualTo(1);

        config.concurrentRuns = Optional.of(2);
        assertThat(OrtSessions.concurrentRuns(config, false, 3)).isEqualTo(2);
        assertThat(OrtSessions.intraOpThreads(config, false, 2, 16)).isEqualTo(8);
        config.intraOpThreads = Optional.of(3);
        assertThat(OrtSessions.intraOpThreads(config, true, 2, 16)).isEqualTo(3);
    }

    @Test
    void shouldServeTheFp16SiblingOnlyOnAGpuWhenItExistsAndIsEnabled() throws IOException {
        Path model = Files.writeString(dir.resolve("model.onnx"), "fp32");
        Path vision = Files.writeString(dir.resolve("vision_model.onnx"), "fp32");
        Path text = Files.writeString(dir.resolve("text_model.onnx"), "fp32");
        Path modelFp16 = Files.writeString(dir.resolve("model_fp16.onnx"), "fp16");
        Path visionFp16 = Files.writeString(dir.resolve("vision_model_fp16.onnx"), "fp16");

        assertThat(OrtSessions.graphFor(model, true, true)).isEqualTo(modelFp16);
        assertThat(OrtSessions.graphFor(vision, true, true)).isEqualTo(visionFp16);
        assertThat(OrtSessions.graphFor(text, true, true)).isEqualTo(text);
        assertThat(OrtSessions.graphFor(model, false, true)).isEqualTo(model);
        assertThat(OrtSessions.graphFor(model, true, false)).isEqualTo(model);
    }

    @Test
    void shouldWriteTheOptimisedGraphOnceAndLoadItOnLaterStarts() throws Exception {
        DemoModels.writeAll(dir.resolve("models"));
        Path graph = dir.resolve("models/nsfw/model.onnx");
        Path cache = dir.resolve("cache");
        TestConfigs.Inference config = new TestConfigs.Inference(InferenceConfig.Device.CPU);
        config.optimizedModelCache = Optional.of(cache);
        OrtEnvironment env = OrtEnvironment.getEnvironment();

        float[] plain = runNsfw(new OrtSessions(env, TestConfigs.cpu(), 3), graph);
        float[] first = runNsfw(new OrtSessions(env, config, 3), graph);
        Path cached = OrtSessions.optimizedCacheFile(cache, graph, OrtSessions.Provider.CPU, "all");
        assertThat(cached).isRegularFile();
        try (var files = Files.list(cache)) {
            assertThat(files.toList()).containsExactly(cached);
        }
        FileTime written = Files.getLastModifiedTime(cached);

        float[] second = runNsfw(new OrtSessions(env, config, 3), graph);
        assertThat(Files.getLastModifiedTime(cached)).isEqualTo(written);
        assertThat(first).containsExactly(plain);
        assertThat(second).containsExactly(plain);

        // A changed graph is a different cache entry, never the stale one.
        Files.setLastModifiedTime(graph, FileTime.fromMillis(Files.getLastModifiedTime(graph).toMillis() - 60_000));
        assertThat(OrtSessions.optimizedCacheFile(cache, graph, OrtSessions.Provider.CPU, "all")).isNotEqualTo(cached);
        assertThat(OrtSessions.optimizedCacheFile(cache, graph, OrtSessions.Provider.CUDA, "all")).isNotEqualTo(cached);
    }

    private static float[] runNsfw(OrtSessions sessions, Path graph) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] pixels = new float[3 * 224 * 224];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = i < 224 * 224 ? 0.8f : -0.3f;
        }
        try (OrtSessions.Loaded loaded = sessions.open(graph);
                OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] { 1, 3, 224, 224 });
                OrtSession.Result result = loaded.session().run(Map.of("pixel_values", input), Set.of("logits"))) {
            return ((float[][]) result.get(0).getValue())[0];
        }
    }
}
