package com.ffs.validator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * scripts/runpod-request.sh against a load-balancing endpoint: the URL form RunPod gives such endpoints, jobs sent to
 * /runsync (a load-balancing worker refuses /run and /status) and retried while workers start, played against a fake
 * of RunPod's load balancer in front of one worker.
 */
class RunPodRequestScriptTest {

    /** One request the fake load balancer saw. */
    record Seen(String method, String path, String authorization, String contentType, String workerId) {
    }

    private HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static void send(HttpExchange exchange, int status, String body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private int startLoadBalancer() throws IOException {
        AtomicInteger runs = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            String pin = exchange.getRequestHeaders().getFirst("X-Runpod-Worker-Id");
            seen.add(new Seen(exchange.getRequestMethod(), path, exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), pin));
            if (path.equals("/runsync")) {
                if (runs.incrementAndGet() == 1) {
                    send(exchange, 400, "{\"error\":\"no workers available\"}", Map.of());
                } else {
                    send(exchange, 200, "{\"id\":\"sync-1\",\"status\":\"COMPLETED\",\"output\":{\"results\":"
                            + "[{\"nsfw\":{\"is_nsfw\":false}}]}}", Map.of("X-Runpod-Worker-Id", "worker-7"));
                }
            } else {
                send(exchange, 404, "{}", Map.of());
            }
        });
        server.start();
        return server.getAddress().getPort();
    }

    private static Process script(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", "scripts/runpod-request.sh"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("RUNPOD_"));
        builder.environment().putAll(env);
        return builder.start();
    }

    private static String finish(Process process) throws Exception {
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    @Test
    void aLoadBalancingEndpointIsCalledAtItsOwnHost() throws Exception {
        Process p = script(Map.of("RUNPOD_ENDPOINT_ID", "oar9l8rt41v77", "RUNPOD_API_KEY", "rpa_test"),
                "--load-balancing", "--dry-run", "--action", "nsfw", "https://example.com/a.jpg");
        String output = finish(p);
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).startsWith("POST https://oar9l8rt41v77.api.runpod.ai/runsync?wait=300000\n")
                .contains("{\"input\": {\"action\": \"nsfw\", \"images\": [\"https://example.com/a.jpg\"]}}");

        Process queue = script(Map.of("RUNPOD_ENDPOINT_ID", "oar9l8rt41v77"), "--dry-run", "--async", "https://a.jpg");
        assertThat(finish(queue)).startsWith("POST https://api.runpod.ai/v2/oar9l8rt41v77/run\n");
    }

    @Test
    void aJobIsSentToRunsyncAndRetriedWhileWorkersStart() throws Exception {
        int port = startLoadBalancer();
        Process p = script(Map.of("RUNPOD_BASE_URL", "http://127.0.0.1:" + port, "RUNPOD_API_KEY", "rpa_test",
                "RETRY_INTERVAL", "0.1"), "--load-balancing", "https://a.jpg");
        String output = finish(p);
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("no workers available yet, retry 1 of 3", "COMPLETED", "\"is_nsfw\"");
        assertThat(seen).allSatisfy(s -> assertThat(s.authorization()).isEqualTo("Bearer rpa_test"));
        assertThat(seen).hasSize(2).allSatisfy(s -> {
            assertThat(s.method()).isEqualTo("POST");
            assertThat(s.path()).isEqualTo("/runsync");
            assertThat(s.contentType()).isEqualTo("application/json");
        });
    }

    @Test
    void anAsynchronousJobIsRefusedForALoadBalancingEndpoint() throws Exception {
        Process p = script(Map.of("RUNPOD_BASE_URL", "http://127.0.0.1:9", "RUNPOD_API_KEY", "rpa_test"),
                "--load-balancing", "--async", "https://a.jpg");
        String output = finish(p);
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(output).contains("refuses /run and /status");
    }
}
