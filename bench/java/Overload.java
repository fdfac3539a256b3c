import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;

/**
 * The overload phase: many more clients than the service can serve, each sending 8-image {@code nsfw} requests of
 * ~1 MP photos for a fixed time, honouring {@code Retry-After} when refused; a quarter of them give up after a few
 * seconds and close their connection. Prints one Markdown table: admitted requests' latency against
 * {@code validator.request.max-queue-time}, refusals and their {@code Retry-After}, how often a client that waited
 * its {@code Retry-After} was admitted on its next try, and the images of departed callers the service dropped.
 *
 * <pre>
 * java Overload.java --photos DIR --models DIR --ffs 'COMMAND {port} {mport} {models}' [--clients 40]
 *     [--seconds 90] [--max-queue-time 10] [--out FILE]
 * </pre>
 *
 * Loopback only; the service is started and stopped here; the run ends by itself.
 */
public class Overload {

    private static final int IMAGES_PER_REQUEST = 8;
    private static final Pattern CANCELLED = Pattern.compile(
            "validator_images_cancelled_total\\{[^}]*cause=\"disconnect\"[^}]*\\} ([0-9.eE+]+)");

    record Sample(long latencyNanos, int status, long retryAfterSeconds, boolean afterRetry) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path photos = Path.of(opts.get("photos"));
        int clients = Integer.parseInt(opts.getOrDefault("clients", "40"));
        long seconds = Long.parseLong(opts.getOrDefault("seconds", "90"));
        long maxQueueSeconds = Long.parseLong(opts.getOrDefault("max-queue-time", "10"));
        List<String> names;
        try (Stream<Path> files = Files.list(photos)) {
            names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jpg")).sorted().toList();
        }
        HttpServer photoServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        photoServer.createContext("/", exchange -> {
            byte[] body = Files.readAllBytes(photos.resolve(exchange.getRequestURI().getPath().substring(1)));
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        photoServer.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        photoServer.start();
        String photoBase = "http://127.0.0.1:" + photoServer.getAddress().getPort() + "/";

        int port = freePort();
        int mport = freePort();
        String command = opts.get("ffs").replace("{port}", Integer.toString(port))
                .replace("{mport}", Integer.toString(mport)).replace("{models}", opts.get("models"))
                + " -Dvalidator.request.max-queue-time=" + maxQueueSeconds + "s";
        Process service = new ProcessBuilder("bash", "-c", "exec " + command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of(opts.getOrDefault("log",
                        "/tmp/overload-service.log")).toFile())).start();
        // HTTP/1.1: a caller who gives up closes its connection, which is how the service learns it left.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        try {
            awaitReady(http, mport, service);
            double cancelledBefore = cancelled(http, mport);
            List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger abandoned = new AtomicInteger();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            for (int c = 0; c < clients; c++) {
                boolean impatient = c % 4 == 3;
                Random random = new Random(c);
                pool.submit(() -> {
                    boolean afterRetry = false;
                    while (System.nanoTime() < end) {
                        List<String> images = new ArrayList<>();
                        for (int i = 0; i < IMAGES_PER_REQUEST; i++) {
                            images.add(photoBase + names.get(random.nextInt(names.size())) + "?c=" + random.nextInt());
                        }
                        String body = "{\"action\":\"nsfw\",\"images\":[\"" + String.join("\",\"", images) + "\"]}";
                        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                + "/v1/validate")).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body));
                        // The impatient quarter gives up after 3 s and leaves.
                        request.timeout(impatient ? Duration.ofSeconds(3) : Duration.ofSeconds(300));
                        long start = System.nanoTime();
                        try {
                            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                            long latency = System.nanoTime() - start;
                            long retryAfter = r.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L);
                            samples.add(new Sample(latency, r.statusCode(), retryAfter, afterRetry));
                            afterRetry = false;
                            if (r.statusCode() == 503) {
                                Thread.sleep(TimeUnit.SECONDS.toMillis(Math.max(1, retryAfter)));
                                afterRetry = true;
                            }
                        } catch (HttpTimeoutException e) {
                            abandoned.incrementAndGet();
                            afterRetry = false;
                        }
                    }
                    return null;
                });
            }
            pool.shutdown();
            pool.awaitTermination(seconds + 600, TimeUnit.SECONDS);
            Thread.sleep(2000);
            double cancelledImages = cancelled(http, mport) - cancelledBefore;
            String table = table(samples, abandoned.get(), cancelledImages, clients, seconds, maxQueueSeconds);
            System.out.print(table);
            if (opts.containsKey("out")) {
                Files.writeString(Path.of(opts.get("out")), table, StandardCharsets.UTF_8);
            }
        } finally {
            service.destroy();
            service.waitFor(30, TimeUnit.SECONDS);
            service.destroyForcibly();
            photoServer.stop(0);
        }
    }

    private static String table(List<Sample> samples, int abandoned, double cancelledImages, int clients,
            long seconds, long maxQueueSeconds) {
        List<Long> admitted = samples.stream().filter(s -> s.status() == 200).map(Sample::latencyNanos).sorted()
                .toList();
        List<Long> retryAfter = samples.stream().filter(s -> s.status() == 503).map(Sample::retryAfterSeconds)
                .sorted().toList();
        long retried = samples.stream().filter(Sample::afterRetry).count();
        long retriedAdmitted = samples.stream().filter(s -> s.afterRetry() && s.status() == 200).count();
        StringBuilder t = new StringBuilder();
        t.append(String.format("Overload: %d clients (a quarter leave after 3 s), 8-image nsfw requests, %d s, "
                + "max-queue-time %d s%n%n", clients, seconds, maxQueueSeconds));
        t.append("| measure | value |\n| --- | --- |\n");
        t.append(String.format("| requests admitted and answered | %d |%n", admitted.size()));
        t.append(String.format("| admitted latency p50 / p95 / p99 | %.1f / %.1f / %.1f s |%n", pct(admitted, 50),
                pct(admitted, 95), pct(admitted, 99)));
        t.append(String.format("| requests refused (503) | %d |%n", retryAfter.size()));
        t.append(String.format("| Retry-After p50 / p95 / max | %d / %d / %d s |%n", pctL(retryAfter, 50),
                pctL(retryAfter, 95), retryAfter.isEmpty() ? 0 : retryAfter.getLast()));
        t.append(String.format("| tries after waiting Retry-After that were admitted | %d of %d (%.0f %%) |%n",
                retriedAdmitted, retried, retried == 0 ? 0.0 : 100.0 * retriedAdmitted / retried));
        t.append(String.format("| requests abandoned by their caller (3 s) | %d |%n", abandoned));
        t.append(String.format("| images of departed callers dropped by the service | %.0f |%n", cancelledImages));
        t.append(String.format("| other statuses | %d |%n", samples.stream().filter(s -> s.status() != 200
                && s.status() != 503).count()));
        return t.toString();
    }

    private static double pct(List<Long> sortedNanos, int p) {
        if (sortedNanos.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.min(sortedNanos.size() - 1, Math.ceil(p / 100.0 * sortedNanos.size()) - 1);
        return sortedNanos.get(Math.max(0, i)) / 1e9;
    }

    private static long pctL(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.min(sorted.size() - 1, Math.ceil(p / 100.0 * sorted.size()) - 1);
        return sorted.get(Math.max(0, i));
    }

    private static double cancelled(HttpClient http, int mport) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mport
                + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = CANCELLED.matcher(r.body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static void awaitReady(HttpClient http, int mport, Process service) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new IllegalStateException("the service ended while starting");
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mport
                        + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the service did not become ready");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
