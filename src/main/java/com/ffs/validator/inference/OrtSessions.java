package com.ffs.validator.inference;

import java.nio.file.Path;
import java.util.Locale;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.quarkus.logging.Log;

/** Builds session options from configuration and decides, once, whether CUDA is usable. */
final class OrtSessions {

    private final OrtEnvironment env;
    private final InferenceConfig config;
    private final boolean cuda;
    private final int intraOpThreads;

    OrtSessions(OrtEnvironment env, InferenceConfig config, int concurrentRunsOnCpu) {
        this.env = env;
        this.config = config;
        this.cuda = switch (config.device()) {
            case CPU -> false;
            case CUDA -> {
                String problem = cudaProblem();
                if (problem != null) {
                    throw new ModelLoadException("validator.inference.device=cuda but the CUDA execution provider "
                            + "cannot start: " + problem);
                }
                yield true;
            }
            case AUTO -> {
                String problem = cudaProblem();
                if (problem != null) {
                    Log.warnf("CUDA unavailable, running on CPU (%s)", problem);
                }
                yield problem == null;
            }
        };
        int runs = config.concurrentRuns().orElse(cuda ? 3 : concurrentRunsOnCpu);
        this.intraOpThreads = config.intraOpThreads()
                .orElse(Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, runs)));
    }

    boolean cuda() {
        return cuda;
    }

    String provider() {
        return cuda ? "CUDA" : "CPU";
    }

    /** Session runs allowed in flight at once. */
    int concurrentRuns(int cpuDefault) {
        return config.concurrentRuns().orElse(cuda ? 3 : cpuDefault);
    }

    /** Creates options and a session for {@code graph}; the caller closes both, session first. */
    Loaded open(Path graph) {
        SessionOptions options = new SessionOptions();
        try {
            options.setOptimizationLevel(optLevel(config.optimizationLevel()));
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(config.interOpThreads());
            if (cuda) {
                options.addCUDA(config.cudaDeviceId());
            }
            OrtSession session = env.createSession(graph.toString(), options);
            return new Loaded(session, options);
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw new ModelLoadException(graph + ": not a loadable ONNX model (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    /** A session with the options it was built from. */
    record Loaded(OrtSession session, SessionOptions options) implements AutoCloseable {
        @Override
        public void close() {
            try {
                session.close();
            } catch (OrtException e) {
                Log.debugf(e, "closing session");
            }
            options.close();
        }
    }

    private String cudaProblem() {
        if (!OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA)) {
            return "this ONNX Runtime build has no CUDA provider (the CPU artifact is on the classpath)";
        }
        try (SessionOptions probe = new SessionOptions()) {
            probe.addCUDA(config.cudaDeviceId());
            return null;
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            return firstLine(e.getMessage());
        }
    }

    private static SessionOptions.OptLevel optLevel(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "none" -> SessionOptions.OptLevel.NO_OPT;
            case "basic" -> SessionOptions.OptLevel.BASIC_OPT;
            case "extended" -> SessionOptions.OptLevel.EXTENDED_OPT;
            case "all" -> SessionOptions.OptLevel.ALL_OPT;
            default -> throw new ModelLoadException("validator.inference.optimization-level must be none, basic, "
                    + "extended or all, got '" + name + "'");
        };
    }

    static String firstLine(String message) {
        if (message == null) {
            return "no details";
        }
        return message.lines().findFirst().orElse(message).strip();
    }
}
