package com.ffs.validator.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.runpod.RunPodClient.Take;

/** Job-take answers as runpod-python reads them, and the worker's headers, against the fake queue. */
class RunPodClientTest {

    private FakeRunPodQueue queue;
    private RunPodClient client;
    private WebhookUrls urls;

    @BeforeEach
    void start() throws Exception {
        queue = new FakeRunPodQueue("key-1");
        queue.hold(Duration.ofMillis(200));
        client = new RunPodClient(new ObjectMapper(), "key-1", "1.0", Duration.ofSeconds(5));
        Map<String, String> env = queue.environment("w1", 1000);
        urls = new WebhookUrls(env.get("RUNPOD_WEBHOOK_GET_JOB"), env.get("RUNPOD_WEBHOOK_POST_OUTPUT"),
                env.get("RUNPOD_WEBHOOK_PING"), "w1", Optional.of(FakeRunPodQueue.GPU));
    }

    @AfterEach
    void stop() {
        client.close();
        queue.close();
    }

    @Test
    void shouldReadOneJobOrABatch() throws Exception {
        queue.enqueue("j1", Map.of("images", List.of("a")));
        Take one = client.take(urls.take(1, false));
        assertThat(one).isInstanceOfSatisfying(Take.Jobs.class, jobs -> {
            assertThat(jobs.jobs()).extracting(RunPodClient.QueueJob::id).containsExactly("j1");
            assertThat(jobs.jobs().getFirst().input().get("images").get(0).asText()).isEqualTo("a");
        });
        queue.enqueueAll(new LinkedHashMap<>(Map.of("j2", "x", "j3", "y")));
        Take batch = client.take(urls.take(4, true));
        assertThat(batch).isInstanceOfSatisfying(Take.Jobs.class,
                jobs -> assertThat(jobs.jobs()).extracting(RunPodClient.QueueJob::id)
                        .containsExactlyInAnyOrder("j2", "j3"));
        assertThat(queue.takes().get(1).query()).containsEntry("batch_size", "4").containsEntry("job_in_progress", "1");
        assertThat(queue.unauthorized()).isEmpty();
    }

    @Test
    void shouldTreat204And400AsNoJob429AsAWaitAndOtherStatusesAsErrors() throws Exception {
        queue.answerNextTakes(204, 400, 429, 500, 404);
        assertThat(client.take(urls.take(1, false))).isInstanceOf(Take.NoJob.class);
        assertThat(client.take(urls.take(1, false))).isInstanceOf(Take.NoJob.class);
        assertThat(client.take(urls.take(1, false))).isEqualTo(new Take.RateLimited(Duration.ofSeconds(1)));
        assertThat(client.take(urls.take(1, false))).isInstanceOf(Take.Failed.class);
        assertThat(client.take(urls.take(1, false))).isInstanceOf(Take.Failed.class);
        assertThat(client.take(urls.take(1, false))).as("an empty long-poll").isInstanceOf(Take.NoJob.class);
    }

    @Test
    void shouldRejectEntriesWithoutAnIdButKeepTheOthers() {
        Take take = client.parseJobs("[{\"input\": {}}, {\"id\": \"ok\", \"input\": {}}, 7]");
        assertThat(take).isInstanceOfSatisfying(Take.Jobs.class, jobs -> {
            assertThat(jobs.jobs()).extracting(RunPodClient.QueueJob::id).containsExactly("ok");
            assertThat(jobs.rejected()).hasSize(2);
        });
        assertThat(client.parseJobs("")).isInstanceOf(Take.NoJob.class);
        assertThat(client.parseJobs("[]")).isInstanceOf(Take.NoJob.class);
        assertThat(client.parseJobs("<html>")).isInstanceOf(Take.Failed.class);
        assertThat(client.parseJobs("{\"id\": \"s\", \"input\": \"plain text\"}")).isInstanceOfSatisfying(
                Take.Jobs.class, jobs -> assertThat(jobs.jobs().getFirst().input().asText()).isEqualTo("plain text"));
    }

    @Test
    void shouldCountAnswersWithoutAUsableJobAsNoJob() {
        for (String body : new String[] { "{}", "null", "[{}]", "[null, {}]", "[]", "  " }) {
            assertThat(client.parseJobs(body)).as(body).isInstanceOf(Take.NoJob.class);
        }
        assertThat(client.parseJobs("[{}, {\"input\": {}}]")).as("an entry with content but no id is reported")
                .isInstanceOfSatisfying(Take.Jobs.class, jobs -> {
                    assertThat(jobs.jobs()).isEmpty();
                    assertThat(jobs.rejected()).containsExactly("{\"input\":{}}");
                });
    }

    @Test
    void shouldReadTheStopChannelAsRunpodPythonDoes() throws Exception {
        URI stop = urls.stop().orElseThrow();
        assertThat(stop.getPath()).isEqualTo("/v2/ep/job-stop/w1");
        queue.hold(Duration.ZERO);
        assertThat(client.stopSignals(stop)).isEqualTo(new RunPodClient.StopPoll.Stop(List.of()));
        queue.stopJob("a-1");
        queue.stopJob("b-2");
        assertThat(client.stopSignals(stop)).isEqualTo(new RunPodClient.StopPoll.Stop(List.of("a-1", "b-2")));
        queue.offerStopChannel(false);
        assertThat(client.stopSignals(stop)).isInstanceOf(RunPodClient.StopPoll.NotOffered.class);
    }

    @Test
    void shouldCountAnUnansweredLongPollAsNoJob() throws Exception {
        queue.hold(Duration.ofSeconds(5));
        RunPodClient impatient = new RunPodClient(new ObjectMapper(), "key-1", "1.0", Duration.ofMillis(300));
        try {
            assertThat(impatient.take(urls.take(1, false))).isInstanceOf(Take.NoJob.class);
        } finally {
            impatient.close();
        }
    }

    @Test
    void shouldAnswerAConnectionFailureWithAnError() throws Exception {
        Take take = client.take(URI.create("http://127.0.0.1:1/v2/ep/job-take/w1"));
        assertThat(take).isInstanceOf(Take.Failed.class);
    }

    @Test
    void shouldPostWithRunpodPythonsHeaders() throws Exception {
        byte[] body = "{\"output\":{\"ü\":1}}".getBytes(StandardCharsets.UTF_8);
        assertThat(client.post(urls.done("job/1"), "job/1", body)).isEqualTo(200);
        FakeRunPodQueue.Call post = queue.posts("job/1").getFirst();
        assertThat(post.header("Authorization")).isEqualTo("key-1");
        assertThat(post.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(post.header("charset")).isEqualTo("utf-8");
        assertThat(post.header("X-Request-ID")).isEqualTo("job/1");
        assertThat(post.header("User-Agent")).startsWith("ffs-validator/1.0");
        assertThat(post.body()).isEqualTo("{\"output\":{\"ü\":1}}");
        assertThat(post.query()).containsEntry("isStream", "false");
    }
}
