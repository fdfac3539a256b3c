package com.ffs.validator.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.logging.Level;
import java.util.stream.Collectors;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import com.ffs.validator.metrics.MetricNames;
import com.ffs.validator.testing.LogCapture;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtException.OrtErrorCode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The engine when the device fails while models load: loading ends, with the cause, instead of waiting forever.
 * Every wait here is bounded, so a deadlock fails the test instead of hanging the build.
 */
// Looks at the JVM's threads by name: no other test class may run beside it.
@Isolated
class EngineFailureTest {

    private static final long BOUND_SECONDS = 30;

    @TempDir
    Path dir;

    private InferenceEngine engine;

    @AfterEach
    void close() throws Exception {
        if (engine != null) {
            Thread closer = Thread.ofPlatform().daemon(true).start(engine::close);
            closer.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
            assertThat(closer.isAlive()).as("the engine closes").isFalse();
        }
    }

    /** Runs {@code load()} on a thread of its own; the future holds what it threw (null when it loaded). */
    private static CompletableFuture<Throwable> loadAsync(InferenceEngine engine) {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).name("test-loader").start(() -> {
            try {
                engine.load();
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        return outcome;
    }

    @Test
    void aFatalDeviceErrorDuringWarmUpShouldFailLoadingWithItsCause() throws Exception {
        engine = new InferenceEngine(TestConfigs.models(dir.resolve("unused"), true), TestConfigs.cpu(),
                new SimpleMeterRegistry(), (kind, count) -> {
                    if (kind == ModelKind.CLIP) {
                        throw new OrtException(OrtErrorCode.ORT_RUNTIME_EXCEPTION,
                                "CUDA failure 2: out of memory ; GPU=0");
                    }
                });
        try (LogCapture log = LogCapture.of("com.ffs.validator.inference")) {
            Throwable error = loadAsync(engine).get(BOUND_SECONDS, TimeUnit.SECONDS);

            assertThat(error).isInstanceOf(ModelLoadException.class).hasMessageContaining("CUDA failure 2");
            assertThat(engine.state()).isEqualTo(EngineState.FAILED);
            assertThat(engine.failure()).hasValueSatisfying(f -> assertThat(f).contains("CUDA failure 2"));
            assertThat(log.messages(Level.SEVERE)).anySatisfy(m -> assertThat(m).contains("CUDA failure 2"));
            assertThat(new LivenessCheck(engine).call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        }
    }

    @Test
    void aModelThatFailsToOpenShouldLeaveNoBatcherThreadBehind() throws Exception {
        Set<Thread> before = batcherThreads();
        // The registry refuses the last thing a model registers, after its sessions, run options and batcher exist.
        MeterRegistry refusing = new SimpleMeterRegistry() {
            @Override
            protected <T> Gauge newGauge(Meter.Id id, T obj, ToDoubleFunction<T> valueFunction) {
                if (id.getName().equals(MetricNames.QUEUE_DEPTH)) {
                    throw new IllegalStateException("registry refused " + id.getName());
                }
                return super.newGauge(id, obj, valueFunction);
            }
        };
        engine = new InferenceEngine(TestConfigs.models(dir.resolve("unused"), true), TestConfigs.cpu(), refusing,
                BatchProbe.NONE);

        Throwable error = loadAsync(engine).get(BOUND_SECONDS, TimeUnit.SECONDS);

        assertThat(error).isInstanceOf(ModelLoadException.class).hasMessageContaining("registry refused");
        assertThat(engine.state()).isEqualTo(EngineState.FAILED);
        for (Thread t : batcherThreads()) {
            if (!before.contains(t)) {
                t.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
                assertThat(t.isAlive()).as("batcher thread %s stopped", t.getName()).isFalse();
            }
        }
    }

    private static Set<Thread> batcherThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("batcher-"))
                .collect(Collectors.toSet());
    }
}
