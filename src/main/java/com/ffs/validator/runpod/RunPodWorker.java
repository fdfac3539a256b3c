package com.ffs.validator.runpod;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.validation.ValidationService;

import io.quarkus.logging.Log;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import sun.misc.Signal;

/**
 * This process as a RunPod Serverless worker (when {@code validator.runpod.worker} is on, as in the runpod profile):
 * picks the mode from RunPod's environment as runpod-python does, runs the {@link QueueWorker}, the load balancer's
 * health path or the one-shot test input, and turns SIGTERM into a graceful drain that ends with exit code 0.
 *
 * <p>
 * The health path ({@code HEALTH_CHECK_PATH}, default {@code /ping}) is served on the HTTP port in every profile,
 * and on {@code PORT_HEALTH} by a listener of its own when the load balancer polls another port: 204 while models
 * load, 200 when ready, 503 after a fatal error or once draining.
 */
@ApplicationScoped
public class RunPodWorker {

    private final RunPodConfig config;
    private final JobRunner runner;
    private final ValidationService service;
    private final ObjectMapper mapper;
    private final Vertx vertx;
    private final Config appConfig;
    private volatile RunPodEnvironment environment;
    private volatile ResultBodies bodies;
    private volatile boolean draining;
    private QueueWorker queue;
    private RunPodClient client;
    private HttpServer healthServer;

    public RunPodWorker(RunPodConfig config, JobRunner runner, ValidationService service, ObjectMapper mapper,
            Vertx vertx, Config appConfig) {
        this.config = config;
        this.runner = runner;
        this.service = service;
        this.mapper = mapper;
        this.vertx = vertx;
        this.appConfig = appConfig;
    }

    /** RunPod's variables, read once. */
    RunPodEnvironment environment() {
        RunPodEnvironment env = environment;
        if (env == null) {
            synchronized (this) {
                if (environment == null) {
                    environment = RunPodEnvironment.from(name -> appConfig.getOptionalValue(name, String.class));
                }
                env = environment;
            }
        }
        return env;
    }

    /** Whether this process is a RunPod load-balancing worker, where requests of one client may reach any worker. */
    boolean loadBalanced() {
        return config.worker() && environment().mode() == RunPodMode.LOAD_BALANCING;
    }

    /** Result bodies and error reports as runpod-python writes them, with this worker's identity. */
    ResultBodies bodies() {
        ResultBodies b = bodies;
        if (b == null) {
            RunPodEnvironment env = environment();
            b = new ResultBodies(mapper, env.hostname(), env.workerId(), RunPodProtocol.VERSION,
                    config.maxResultBytes());
            bodies = b;
        }
        return b;
    }

    void routes(@Observes Router router) {
        RunPodEnvironment env = environment();
        if (config.worker() && env.mode() == RunPodMode.LOAD_BALANCING) {
            // Before the HTTP server binds: a port this user may not open would otherwise fail without naming PORT.
            Optional<String> problem = env.portProblem(RunPodEnvironment.unprivilegedPortStart(),
                    RunPodEnvironment.mayBindPrivilegedPorts());
            if (problem.isPresent()) {
                Log.error(problem.get());
                throw new IllegalStateException(problem.get());
            }
        }
        router.route(HttpMethod.GET, environment().healthCheckPath()).handler(ctx -> answerPing(ctx.response()));
    }

    /** RunPod's load-balancer health contract. */
    static int pingStatus(boolean ready, boolean failed, boolean draining) {
        if (failed || draining) {
            return 503;
        }
        return ready ? 200 : 204;
    }

