import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The benchmark driver: serves the sample photos over local HTTP, starts each system under test (ffs-validator and
 * the seed-style baseline, with full-cost and near-zero-cost models), measures its cold start (process start to the
 * first result), drives RunPod /runsync requests of 4 images at fixed concurrencies, reads its peak RSS, runs
 * "ONNX Runtime alone", and prints one Markdown table with the ratios the targets ask for. With 12 MP photos it
 * also measures the host pipeline on them, exact and with fast JPEG decoding, profiles where the service's CPU goes
 * per image ({@link CpuProfile}), compares fast decoding's outputs with exact ones, and runs the intake benchmark
 * (CPU time of decode and each preprocessing against Pillow's).
 *
 * <pre>
 * java Bench.java --photos DIR --models-full DIR --models-tiny DIR --profile smoke|full --out FILE
 *     --ffs 'COMMAND {port} {models}' --baseline 'COMMAND {port} {models}' [--ort-alone 'COMMAND {models}']
 *     [--photos-12mp DIR --ffs-fast 'COMMAND {port} {models}']
 *     [--intake 'COMMAND {photos} {rounds} {flags}' --pillow 'COMMAND {photos} {rounds} {flags}']
 * </pre>
 *
 * Commands run under {@code bash -c "exec ..."}, so the measured process is the server itself. Only loopback
 * addresses are used; every loop is bounded in requests and time.
 */
public class Bench {

    static final int IMAGES_PER_REQUEST = 4;
    static final Duration START_LIMIT = Duration.ofMinutes(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);

    /** How long each measured phase runs: at least this many requests and at least this long. */
    record Profile(int minRequestsFull, int minRequestsTiny, Duration minTimeFull, Duration minTimeTiny,
            Duration ortAloneTime, boolean warmUp) {
    }

    static final Map<String, Profile> PROFILES = Map.of(
            "smoke", new Profile(1, 8, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(3), false),
            "full", new Profile(12, 100, Duration.ofSeconds(40), Duration.ofSeconds(20), Duration.ofSeconds(30), true));

    record Phase(String action, int concurrency) {
        String label() {
            return action + " c" + concurrency;
        }
    }

    record Stats(int requests, int images, int failedImages, double seconds, double p50, double p95) {
        double imagesPerSecond() {
            return images / seconds;
        }
    }

    record SystemRun(String system, String set, double coldStartSeconds, long startRssKb, long peakRssKb,
            Map<String, Stats> phases, Map<String, Object> sample, String stages,
            Map<String, Map<String, Double>> profiles, Map<String, Map<String, Object>> outputs) {
    }

    /** One start of a system: what it serves, the phases it runs, which of them are profiled, what it answers. */
    record Plan(String system, String set, String command, String models, List<String> urls, List<Phase> phases,
            int minRequests, Duration minTime, boolean warmUp, List<String> profiled, List<String> outputsOf) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        Profile profile = PROFILES.get(opts.getOrDefault("profile", "smoke"));
        Path photos = Path.of(required(opts, "photos"));
        List<String> names;
        try (Stream<Path> files = Files.list(photos)) {
            names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jpg")).sorted().toList();
        }
        if (names.size() < IMAGES_PER_REQUEST) {
            throw new IllegalStateException("need at least " + IMAGES_PER_REQUEST + " photos in " + photos);
        }
        List<String> only = opts.containsKey("only") ? List.of(opts.get("only").split(",")) : null;
        Path photos12 = opts.containsKey("photos-12mp") ? Path.of(opts.get("photos-12mp")) : null;
        List<String> names12 = List.of();
        if (photos12 != null) {
            try (Stream<Path> files = Files.list(photos12)) {
                names12 = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jpg")).sorted()
                        .toList();
            }
        }

        HttpServer photoServer = photoServer(Map.of("photos", photos, "photos-12mp",
                photos12 == null ? photos : photos12), Map.of("photos", names, "photos-12mp", names12));
        String host = "http://127.0.0.1:" + photoServer.getAddress().getPort();
        List<String> urls = names.stream().map(n -> host + "/photos/" + n).toList();
        List<String> urls12 = names12.stream().map(n -> host + "/photos-12mp/" + n).toList();
        List<String> every = Stream.concat(urls.stream(), urls12.stream()).toList();
        List<SystemRun> runs = new ArrayList<>();
        String ortAlone = null;
        Map<String, Map<String, Double>> intake = new LinkedHashMap<>();
        try {
            List<Phase> fullPhases = List.of(new Phase("validate", 1), new Phase("validate", 2),
                    new Phase("validate", 8), new Phase("nsfw", 8), new Phase("fashion", 8),
                    new Phase("embedding", 8));
            List<Phase> tinyPhases = List.of(new Phase("validate", 1), new Phase("validate", 2),
                    new Phase("validate", 8));
            List<Phase> c8 = List.of(new Phase("validate", 8));
            boolean fast = opts.containsKey("ffs-fast");
            String full = required(opts, "models-full");
            String tiny = required(opts, "models-tiny");
            int minFull = profile.minRequestsFull();
            int minTiny = profile.minRequestsTiny();
            Duration timeFull = profile.minTimeFull();
            Duration timeTiny = profile.minTimeTiny();
            boolean warm = profile.warmUp();
            List<Plan> plans = new ArrayList<>();
            plans.add(new Plan("baseline", "full", opts.get("baseline"), full, urls, fullPhases, minFull, timeFull,
                    warm, List.of(), List.of()));
            // ffs answers every photo through validate once more, exact, for fast decoding's comparison.
            plans.add(new Plan("ffs", "full", opts.get("ffs"), full, urls, fullPhases, minFull, timeFull, warm,
                    List.of(), fast ? every : List.of()));
            if (fast) {
                plans.add(new Plan("ffs-fast", "full", opts.get("ffs-fast"), full, urls, List.of(), 0, Duration.ZERO,
                        false, List.of(), every));
            }
            plans.add(new Plan("baseline", "tiny", opts.get("baseline"), tiny, urls, tinyPhases, minTiny, timeTiny,
                    warm, List.of(), List.of()));
            plans.add(new Plan("ffs", "tiny", opts.get("ffs"), tiny, urls, tinyPhases, minTiny, timeTiny, warm,
                    List.of("validate c8"), List.of()));
            if (fast) {
                plans.add(new Plan("ffs-fast", "tiny", opts.get("ffs-fast"), tiny, urls, c8, minTiny, timeTiny, warm,
                        List.of("validate c8"), List.of()));
            }
            if (!urls12.isEmpty()) {
                plans.add(new Plan("baseline", "tiny-12mp", opts.get("baseline"), tiny, urls12, c8, minTiny / 4,
                        timeTiny, warm, List.of(), List.of()));
                plans.add(new Plan("ffs", "tiny-12mp", opts.get("ffs"), tiny, urls12, c8, minTiny / 4, timeTiny,
                        warm, List.of("validate c8"), List.of()));
                if (fast) {
                    plans.add(new Plan("ffs-fast", "tiny-12mp", opts.get("ffs-fast"), tiny, urls12, c8, minTiny,
                            timeTiny, warm, List.of("validate c8"), List.of()));
                }
            }
            for (Plan plan : plans) {
                if (plan.command() != null && (only == null || only.contains(plan.system() + "-" + plan.set()))) {
                    runs.add(runSystem(plan));
                }
            }
            if (opts.containsKey("ffs-cached") && (only == null || only.contains("ffs-cached"))) {
                // Cold start only: the first start fills the optimised-model cache, the second reads it.
                for (String start : List.of("ffs-cache-first", "ffs-cache-reused")) {
                    runs.add(runSystem(new Plan(start, "full", opts.get("ffs-cached"), full, urls, List.of(), 0,
                            Duration.ZERO, false, List.of(), List.of())));
                }
            }
            if (opts.containsKey("ort-alone") && (only == null || only.contains("ort-alone"))) {
                ortAlone = runOrtAlone(opts.get("ort-alone"), full, profile.ortAloneTime());
            }
            if (opts.containsKey("intake") && (only == null || only.contains("intake"))) {
                intake = runIntake(opts, photos, photos12, profile);
            }
        } finally {
            photoServer.stop(0);
        }
        String report = report(runs, ortAlone, intake, opts);
        System.out.println(report);
        if (opts.containsKey("out")) {
            Files.writeString(Path.of(opts.get("out")), report);
            System.err.println("written to " + opts.get("out"));
        }
    }

    static String required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    /** Serves each folder's photos from memory at /FOLDER/NAME. */
    static HttpServer photoServer(Map<String, Path> dirs, Map<String, List<String>> names) throws IOException {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> folder : names.entrySet()) {
            for (String n : folder.getValue()) {
                bodies.put(folder.getKey() + "/" + n, Files.readAllBytes(dirs.get(folder.getKey()).resolve(n)));
            }
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon(true).factory()));
        server.createContext("/", (HttpExchange ex) -> {
            byte[] body = bodies.get(ex.getRequestURI().getPath().substring(1));
            try (ex) {
                if (body == null) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                ex.getResponseHeaders().set("Content-Type", "image/jpeg");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        return server;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static SystemRun runSystem(Plan plan) throws Exception {
        String system = plan.system();
        String set = plan.set();
        String command = plan.command();
        String models = plan.models();
        List<String> urls = plan.urls();
        List<Phase> phases = plan.phases();
        int port = freePort();
        int managementPort = freePort();
        String cmd = command.replace("{port}", Integer.toString(port)).replace("{mport}", Integer.toString(managementPort))
                .replace("{models}", models);
        System.err.printf("== %s, %s models: %s%n", system, set, cmd);
        Path log = Files.createTempFile("bench-" + system + "-" + set + "-", ".log");
        long startNanos = System.nanoTime();
        Process process = new ProcessBuilder("bash", "-c", "exec " + cmd).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        URI endpoint = URI.create("http://127.0.0.1:" + port + "/runsync");
        try {
            Map<String, Object> first = null;
            long deadline = startNanos + START_LIMIT.toNanos();
            String probe = body("validate", urls.subList(0, 1));
            while (first == null) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(system + " exited with " + process.exitValue() + "; log: " + log
                            + "\n" + tail(log));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(system + " gave no result within " + START_LIMIT + "; log: " + log);
                }
                try {
                    HttpResponse<String> r = client.send(post(endpoint, probe), HttpResponse.BodyHandlers.ofString());
                    Map<String, Object> job = r.statusCode() == 200 ? Json.object(r.body()) : null;
                    if (job != null && "COMPLETED".equals(job.get("status")) && failedImages(job) == 0) {
                        first = job;
                    } else if (job != null && !"IN_QUEUE".equals(job.get("status"))
                            && !"IN_PROGRESS".equals(job.get("status"))) {
                        throw new IllegalStateException(system + " answered the first request with " + r.body());
                    }
                } catch (IOException notListeningYet) {
                    Thread.sleep(20);
                }
            }
            double coldStart = (System.nanoTime() - startNanos) / 1e9;
            // The peak by the first result belongs to loading; what the phases add on top belongs to serving.
            long startRss = peakRssKb(process.pid());
            System.err.printf("   cold start %.2f s, peak RSS by then %.0f MB%n", coldStart, startRss / 1024.0);

            // The same 4 photos through validate on every system, to compare their outputs.
            Map<String, Object> sample = null;
            if (!phases.isEmpty()) {
                HttpResponse<String> sampleResponse = client.send(post(endpoint, body("validate",
                        urls.subList(0, IMAGES_PER_REQUEST))), HttpResponse.BodyHandlers.ofString());
                sample = Json.object(sampleResponse.body());
            }

            Map<String, Stats> results = new LinkedHashMap<>();
            Map<String, Map<String, Double>> profiles = new LinkedHashMap<>();
            for (Phase phase : phases) {
                Path recording = Files.createTempFile("bench-" + system + "-" + set + "-", ".jfr");
                CpuProfile[] cpu = new CpuProfile[1];
                boolean profiled = plan.profiled().contains(phase.label());
                Stats s = drive(client, endpoint, phase, urls, plan.minRequests(), plan.minTime(), plan.warmUp(),
                        () -> {
                            if (profiled) {
                                cpu[0] = CpuProfile.start(process.pid(), recording);
                            }
                        });
                results.put(phase.label(), s);
                if (profiled) {
                    profiles.put(phase.label(), cpu[0].stop(s.images()));
                }
                Files.deleteIfExists(recording);
                System.err.printf("   %-14s %7.2f images/s  p50 %6.3f s  p95 %6.3f s  (%d requests, %d failed images)%n",
                        phase.label(), s.imagesPerSecond(), s.p50(), s.p95(), s.requests(), s.failedImages());
            }
            Map<String, Map<String, Object>> outputs = outputs(client, endpoint, plan.outputsOf());
            long rss = peakRssKb(process.pid());
            System.err.printf("   peak RSS %.0f MB%n", rss / 1024.0);
            String stages = system.equals("ffs") && !phases.isEmpty() ? stages(client, managementPort) : null;
            if (stages != null) {
                System.err.println("   " + stages);
            }
            return new SystemRun(system, set, coldStart, startRss, rss, results, sample, stages, profiles, outputs);
        } finally {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            client.close();
        }
    }

    /** The service's own stage timers over the whole run, from its Prometheus metrics (mean per event). */
    static String stages(HttpClient client, int managementPort) {
        try {
            String metrics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            StringBuilder b = new StringBuilder();
            for (String stage : List.of("fetch", "decode", "preprocess")) {
                b.append(stage).append(' ').append(fmt(1000 * mean(metrics, "validator_stage_duration_seconds",
                        "stage=\"" + stage + "\""))).append(" ms, ");
            }
            for (String model : List.of("nsfw", "clip", "siglip")) {
                String tag = "model=\"" + model + "\"";
                b.append(model).append(" batch ").append(fmt(mean(metrics, "validator_inference_batch_size", tag)))
                        .append(" images in ").append(fmt(1000 * mean(metrics, "validator_inference_duration_seconds",
                                tag))).append(" ms, queue wait ")
                        .append(fmt(1000 * mean(metrics, "validator_inference_queue_wait_seconds", tag)))
                        .append(" ms").append(model.equals("siglip") ? "" : "; ");
            }
            return b.toString();
        } catch (Exception e) {
            return "stage timers unavailable (" + e.getMessage() + ")";
        }
    }

    static double mean(String metrics, String name, String tag) {
        double sum = Double.NaN;
        double count = Double.NaN;
        for (String line : metrics.lines().toList()) {
            if (line.contains(tag) && line.startsWith(name + "_sum{")) {
                sum = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.contains(tag) && line.startsWith(name + "_count{")) {
                count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum / count;
    }

    /** What runs once the warm-up is over, just before the measured requests. */
    interface Hook {
        void run() throws Exception;
    }

    /** Runs one phase: warm-up of one request per client, then requests until both minimums are reached. */
    static Stats drive(HttpClient client, URI endpoint, Phase phase, List<String> urls, int minRequests,
            Duration minTime, boolean warmUp, Hook measuring) throws Exception {
        AtomicInteger next = new AtomicInteger();
        for (int i = 0; warmUp && i < phase.concurrency(); i++) {
            request(client, endpoint, phase.action(), urls, next.getAndIncrement());
        }
        measuring.run();
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        long minEnd = start + minTime.toNanos();
        long hardEnd = start + Math.max(minTime.toNanos() * 4, Duration.ofMinutes(10).toNanos());
        AtomicLong lastEnd = new AtomicLong(start);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < phase.concurrency(); c++) {
                clients.add(pool.submit(() -> {
                    while (true) {
                        long now = System.nanoTime();
                        if ((done.get() >= minRequests && now >= minEnd) || now >= hardEnd) {
                            return null;
                        }
                        int n = next.getAndIncrement();
                        long t0 = System.nanoTime();
                        failed.addAndGet(request(client, endpoint, phase.action(), urls, n));
                        long t1 = System.nanoTime();
                        latencies.add((t1 - t0) / 1e9);
                        done.incrementAndGet();
                        lastEnd.accumulateAndGet(t1, Math::max);
                    }
                }));
            }
            for (var f : clients) {
                f.get();
            }
        }
        double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Stats(sorted.length, sorted.length * IMAGES_PER_REQUEST, failed.get(),
                (lastEnd.get() - start) / 1e9, percentile(sorted, 0.50), percentile(sorted, 0.95));
    }

    /** Each photo's result through validate, one request of up to 4 photos at a time, keyed by URL. */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> outputs(HttpClient client, URI endpoint, List<String> urls)
            throws Exception {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (int i = 0; i < urls.size(); i += IMAGES_PER_REQUEST) {
            List<String> batch = urls.subList(i, Math.min(urls.size(), i + IMAGES_PER_REQUEST));
            HttpResponse<String> r = client.send(post(endpoint, body("validate", batch)),
                    HttpResponse.BodyHandlers.ofString());
            List<Object> results = (List<Object>) ((Map<String, Object>) Json.object(r.body()).get("output"))
                    .get("results");
            for (int k = 0; k < batch.size(); k++) {
                out.put(batch.get(k), (Map<String, Object>) results.get(k));
            }
        }
        return out;
    }

    /** One request of 4 consecutive photos; returns how many of its images failed. */
    static int request(HttpClient client, URI endpoint, String action, List<String> urls, int n) throws Exception {
        List<String> images = new ArrayList<>();
        for (int i = 0; i < IMAGES_PER_REQUEST; i++) {
            images.add(urls.get((n * IMAGES_PER_REQUEST + i) % urls.size()));
        }
        HttpResponse<String> r;
        try {
            r = client.send(post(endpoint, body(action, images)), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            System.err.println("   request failed: " + e);
            return IMAGES_PER_REQUEST;
        }
        if (r.statusCode() != 200) {
            System.err.println("   HTTP " + r.statusCode() + ": " + r.body());
            return IMAGES_PER_REQUEST;
        }
        Map<String, Object> job = Json.object(r.body());
        if (!"COMPLETED".equals(job.get("status"))) {
            System.err.println("   job not completed: " + r.body().substring(0, Math.min(300, r.body().length())));
            return IMAGES_PER_REQUEST;
        }
        return failedImages(job);
    }

    @SuppressWarnings("unchecked")
    static int failedImages(Map<String, Object> job) {
        Map<String, Object> output = (Map<String, Object>) job.get("output");
        if (output == null) {
            return IMAGES_PER_REQUEST;
        }
        int failed = 0;
        for (Object r : (List<Object>) output.get("results")) {
            if (((Map<String, Object>) r).containsKey("error")) {
                failed++;
            }
        }
        return failed;
    }

    static HttpRequest post(URI uri, String body) {
        return HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static String body(String action, List<String> images) {
        StringBuilder b = new StringBuilder("{\"input\": {\"action\": \"").append(action).append("\", \"images\": [");
        for (int i = 0; i < images.size(); i++) {
            b.append(i == 0 ? "\"" : ", \"").append(images.get(i)).append('"');
        }
        return b.append("]}}").toString();
    }

    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
    }

    /** VmHWM: the process's peak resident set, in kB. */
    static long peakRssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /** Runs the ONNX Runtime alone program and returns its result lines. */
    static String runOrtAlone(String command, String models, Duration time) throws Exception {
        String cmd = command.replace("{models}", models).replace("{seconds}", Long.toString(time.toSeconds()));
        System.err.println("== ONNX Runtime alone: " + cmd);
        Process p = new ProcessBuilder("bash", "-c", "exec " + cmd).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("ONNX Runtime alone failed:\n" + out);
        }
        System.err.print(out);
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The report

    /**
     * The intake benchmark, Java and Pillow, on both photo sets, exact and with reduced-scale JPEG decoding: each
     * program's RESULT line, keyed like {@code "java ~1 MP exact"}.
     */
    static Map<String, Map<String, Double>> runIntake(Map<String, String> opts, Path photos, Path photos12,
            Profile profile) throws Exception {
        boolean full = profile.warmUp();
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        Map<String, Path> sets = new LinkedHashMap<>();
        sets.put("~1 MP", photos);
        if (photos12 != null) {
            sets.put("12 MP", photos12);
        }
        for (Map.Entry<String, Path> set : sets.entrySet()) {
            int rounds = set.getKey().equals("12 MP") ? (full ? 5 : 1) : (full ? 20 : 2);
            for (String mode : List.of("exact", "fast")) {
                for (String side : List.of("java", "pillow")) {
                    String flags = mode.equals("exact") ? "" : side.equals("java") ? "--fast" : "--draft";
                    String cmd = opts.get(side.equals("java") ? "intake" : "pillow")
                            .replace("{photos}", set.getValue().toString())
                            .replace("{rounds}", Integer.toString(rounds)).replace("{flags}", flags);
                    System.err.println("== intake: " + cmd);
                    Process p = new ProcessBuilder("bash", "-c", "exec " + cmd)
                            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                    String text = new String(p.getInputStream().readAllBytes());
                    if (p.waitFor() != 0) {
                        throw new IllegalStateException("intake benchmark failed:\n" + text);
                    }
                    for (String line : text.lines().toList()) {
                        if (line.startsWith("RESULT ")) {
                            Map<String, Double> values = new LinkedHashMap<>();
                            for (String part : line.substring(7).split(" ")) {
                                String[] kv = part.split("=", 2);
                                try {
                                    values.put(kv[0], Double.parseDouble(kv[1]));
                                } catch (NumberFormatException notANumber) {
                                    // mode and kernels
                                }
                            }
                            out.put(side + " " + set.getKey() + " " + mode, values);
                            System.err.println("   " + line);
                        }
                    }
                }
            }
        }
        return out;
    }

    static String report(List<SystemRun> runs, String ortAlone, Map<String, Map<String, Double>> intake,
            Map<String, String> opts) {
        StringBuilder b = new StringBuilder();
        b.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(cpuModel()).append("; date ").append(Instant.now().toString(), 0, 10)
                .append("; commit ").append(opts.getOrDefault("commit", "unknown"))
                .append("; profile ").append(opts.getOrDefault("profile", "smoke"))
                .append("; service JVM options ").append(opts.getOrDefault("jvm", "default")).append("\n\n");
        b.append("| measurement | seed-style baseline | ffs-validator | ffs / baseline |\n");
        b.append("| --- | ---: | ---: | ---: |\n");
        for (String set : List.of("full", "tiny", "tiny-12mp")) {
            SystemRun base = find(runs, "baseline", set);
            SystemRun ffs = find(runs, "ffs", set);
            if (base == null && ffs == null) {
                continue;
            }
            String what = switch (set) {
                case "full" -> "full-cost models";
                case "tiny" -> "near-zero-cost models (host pipeline)";
                default -> "near-zero-cost models, 12 MP photos";
            };
            SystemRun any = base != null ? base : ffs;
            for (String phase : any.phases().keySet()) {
                Stats s0 = base == null ? null : base.phases().get(phase);
                Stats s1 = ffs == null ? null : ffs.phases().get(phase);
                b.append("| ").append(what).append(", ").append(phase).append(": images/s | ")
                        .append(s0 == null ? "-" : fmt(s0.imagesPerSecond())).append(" | ")
                        .append(s1 == null ? "-" : fmt(s1.imagesPerSecond())).append(" | ")
                        .append(s0 == null || s1 == null ? "-" : fmt(s1.imagesPerSecond() / s0.imagesPerSecond()) + "x")
                        .append(" |\n");
                b.append("| ").append(what).append(", ").append(phase).append(": p50 / p95 latency (s) | ")
                        .append(s0 == null ? "-" : fmt(s0.p50()) + " / " + fmt(s0.p95())).append(" | ")
                        .append(s1 == null ? "-" : fmt(s1.p50()) + " / " + fmt(s1.p95())).append(" | |\n");
            }
            b.append("| ").append(what).append(": cold start, process start to first result (s) | ")
                    .append(base == null ? "-" : fmt(base.coldStartSeconds())).append(" | ")
                    .append(ffs == null ? "-" : fmt(ffs.coldStartSeconds())).append(" | ")
                    .append(base == null || ffs == null ? "-" : fmt(ffs.coldStartSeconds() / base.coldStartSeconds()) + "x")
                    .append(" |\n");
            b.append("| ").append(what).append(": peak RSS, by the first result / after all phases (MB) | ")
                    .append(base == null ? "-" : fmt(base.startRssKb() / 1024.0) + " / " + fmt(base.peakRssKb() / 1024.0))
                    .append(" | ")
                    .append(ffs == null ? "-" : fmt(ffs.startRssKb() / 1024.0) + " / " + fmt(ffs.peakRssKb() / 1024.0))
                    .append(" | ")
                    .append(base == null || ffs == null ? "-" : fmt((double) ffs.peakRssKb() / base.peakRssKb()) + "x")
                    .append(" |\n");
        }
        for (String set : List.of("tiny", "tiny-12mp")) {
            SystemRun base = find(runs, "baseline", set);
            SystemRun exact = find(runs, "ffs", set);
            SystemRun fast = find(runs, "ffs-fast", set);
            Stats s = fast == null ? null : fast.phases().get("validate c8");
            if (s == null) {
                continue;
            }
            Stats b0 = base == null ? null : base.phases().get("validate c8");
            Stats e0 = exact == null ? null : exact.phases().get("validate c8");
            String what = set.equals("tiny") ? "near-zero-cost models (host pipeline)"
                    : "near-zero-cost models, 12 MP photos";
            b.append("| ").append(what).append(", validate c8, decode-scaling=fast: images/s (vs exact) | ")
                    .append(b0 == null ? "-" : fmt(b0.imagesPerSecond())).append(" | ").append(fmt(s.imagesPerSecond()))
                    .append(e0 == null ? "" : " (" + fmt(s.imagesPerSecond() / e0.imagesPerSecond()) + "x exact)")
                    .append(" | ").append(b0 == null ? "-" : fmt(s.imagesPerSecond() / b0.imagesPerSecond()) + "x")
                    .append(" |\n");
            b.append("| ").append(what).append(", validate c8, decode-scaling=fast: p50 / p95 latency (s) | - | ")
                    .append(fmt(s.p50())).append(" / ").append(fmt(s.p95())).append(" | |\n");
        }
        b.append(intakeTable(intake));
        b.append(profileTable(runs));
        b.append(fastAgreement(find(runs, "ffs", "full"), find(runs, "ffs-fast", "full")));
        SystemRun cacheFirst = find(runs, "ffs-cache-first", "full");
        SystemRun cacheReused = find(runs, "ffs-cache-reused", "full");
        if (cacheFirst != null && cacheReused != null) {
            b.append("\nffs-validator cold start with `validator.inference.optimized-model-cache` (full-cost models): ")
                    .append(fmt(cacheFirst.coldStartSeconds())).append(" s on the start that fills it, ")
                    .append(fmt(cacheReused.coldStartSeconds())).append(" s on a later start.\n");
        }
        int failed = runs.stream().flatMap(r -> r.phases().values().stream()).mapToInt(Stats::failedImages).sum();
        b.append("\nFailed images across all phases: ").append(failed).append("\n");
        for (SystemRun r : runs) {
            if (r.stages() != null) {
                b.append("\nffs-validator stage timers, ").append(r.set()).append(" models, mean over the run: ")
                        .append(r.stages()).append("\n");
            }
        }

        Map<String, Double> ort = new LinkedHashMap<>();
        if (ortAlone != null) {
            b.append("\nONNX Runtime alone (the three image graphs run back to back from Java, same session options):\n\n");
            for (String line : ortAlone.lines().toList()) {
                if (line.startsWith("RESULT ")) {
                    Map<String, String> kv = new LinkedHashMap<>();
                    for (String part : line.substring(7).split(" ")) {
                        String[] p = part.split("=", 2);
                        kv.put(p[0], p[1]);
                    }
                    String key = "batch " + kv.get("batch") + ", spinning " + kv.get("spinning");
                    ort.put(key, Double.parseDouble(kv.get("images_per_s")));
                    b.append("- ").append(key).append(": ").append(fmt(ort.get(key))).append(" images/s (")
                            .append(kv.get("per_graph_ms")).append(" ms per batch for nsfw, clip, siglip)\n");
                }
            }
        }
        b.append(agreement(find(runs, "baseline", "full"), find(runs, "ffs", "full")));
        b.append(targets(runs, ort));
        b.append(hostTargets(runs, intake));
        return b.toString();
    }

    /** CPU ms per image on one core, Java against Pillow on the same photos. */
    static String intakeTable(Map<String, Map<String, Double>> intake) {
        if (intake.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("\nIntake on one core, CPU ms per image (median of rounds, mean over the "
                + "photos; \"three\": the three preprocessings of one image as the service runs them, shared passes "
                + "once):\n\n| photos, JPEG decoding | decode | nsfw | clip | siglip | three | decode + three | Pillow "
                + "decode | Pillow nsfw / clip / siglip | Pillow total | Java / Pillow |\n| --- | ---: | ---: | ---: | "
                + "---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (String set : List.of("~1 MP", "12 MP")) {
            for (String mode : List.of("exact", "fast")) {
                Map<String, Double> j = intake.get("java " + set + " " + mode);
                Map<String, Double> p = intake.get("pillow " + set + " " + mode);
                if (j == null || p == null) {
                    continue;
                }
                b.append("| ").append(set).append(", ").append(mode.equals("exact") ? "whole" : "reduced scale (fast / "
                        + "draft)").append(" | ").append(fmt(j.get("decode"))).append(" | ").append(fmt(j.get("nsfw")))
                        .append(" | ").append(fmt(j.get("clip"))).append(" | ").append(fmt(j.get("siglip")))
                        .append(" | ").append(fmt(j.get("three"))).append(" | ").append(fmt(j.get("total")))
                        .append(" | ").append(fmt(p.get("decode"))).append(" | ").append(fmt(p.get("nsfw")))
                        .append(" / ").append(fmt(p.get("clip"))).append(" / ").append(fmt(p.get("siglip")))
                        .append(" | ").append(fmt(p.get("total"))).append(" | ")
                        .append(fmt(j.get("total") / p.get("total"))).append("x |\n");
            }
        }
        return b.toString();
    }

    /** Where the service's CPU goes per image in each profiled phase, and whether it adds up to the rate. */
    static String profileTable(List<SystemRun> runs) {
        List<String> columns = new ArrayList<>();
        List<Map<String, Double>> values = new ArrayList<>();
        List<Stats> stats = new ArrayList<>();
        for (SystemRun r : runs) {
            for (Map.Entry<String, Map<String, Double>> p : r.profiles().entrySet()) {
                columns.add((r.set().equals("tiny") ? "~1 MP" : "12 MP") + (r.system().equals("ffs-fast") ? ", fast"
                        : ", exact"));
                values.add(p.getValue());
                stats.add(r.phases().get(p.getKey()));
            }
        }
        if (columns.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("\nHost pipeline CPU per image, validate c8, near-zero-cost models (ms; "
                + "each thread's CPU time from /proc, the Java threads' split by a JFR CPU-time profile; the profiler's own "
                + "threads left out):\n\n| part |");
        columns.forEach(c -> b.append(' ').append(c).append(" |"));
        b.append("\n| ---").append(" | ---:".repeat(columns.size())).append(" |\n");
        List<String> rows = new ArrayList<>(CpuProfile.PARTS.keySet());
        rows.addAll(List.of("other", "garbage collector", "JIT compilers", "service total",
                "load driver and photo server"));
        for (String row : rows) {
            b.append("| ").append(row).append(" |");
            for (Map<String, Double> v : values) {
                b.append(' ').append(fmt(v.getOrDefault(row, 0.0))).append(" |");
            }
            b.append('\n');
        }
        b.append("| all (service, driver, photo server) |");
        for (Map<String, Double> v : values) {
            b.append(' ').append(fmt(v.get("service total") + v.get("load driver and photo server"))).append(" |");
        }
        b.append("\n| images/s measured |");
        stats.forEach(s -> b.append(' ').append(fmt(s.imagesPerSecond())).append(" |"));
        b.append("\n| cores busy (all x images/s) |");
        for (int i = 0; i < values.size(); i++) {
            Map<String, Double> v = values.get(i);
            double all = v.get("service total") + v.get("load driver and photo server");
            b.append(' ').append(fmt(all * stats.get(i).imagesPerSecond() / 1000)).append(" of ")
                    .append(Runtime.getRuntime().availableProcessors()).append(" |");
        }
        return b.append('\n').toString();
    }

    /**
     * Fast decoding against exact on the same photos and full-cost models: the largest score differences, the
     * smallest embedding cosine, and how many decisions flip at the default thresholds.
     */
    @SuppressWarnings("unchecked")
    static String fastAgreement(SystemRun exact, SystemRun fast) {
        if (exact == null || fast == null || exact.outputs().isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("\nvalidator.image.decode-scaling=fast against exact, full-cost models, "
                + "every photo through validate:\n\n| photos | largest nsfw score difference | largest fashion score "
                + "difference | smallest embedding cosine | is_nsfw flips | is_fashion flips |\n| --- | ---: | ---: | "
                + "---: | ---: | ---: |\n");
        for (String set : List.of("/photos/", "/photos-12mp/")) {
            double nsfw = 0;
            double fashion = 0;
            double cosine = 1;
            int nsfwFlips = 0;
            int fashionFlips = 0;
            int n = 0;
            for (Map.Entry<String, Map<String, Object>> e : exact.outputs().entrySet()) {
                Map<String, Object> y = fast.outputs().get(e.getKey());
                if (!e.getKey().contains(set) || y == null || e.getValue().containsKey("error")
                        || y.containsKey("error")) {
                    continue;
                }
                Map<String, Object> x = e.getValue();
                n++;
                nsfw = Math.max(nsfw, Math.abs(score(x, "nsfw") - score(y, "nsfw")));
                fashion = Math.max(fashion, Math.abs(score(x, "fashion") - score(y, "fashion")));
                cosine = Math.min(cosine, dot(x.get("embedding"), y.get("embedding")));
                nsfwFlips += flag(x, "nsfw", "is_nsfw") != flag(y, "nsfw", "is_nsfw") ? 1 : 0;
                fashionFlips += flag(x, "fashion", "is_fashion") != flag(y, "fashion", "is_fashion") ? 1 : 0;
            }
            if (n > 0) {
                b.append("| ").append(set.equals("/photos/") ? "~1 MP" : "12 MP").append(" (").append(n)
                        .append(") | ").append(String.format(Locale.ROOT, "%.1e | %.1e | %.4f | %d | %d |%n", nsfw,
                                fashion, cosine, nsfwFlips, fashionFlips));
            }
        }
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    static boolean flag(Map<String, Object> result, String check, String field) {
        return Boolean.TRUE.equals(((Map<String, Object>) result.get(check)).get(field));
    }

    /** The host pipeline's targets, as ratios from this run. */
    static String hostTargets(List<SystemRun> runs, Map<String, Map<String, Double>> intake) {
        StringBuilder b = new StringBuilder("\nTargets (host pipeline):\n\n");
        Map<String, Double> java = intake.get("java ~1 MP exact");
        Map<String, Double> pillow = intake.get("pillow ~1 MP exact");
        if (java != null && pillow != null) {
            double r = java.get("total") / pillow.get("total");
            b.append(line(r <= 0.5, "decode + three preprocessings <= 0.5x Pillow's decode + three resizes (~1 MP, "
                    + "exact)", fmt(r) + "x"));
        }
        SystemRun bt = find(runs, "baseline", "tiny");
        SystemRun ft = find(runs, "ffs", "tiny");
        if (bt != null && ft != null && bt.phases().containsKey("validate c8")) {
            double r = ft.phases().get("validate c8").imagesPerSecond()
                    / bt.phases().get("validate c8").imagesPerSecond();
            b.append(line(r >= 4, "host pipeline >= 4x the baseline (~1 MP, validate c8)", fmt(r) + "x"));
        }
        SystemRun e12 = find(runs, "ffs", "tiny-12mp");
        SystemRun f12 = find(runs, "ffs-fast", "tiny-12mp");
        if (e12 != null && f12 != null) {
            double r = f12.phases().get("validate c8").imagesPerSecond()
                    / e12.phases().get("validate c8").imagesPerSecond();
            b.append(line(r >= 3, "decode-scaling=fast >= 3x exact (12 MP, validate c8)", fmt(r) + "x"));
        }
        return b.toString();
    }

    static String targets(List<SystemRun> runs, Map<String, Double> ort) {
        StringBuilder b = new StringBuilder("\nTargets (serving):\n\n");
        SystemRun bf = find(runs, "baseline", "full");
        SystemRun ff = find(runs, "ffs", "full");
        SystemRun bt = find(runs, "baseline", "tiny");
        SystemRun ft = find(runs, "ffs", "tiny");
        if (bf != null && ff != null) {
            for (String phase : List.of("validate c1", "validate c2", "validate c8")) {
                double r = ff.phases().get(phase).imagesPerSecond() / bf.phases().get(phase).imagesPerSecond();
                b.append(line(r >= 1.4, "full-cost " + phase + " throughput >= 1.4x baseline", fmt(r) + "x"));
            }
            b.append(line(ff.coldStartSeconds() <= bf.coldStartSeconds(), "cold start no slower than baseline",
                    fmt(ff.coldStartSeconds()) + " s vs " + fmt(bf.coldStartSeconds()) + " s"));
            b.append(line(ff.peakRssKb() <= bf.peakRssKb(), "peak RSS (full-cost) no higher than baseline",
                    fmt(ff.peakRssKb() / 1024.0) + " MB vs " + fmt(bf.peakRssKb() / 1024.0) + " MB"));
        }
        if (ff != null) {
            for (String batch : List.of("4", "8")) {
                Double alone = ort.get("batch " + batch + ", spinning false");
                String phase = batch.equals("4") ? "validate c1" : "validate c8";
                if (alone != null) {
                    double r = ff.phases().get(phase).imagesPerSecond() / alone;
                    b.append(line(r >= 0.9, "full-cost " + phase + " within 10% of ONNX Runtime alone at batch "
                            + batch, fmt(100 * r) + "%"));
                }
            }
        }
        if (ft != null) {
            double best = ft.phases().values().stream().mapToDouble(Stats::imagesPerSecond).max().orElse(0);
            b.append(line(best >= 300, "host pipeline >= 300 images/s", fmt(best) + " images/s"));
            if (bt != null) {
                double base = bt.phases().values().stream().mapToDouble(Stats::imagesPerSecond).max().orElse(1);
                b.append(line(best / base >= 8, "host pipeline about 8x baseline", fmt(best / base) + "x"));
            }
        }
        return b.toString();
    }

    static String line(boolean met, String what, String value) {
        return "- " + (met ? "MET   " : "MISSED") + " " + what + ": " + value + "\n";
    }

    /**
     * Compares both systems' outputs for the same 4 photos (same weights, so they should agree closely), next to how
     * much the outputs vary between the photos, which shows the comparison is not vacuous.
     */
    @SuppressWarnings("unchecked")
    static String agreement(SystemRun base, SystemRun ffs) {
        if (base == null || ffs == null) {
            return "";
        }
        List<Object> a = (List<Object>) ((Map<String, Object>) base.sample().get("output")).get("results");
        List<Object> c = (List<Object>) ((Map<String, Object>) ffs.sample().get("output")).get("results");
        double nsfw = 0;
        double fashion = 0;
        double cosine = 1;
        double nsfwMin = 1;
        double nsfwMax = 0;
        double crossPhoto = 1;
        for (int i = 0; i < a.size(); i++) {
            Map<String, Object> x = (Map<String, Object>) a.get(i);
            Map<String, Object> y = (Map<String, Object>) c.get(i);
            nsfw = Math.max(nsfw, Math.abs(score(x, "nsfw") - score(y, "nsfw")));
            fashion = Math.max(fashion, Math.abs(score(x, "fashion") - score(y, "fashion")));
            nsfwMin = Math.min(nsfwMin, score(x, "nsfw"));
            nsfwMax = Math.max(nsfwMax, score(x, "nsfw"));
            cosine = Math.min(cosine, dot(x.get("embedding"), y.get("embedding")));
            for (int j = 0; j < i; j++) {
                crossPhoto = Math.min(crossPhoto, dot(x.get("embedding"),
                        ((Map<String, Object>) a.get(j)).get("embedding")));
            }
        }
        return String.format(Locale.ROOT, "%nSame 4 photos, same weights, baseline vs ffs-validator: largest nsfw score "
                + "difference %.1e, largest fashion score difference %.1e, smallest embedding cosine %.6f (for "
                + "scale: nsfw scores range %.3f..%.3f across the photos, embedding cosine between different photos "
                + "down to %.3f).%n", nsfw, fashion, cosine, nsfwMin, nsfwMax, crossPhoto);
    }

    @SuppressWarnings("unchecked")
    static double dot(Object u, Object v) {
        List<Object> x = (List<Object>) u;
        List<Object> y = (List<Object>) v;
        double d = 0;
        for (int k = 0; k < x.size(); k++) {
            d += ((Number) x.get(k)).doubleValue() * ((Number) y.get(k)).doubleValue();
        }
        return d;
    }

    @SuppressWarnings("unchecked")
    static double score(Map<String, Object> result, String check) {
        return ((Number) ((Map<String, Object>) result.get(check)).get("score")).doubleValue();
    }

    static SystemRun find(List<SystemRun> runs, String system, String set) {
        return runs.stream().filter(r -> r.system().equals(system) && r.set().equals(set)).findFirst().orElse(null);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    /** Just enough JSON for the responses: objects, arrays, strings, numbers, booleans, null. */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        @SuppressWarnings("unchecked")
        static Map<String, Object> object(String text) {
            Json j = new Json(text);
            Object v = j.value();
            if (!(v instanceof Map)) {
                throw new IllegalArgumentException("not a JSON object: " + text);
            }
            return (Map<String, Object>) v;
        }

        private Object value() {
            skip();
            char c = s.charAt(i);
            switch (c) {
                case '{' -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    i++;
                    skip();
                    if (s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        skip();
                        String k = string();
                        skip();
                        i++; // ':'
                        m.put(k, value());
                        skip();
                        if (s.charAt(i++) == '}') {
                            return m;
                        }
                    }
                }
                case '[' -> {
                    List<Object> l = new ArrayList<>();
                    i++;
                    skip();
                    if (s.charAt(i) == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        skip();
                        if (s.charAt(i++) == ']') {
                            return l;
                        }
                    }
                }
                case '"' -> {
                    return string();
                }
                case 't' -> {
                    i += 4;
                    return Boolean.TRUE;
                }
                case 'f' -> {
                    i += 5;
                    return Boolean.FALSE;
                }
                case 'n' -> {
                    i += 4;
                    return null;
                }
                default -> {
                    int start = i;
                    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                        i++;
                    }
                    return Double.parseDouble(s.substring(start, i));
                }
            }
        }

        private String string() {
            StringBuilder b = new StringBuilder();
            i++; // opening quote
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
