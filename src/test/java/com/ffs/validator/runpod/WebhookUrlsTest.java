package com.ffs.validator.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** RunPod's URL templates filled as runpod-python fills them, with proper query separators. */
class WebhookUrlsTest {

    private static WebhookUrls urls(String take, String done, String ping) {
        return new WebhookUrls(take, done, ping, "pod-7", Optional.of("NVIDIA RTX A5000"));
    }

    @Test
    void shouldFillTheWorkerIdInTakeAndPingUnderBothNames() {
        WebhookUrls podId = urls("https://api.runpod.ai/v2/ep/job-take/$RUNPOD_POD_ID", "https://x/done/$ID",
                "https://api.runpod.ai/v2/ep/ping/$RUNPOD_POD_ID");
        WebhookUrls id = urls("https://api.runpod.ai/v2/ep/job-take/$ID", "https://x/done/$ID",
                "https://api.runpod.ai/v2/ep/ping/$ID");
        for (WebhookUrls u : List.of(podId, id)) {
            assertThat(u.take(1, false)).hasToString("https://api.runpod.ai/v2/ep/job-take/pod-7?job_in_progress=0");
            assertThat(u.ping(List.of(), "ffs-validator/1")).hasToString(
                    "https://api.runpod.ai/v2/ep/ping/pod-7?runpod_version=ffs-validator%2F1");
        }
    }

    @Test
    void shouldAppendToAnExistingQueryString() {
        WebhookUrls u = urls("https://api.runpod.ai/v2/ep/job-take/$RUNPOD_POD_ID?gpu=NVIDIA+RTX+A5000",
                "https://x/done/$ID", null);
        assertThat(u.take(1, true)).hasToString(
                "https://api.runpod.ai/v2/ep/job-take/pod-7?gpu=NVIDIA+RTX+A5000&job_in_progress=1");
    }

    @Test
    void shouldUseTheBatchRouteForSeveralJobs() {
        WebhookUrls u = urls("https://api.runpod.ai/v2/ep/job-take/$RUNPOD_POD_ID?gpu=A", "https://x/done/$ID", null);
        assertThat(u.batchTake()).isTrue();
        assertThat(u.take(3, false)).hasToString(
                "https://api.runpod.ai/v2/ep/job-take-batch/pod-7?gpu=A&batch_size=3&job_in_progress=0");
    }

    @Test
    void shouldTakeOneAtATimeWhenTheTemplateHasNoTakeSegment() {
        WebhookUrls u = urls("https://queue.example/next/$ID", "https://x/done/$ID", null);
        assertThat(u.batchTake()).isFalse();
        assertThat(u.take(4, false)).hasToString("https://queue.example/next/pod-7?job_in_progress=0");
    }

    @Test
    void shouldDeriveTheStopChannelFromTheTakeUrlKeepingItsQuery() {
        WebhookUrls u = urls("https://api.runpod.ai/v2/ep/job-take/$RUNPOD_POD_ID?gpu=A", "https://x/done/$ID", null);
        assertThat(u.stop()).hasValueSatisfying(stop -> assertThat(stop)
                .hasToString("https://api.runpod.ai/v2/ep/job-stop/pod-7?gpu=A"));
        assertThat(urls("https://queue.example/next/$ID", "https://x/done/$ID", null).stop())
                .as("no /job-take/ segment, no stop channel").isEmpty();
    }

    @Test
    void shouldFillTheJobIdAndGpuInTheDoneUrl() {
        WebhookUrls u = urls("https://x/job-take/$ID",
                "https://api.runpod.ai/v2/ep/job-done/$RUNPOD_POD_ID/$ID?gpu=$RUNPOD_GPU_TYPE_ID", null);
        assertThat(u.done("sync-5e0a e067-u1")).hasToString(
                "https://api.runpod.ai/v2/ep/job-done/pod-7/sync-5e0a%20e067-u1?gpu=NVIDIA+RTX+A5000&isStream=false");
    }

    @Test
    void shouldLeaveAnUnknownGpuPlaceholderAlone() {
        WebhookUrls u = new WebhookUrls("https://x/job-take/$ID", "https://x/job-done/$RUNPOD_POD_ID/$ID?gpu=g",
                null, "pod-7", Optional.empty());
        assertThat(u.done("j1")).hasToString("https://x/job-done/pod-7/j1?gpu=g&isStream=false");
    }

    @Test
    void shouldListJobIdsInThePingAndReportUnhealthy() {
        WebhookUrls u = urls("https://x/job-take/$ID", "https://x/done/$ID", "https://x/ping/$RUNPOD_POD_ID");
        assertThat(u.hasPing()).isTrue();
        assertThat(u.ping(List.of("a-1", "b-2"), "v")).hasToString(
                "https://x/ping/pod-7?job_id=a-1%2Cb-2&runpod_version=v");
        String longReason = "x".repeat(300);
        assertThat(u.unhealthy("engine", longReason, "v").getQuery()).contains("status=unhealthy", "check=engine",
                "reason=" + "x".repeat(256) + "&");
    }

    @Test
    void shouldRequireAResultUrlWhenTakingJobs() {
        RunPodEnvironment env = RunPodEnvironment.from(name -> Optional.ofNullable(
                Map.of("RUNPOD_WEBHOOK_GET_JOB", "https://x/job-take/$ID").get(name)));
        assertThatThrownBy(() -> WebhookUrls.of(env)).hasMessageContaining("RUNPOD_WEBHOOK_POST_OUTPUT");
    }
}