    private void answerPing(HttpServerResponse response) {
        Optional<String> failure = service.failure();
        int status = pingStatus(service.ready(), failure.isPresent(), draining);
        response.setStatusCode(status);
        switch (status) {
            case 200 -> response.putHeader("Content-Type", "application/json").end("{\"status\":\"ready\"}");
            case 503 -> response.putHeader("Content-Type", "application/json").end(failure.isPresent()
                    ? "{\"status\":\"failed\"}"
                    : "{\"status\":\"draining\"}");
            default -> response.end();
        }
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.worker()) {
            return;
        }
        boolean tracing = !ConfigProvider.getConfig()
                .getOptionalValue("quarkus.otel.sdk.disabled", Boolean.class).orElse(false);
        if (RequestIdLogFormatter.install(tracing)) {
            Log.debug("JSON log lines carry the job id as requestId");
        }
        RunPodEnvironment env = environment();
        RunPodMode mode = env.mode();
        installSignalHandlers();
        ResultBodies bodies = bodies();
        switch (mode) {
            case QUEUE -> {
                client = new RunPodClient(mapper, env.apiKey(), productVersion(), config.takeTimeout());
                queue = new QueueWorker(config, env, client, bodies, runner::run,
                        QueueWorker.service(service::ready, service::failure, service::expectedWait),
                        RunPodProtocol.VERSION,
                        () -> exit(1));
                Log.infof("RunPod queue worker %s: jobs are taken once models are ready", env.workerId());
                queue.start();
            }
            case LOAD_BALANCING -> {
                int port = env.port().orElseThrow();
                Log.infof("RunPod load-balancing worker: API on port %d, health %s on port %d", port,
                        env.healthCheckPath(), env.portHealth().orElse(port));
                if (env.separateHealthPort()) {
                    startHealthListener(env.portHealth().orElseThrow(), env.healthCheckPath());
                }
            }
            case LOCAL -> {
                Optional<OneShot.Source> input = OneShot.locate(env.testInput(), config.testInput(),
                        Path.of("").toAbsolutePath());
                if (input.isPresent()) {
                    OneShot oneShot = new OneShot(mapper, runner, bodies, System.out);
                    Thread.ofPlatform().name("runpod-test-input").start(() -> exit(oneShot.run(input.get())));
                } else {
                    Log.info("No RunPod queue (RUNPOD_WEBHOOK_GET_JOB) or PORT set and no test_input.json: serving "
                            + "the RunPod-style API (/run, /runsync, /status) locally");
                }
            }
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        draining = true;
        if (queue != null) {
            // Returns once result posts still retrying have ended (within the grace period): only then may the
            // HTTP client close.
            queue.drain();
        }
        if (client != null) {
            client.close();
        }
        if (healthServer != null) {
            healthServer.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(
                    e -> null).join();
        }
    }

    private void startHealthListener(int port, String path) {
        try {
            healthServer = vertx.createHttpServer(new HttpServerOptions().setHost("0.0.0.0").setPort(port))
                    .requestHandler(request -> {
                        if (request.method() == HttpMethod.GET && path.equals(request.path())) {
                            answerPing(request.response());
                        } else {
                            request.response().setStatusCode(404).end();
                        }
                    })
                    .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Log.infof("Health path %s also served on PORT_HEALTH %d", path, healthServer.actualPort());
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on PORT_HEALTH " + port + ": " + e.getMessage(), e);
        }
    }

    /** SIGTERM and SIGINT start the drain and end with 0, as runpod-python treats them (the JVM would exit 143). */
    private void installSignalHandlers() {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return;
        }
        for (String name : new String[] { "TERM", "INT" }) {
            Signal.handle(new Signal(name), signal -> {
                draining = true;
                Log.infof("SIG%s received: draining, then exiting", signal.getName());
                Quarkus.asyncExit(0);
            });
        }
    }

    private void exit(int code) {
        if (LaunchMode.current() == LaunchMode.TEST) {
            // Ending the process would end the test run; tests observe the worker instead.
            Log.warnf("Would exit with %d (kept running under test)", code);
            return;
        }
        Quarkus.asyncExit(code);
    }

    /** This service's version, for the User-Agent of calls to RunPod. */
    private String productVersion() {
        return appConfig.getOptionalValue("quarkus.application.version", String.class).orElse("unknown");
    }
}
