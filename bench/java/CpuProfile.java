import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where a process's CPU goes while a phase runs: every thread's CPU time from {@code /proc} (JVM threads such as
 * the collector and the JIT compilers by their names), and the Java threads' share split by a CPU-time profile
 * (JFR's {@code jdk.CPUTimeSample}, which samples running threads in CPU time, native frames included, so time in
 * libjpeg-turbo is charged to the Java frame that called it). Each sample goes to the part of its innermost frame
 * that names one; the parts are in {@link #PARTS}.
 */
final class CpuProfile {

    /** Parts of the service, each with the frame prefixes that mark it, tried from the innermost frame out. */
    static final Map<String, List<String>> PARTS = parts();

    /** The collector's threads, by name. */
    private static final List<String> COLLECTOR_THREADS = List.of("GC Thread", "G1 ", "VM Thread");
    /** The JIT compilers' threads. */
    private static final List<String> JIT_THREADS = List.of("C1 CompilerThre", "C2 CompilerThre");
    /** The profiler's own threads, left out of every figure. */
    private static final List<String> PROFILER_THREADS = List.of("JFR ", "Attach Listener");

    private final long pid;
    private final Path recording;
    private final String jcmd;
    private final String jfr;
    private Map<String, Long> threadsBefore;
    private long selfBefore;

    private CpuProfile(long pid, Path recording) {
        this.pid = pid;
        this.recording = recording;
        Path bin = Path.of(ProcessHandle.current().info().command().orElse("java")).getParent();
        this.jcmd = bin == null ? "jcmd" : bin.resolve("jcmd").toString();
        this.jfr = bin == null ? "jfr" : bin.resolve("jfr").toString();
    }

    private static Map<String, List<String>> parts() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("decode (libjpeg-turbo and EXIF)", List.of("com.ffs.validator.image.TurboJpeg",
                "com.ffs.validator.image.ImageDecoder", "com.ffs.validator.image.ExifOrientation",
                "com.ffs.validator.image.LibWebp", "javax.imageio", "com.sun.imageio"));
        m.put("resize (Pillow-exact passes)", List.of("com.ffs.validator.image.PillowResize",
                "com.ffs.validator.image.ResizeKernels", "com.ffs.validator.image.VectorResizeKernels",
                "com.ffs.validator.image.CoefficientCache", "jdk.incubator.vector", "jdk.internal.vm.vector"));
        m.put("normalise (rescale, normalise, CHW)", List.of("com.ffs.validator.image.Preprocessor",
                "com.ffs.validator.image.Preprocessing"));
        m.put("JSON", List.of("com.fasterxml.jackson"));
        m.put("fetch (HTTP client, SSRF rules)", List.of("com.ffs.validator.image.ImageFetcher",
                "com.ffs.validator.image.ImageSource", "com.ffs.validator.image.AddressPolicy",
                "com.ffs.validator.image.FetchTarget", "io.vertx.core.http.impl.Http1xClient",
                "io.vertx.core.http.impl.HttpClient", "io.vertx.core.net.impl.pool"));
        m.put("HTTP server (routes, RunPod job store)", List.of("com.ffs.validator.runpod",
                "com.ffs.validator.api", "com.ffs.validator.security", "org.jboss.resteasy", "io.quarkus",
                "io.vertx.core.http.impl.Http1xServer", "io.vertx.ext.web", "io.smallrye"));
        m.put("inference (batching, ONNX Runtime)", List.of("com.ffs.validator.inference", "ai.onnxruntime"));
        m.put("validation (pipeline, checks)", List.of("com.ffs.validator.validation"));
        m.put("network I/O and event loops", List.of("io.netty", "io.vertx", "sun.nio.ch", "java.net",
                "sun.net"));
        return m;
    }

    /** Starts recording {@code pid}'s threads (and this process's own CPU, the load driver's). */
    static CpuProfile start(long pid, Path recording) throws Exception {
        CpuProfile p = new CpuProfile(pid, recording);
        p.run(p.jcmd, Long.toString(pid), "JFR.start", "name=bench-cpu", "jdk.CPUTimeSample#enabled=true",
                "jdk.CPUTimeSample#throttle=5ms", "filename=" + recording);
        p.threadsBefore = threadTicks(pid);
        p.selfBefore = processTicks(ProcessHandle.current().pid());
        return p;
    }

    /**
     * Stops recording and returns CPU milliseconds per image for {@code images} images, by part, with
     * {@code "garbage collector"}, {@code "JIT compilers"}, {@code "service total"} and
     * {@code "load driver and photo server"}.
     */
    Map<String, Double> stop(int images) throws Exception {
        Map<String, Long> after = threadTicks(pid);
        long self = processTicks(ProcessHandle.current().pid()) - selfBefore;
        run(jcmd, Long.toString(pid), "JFR.stop", "name=bench-cpu");
        double msPerTick = 1000.0 / ticksPerSecond();
        long gcTicks = 0;
        long jitTicks = 0;
        long javaTicks = 0;
        for (Map.Entry<String, Long> t : after.entrySet()) {
            long delta = t.getValue() - threadsBefore.getOrDefault(t.getKey(), 0L);
            String name = t.getKey().substring(t.getKey().indexOf(' ') + 1);
            if (COLLECTOR_THREADS.stream().anyMatch(name::startsWith)) {
                gcTicks += delta;
            } else if (JIT_THREADS.stream().anyMatch(name::startsWith)) {
                jitTicks += delta;
            } else if (PROFILER_THREADS.stream().noneMatch(name::startsWith)) {
                javaTicks += delta;
            }
        }
        Map<String, Long> samples = samples();
        long sampled = samples.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> part : samples.entrySet()) {
            out.put(part.getKey(), sampled == 0 ? 0 : javaTicks * msPerTick * part.getValue() / sampled / images);
        }
        out.put("garbage collector", gcTicks * msPerTick / images);
        out.put("JIT compilers", jitTicks * msPerTick / images);
        out.put("service total", (javaTicks + gcTicks + jitTicks) * msPerTick / images);
        out.put("load driver and photo server", self * msPerTick / images);
        return out;
    }

    /** CPU-time samples by part. */
    private Map<String, Long> samples() throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String part : PARTS.keySet()) {
            counts.put(part, 0L);
        }
        counts.put("other", 0L);
        Path text = Files.createTempFile("bench-cpu-", ".txt");
        try {
            Process p = new ProcessBuilder(jfr, "print", "--events", "jdk.CPUTimeSample", "--stack-depth", "64",
                    recording.toString()).redirectErrorStream(true).redirectOutput(text.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("jfr print failed: " + Files.readString(text));
            }
            String part = null;
            boolean inStack = false;
            try (Stream<String> lines = Files.lines(text)) {
                for (String line : (Iterable<String>) lines::iterator) {
                    String l = line.strip();
                    if (l.startsWith("stackTrace = [")) {
                        inStack = true;
                        part = null;
                    } else if (inStack && l.equals("]")) {
                        inStack = false;
                        counts.merge(part == null ? "other" : part, 1L, Long::sum);
                    } else if (inStack && part == null) {
                        part = partOf(l);
                    }
                }
            }
        } finally {
            Files.deleteIfExists(text);
        }
        return counts;
    }

    static String partOf(String frame) {
        for (Map.Entry<String, List<String>> part : PARTS.entrySet()) {
            for (String prefix : part.getValue()) {
                if (frame.startsWith(prefix)) {
                    return part.getKey();
                }
            }
        }
        return null;
    }

    /** Each thread's user plus system clock ticks, keyed by {@code "tid name"}. */
    static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    out.put(task.getFileName() + " " + name, ticks(Files.readString(task.resolve("stat"))));
                } catch (IOException threadEnded) {
                    // The thread ended between the listing and the read: its time is gone with it.
                }
            }
        }
        return out;
    }

    static long processTicks(long pid) throws IOException {
        return ticks(Files.readString(Path.of("/proc/" + pid + "/stat")));
    }

    /** utime + stime of a {@code stat} line (fields 14 and 15; the name in parentheses may hold spaces). */
    private static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long ticksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (Exception e) {
            return 100;
        }
    }

    private void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}
