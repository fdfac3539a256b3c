package com.ffs.validator.runpod;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The variables RunPod sets in a worker, read once at start-up. They are looked up by their exact names through the
 * application's configuration, so environment variables, system properties and test overrides all work.
 *
 * @param getJob RUNPOD_WEBHOOK_GET_JOB, the job-take URL template; its presence means "queue worker"
 * @param postOutput RUNPOD_WEBHOOK_POST_OUTPUT, the job-done URL template
 * @param ping RUNPOD_WEBHOOK_PING, the heartbeat URL template
 * @param pingInterval RUNPOD_PING_INTERVAL (milliseconds, default 10000)
 * @param apiKey RUNPOD_AI_API_KEY, sent raw as Authorization
 * @param workerId RUNPOD_POD_ID, or a random id when unset
 * @param hostname RUNPOD_POD_HOSTNAME, or "unknown"
 * @param gpuTypeId RUNPOD_GPU_TYPE_ID, substituted where a template names it
 * @param port PORT: set means "load-balancing worker" (when no queue variables are set)
 * @param portHealth PORT_HEALTH: where RunPod's load balancer polls the health path
 * @param healthCheckPath HEALTH_CHECK_PATH, default /ping
 * @param testInput RUNPOD_TEST_INPUT: the one-shot job file, or inline JSON
 */
public record RunPodEnvironment(Optional<String> getJob, Optional<String> postOutput, Optional<String> ping,
        Duration pingInterval, String apiKey, String workerId, String hostname, Optional<String> gpuTypeId,
        Optional<Integer> port, Optional<Integer> portHealth, String healthCheckPath, Optional<String> testInput) {

    static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(10);
    /** runpod-python spins below one second; tests still want fast pings. */
    static final Duration MIN_PING_INTERVAL = Duration.ofMillis(100);

    /** Reads the variables through {@code lookup} (blank values count as unset). */
    public static RunPodEnvironment from(Function<String, Optional<String>> lookup) {
        Function<String, Optional<String>> get = name -> lookup.apply(name).map(String::trim).filter(v -> !v.isEmpty());
        Duration interval = get.apply("RUNPOD_PING_INTERVAL").map(RunPodEnvironment::millis)
                .orElse(DEFAULT_PING_INTERVAL);
        if (interval.compareTo(MIN_PING_INTERVAL) < 0) {
            interval = MIN_PING_INTERVAL;
        }
        return new RunPodEnvironment(get.apply("RUNPOD_WEBHOOK_GET_JOB"), get.apply("RUNPOD_WEBHOOK_POST_OUTPUT"),
                get.apply("RUNPOD_WEBHOOK_PING"), interval, get.apply("RUNPOD_AI_API_KEY").orElse(""),
                get.apply("RUNPOD_POD_ID").orElseGet(() -> UUID.randomUUID().toString()),
                get.apply("RUNPOD_POD_HOSTNAME").orElse("unknown"), get.apply("RUNPOD_GPU_TYPE_ID"),
                get.apply("PORT").map(v -> port("PORT", v)), get.apply("PORT_HEALTH").map(v -> port("PORT_HEALTH", v)),
                get.apply("HEALTH_CHECK_PATH").map(p -> p.startsWith("/") ? p : "/" + p).orElse("/ping"),
                get.apply("RUNPOD_TEST_INPUT"));
    }

    /** Which kind of worker this environment asks for. */
    public RunPodMode mode() {
        if (getJob.isPresent()) {
            return RunPodMode.QUEUE;
        }
        return port.isPresent() ? RunPodMode.LOAD_BALANCING : RunPodMode.LOCAL;
    }

    /** Whether the load balancer polls a port of its own, which then needs a listener of its own. */
    boolean separateHealthPort() {
        return portHealth.isPresent() && !portHealth.equals(port);
    }

    /** The port the images expose and a load-balancing template should set as PORT and PORT_HEALTH. */
    static final int IMAGE_PORT = 8080;

    /** CAP_NET_BIND_SERVICE's bit in the capability masks of {@code /proc/self/status}. */
    private static final int CAP_NET_BIND_SERVICE = 10;

    /**
     * Why this process cannot listen on PORT or PORT_HEALTH, or empty. Ports below the kernel's
     * {@code net.ipv4.ip_unprivileged_port_start} (1024 unless lowered) need CAP_NET_BIND_SERVICE, which the image's
     * non-root user does not have; RunPod's load balancer uses PORT 80 unless the endpoint sets it.
     *
     * @param unprivilegedPortStart the lowest port any process may listen on
     * @param mayBindPrivileged whether this process holds CAP_NET_BIND_SERVICE
     */
    Optional<String> portProblem(int unprivilegedPortStart, boolean mayBindPrivileged) {
        if (mayBindPrivileged) {
            return Optional.empty();
        }
        Optional<String> name = port.filter(p -> p > 0 && p < unprivilegedPortStart).map(p -> "PORT=" + p)
                .or(() -> portHealth.filter(p -> p > 0 && p < unprivilegedPortStart).map(p -> "PORT_HEALTH=" + p));
        return name.map(n -> n + " is a privileged port that this worker, running as a non-root user, cannot listen "
                + "on: set the endpoint's environment variables PORT=" + IMAGE_PORT + " and PORT_HEALTH=" + IMAGE_PORT
                + " (the port the image exposes) and expose HTTP port " + IMAGE_PORT);
    }

    /** {@code net.ipv4.ip_unprivileged_port_start} of this container's network namespace (1024 when unreadable). */
    static int unprivilegedPortStart() {
        try {
            return Integer.parseInt(procFile("/proc/sys/net/ipv4/ip_unprivileged_port_start").strip());
        } catch (IOException | RuntimeException e) {
            return 1024;
        }
    }

    /** Whether this process may listen on privileged ports (root, or CAP_NET_BIND_SERVICE granted). */
    static boolean mayBindPrivilegedPorts() {
        try {
            return mayBindPrivilegedPorts(procFile("/proc/self/status"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A procfs file's text; sysctl files report size 0, which {@code Files.readString} takes at its word. */
    private static String procFile(String path) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** Reads the effective capability mask from the text of {@code /proc/self/status}. */
    static boolean mayBindPrivilegedPorts(String status) {
        return status.lines().filter(l -> l.startsWith("CapEff:")).findFirst()
                .map(l -> (Long.parseUnsignedLong(l.substring("CapEff:".length()).strip(), 16)
                        & (1L << CAP_NET_BIND_SERVICE)) != 0)
                .orElse(false);
    }

    private static Duration millis(String value) {
        try {
            return Duration.ofMillis(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("RUNPOD_PING_INTERVAL must be milliseconds, got '" + value + "'");
        }
    }

    private static int port(String name, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number, got '" + value + "'");
        }
    }
}
