package com.ffs.validator.runpod;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.jboss.logging.MDC;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.logging.Log;

/**
 * runpod-python's local test: run the one job of {@code test_input.json} ({@code {"input": {...}, "id": ...}}), print
 * its result body on stdout, and exit 0 when it has no {@code error}, 1 when it has one or the file is unusable.
 */
final class OneShot {

    static final String DEFAULT_FILE = "test_input.json";
    private static final String DEFAULT_ID = "local_test";

    /** Where the job comes from: a file, or inline JSON given in place of a path. */
    record Source(String description, Optional<Path> file, Optional<String> inline) {
    }

    private final ObjectMapper mapper;
    private final JobRunner runner;
    private final ResultBodies bodies;
    private final PrintStream out;

    OneShot(ObjectMapper mapper, JobRunner runner, ResultBodies bodies, PrintStream out) {
        this.mapper = mapper;
        this.runner = runner;
        this.bodies = bodies;
        this.out = out;
    }

    /**
     * The job to run, if any: RUNPOD_TEST_INPUT, else {@code validator.runpod.test-input} (a path, or JSON starting
     * with '{'), else {@code test_input.json} in the working directory when it exists.
     */
    static Optional<Source> locate(Optional<String> env, Optional<String> configured, Path workingDir) {
        Optional<String> given = env.or(() -> configured);
        if (given.isPresent()) {
            String value = given.get().trim();
            return Optional.of(value.startsWith("{") ? new Source("inline test input", Optional.empty(),
                    Optional.of(value)) : new Source(value, Optional.of(Path.of(value)), Optional.empty()));
        }
        Path file = workingDir.resolve(DEFAULT_FILE);
        return Files.isRegularFile(file)
                ? Optional.of(new Source(file.toString(), Optional.of(file), Optional.empty()))
                : Optional.empty();
    }

    /** Runs the job (waiting for models) and returns the exit code. */
    int run(Source source) {
        JsonNode root;
        try {
            String text = source.inline().isPresent() ? source.inline().get()
                    : Files.readString(source.file().orElseThrow(), StandardCharsets.UTF_8);
            root = mapper.readTree(text);
        } catch (IOException e) {
            return fail(DEFAULT_ID, "cannot read the test input " + source.description() + ": " + e.getMessage());
        }
        if (root == null || !root.isObject() || !root.has("input")) {
            return fail(DEFAULT_ID, "the test input " + source.description()
                    + " must be a JSON object with an \"input\" field, e.g. "
                    + "{\"input\": {\"images\": [\"https://...\"]}}");
        }
        String id = root.hasNonNull("id") ? root.get("id").asText() : DEFAULT_ID;
        MDC.put(QueueWorker.MDC_REQUEST_ID, id);
        try {
            Log.infof("Running the test input %s once", source.description());
            JobOutcome outcome = runner.run(root.get("input"));
            out.println(new String(bodies.of(outcome, false), StandardCharsets.UTF_8));
            out.flush();
            if (outcome.failed()) {
                Log.errorf("Test job failed: %s", outcome.error());
                return 1;
            }
            Log.info("Test job completed");
            return 0;
        } finally {
            MDC.remove(QueueWorker.MDC_REQUEST_ID);
        }
    }

    private int fail(String id, String message) {
        MDC.put(QueueWorker.MDC_REQUEST_ID, id);
        try {
            out.println(new String(bodies.error("TestInputError", message, false), StandardCharsets.UTF_8));
            out.flush();
            Log.error(message);
            return 1;
        } finally {
            MDC.remove(QueueWorker.MDC_REQUEST_ID);
        }
    }
}
