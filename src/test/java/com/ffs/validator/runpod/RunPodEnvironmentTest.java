package com.ffs.validator.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Mode choice and defaults from RunPod's variables, as runpod-python decides them. */
class RunPodEnvironmentTest {

    private static RunPodEnvironment env(Map<String, String> vars) {
        return RunPodEnvironment.from(name -> Optional.ofNullable(vars.get(name)));
    }

    @Test
    void shouldBeAQueueWorkerWhenTheTakeUrlIsSetEvenWithAPort() {
        assertThat(env(Map.of("RUNPOD_WEBHOOK_GET_JOB", "https://x/job-take/$ID", "PORT", "80")).mode())
                .isEqualTo(RunPodMode.QUEUE);
    }

    @Test
    void shouldBeALoadBalancingWorkerWhenOnlyAPortIsSet() {
        RunPodEnvironment lb = env(Map.of("PORT", "5000", "PORT_HEALTH", "5001"));
        assertThat(lb.mode()).isEqualTo(RunPodMode.LOAD_BALANCING);
        assertThat(lb.separateHealthPort()).isTrue();
        assertThat(lb.healthCheckPath()).isEqualTo("/ping");
        assertThat(env(Map.of("PORT", "5000", "PORT_HEALTH", "5000")).separateHealthPort()).isFalse();
        assertThat(env(Map.of("PORT", "5000")).separateHealthPort()).isFalse();
        assertThat(env(Map.of("PORT", "5000", "HEALTH_CHECK_PATH", "healthz")).healthCheckPath())
                .isEqualTo("/healthz");
    }

    @Test
    void shouldBeLocalOtherwiseAndTreatBlankAsUnset() {
        assertThat(env(Map.of()).mode()).isEqualTo(RunPodMode.LOCAL);
        assertThat(env(Map.of("RUNPOD_WEBHOOK_GET_JOB", "  ", "PORT", "")).mode()).isEqualTo(RunPodMode.LOCAL);
    }

    @Test
    void shouldDefaultLikeRunpodPython() {
        RunPodEnvironment defaults = env(Map.of());
        assertThat(defaults.pingInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.apiKey()).isEmpty();
        assertThat(defaults.hostname()).isEqualTo("unknown");
        assertThat(defaults.workerId()).isNotBlank();
        RunPodEnvironment set = env(Map.of("RUNPOD_PING_INTERVAL", "2500", "RUNPOD_POD_ID", "p1"));
        assertThat(set.pingInterval()).isEqualTo(Duration.ofMillis(2500));
        assertThat(set.workerId()).isEqualTo("p1");
    }

    @Test
    void shouldNeverLetTheHeartbeatSpin() {
        assertThat(env(Map.of("RUNPOD_PING_INTERVAL", "0")).pingInterval())
                .isEqualTo(RunPodEnvironment.MIN_PING_INTERVAL);
    }

    @Test
    void shouldExplainBadNumbers() {
        assertThatThrownBy(() -> env(Map.of("PORT", "http"))).hasMessageContaining("PORT must be a port number");
        assertThatThrownBy(() -> env(Map.of("RUNPOD_PING_INTERVAL", "10s")))
                .hasMessageContaining("RUNPOD_PING_INTERVAL must be milliseconds");
    }
}
