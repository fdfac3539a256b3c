package com.ffs.validator.cli;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.Dependent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.ffs.validator.validation.ValidationService;

import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.QuarkusApplication;

/**
 * {@code bulk} without an endpoint: Quarkus started with its HTTP and management ports off (see {@link CliMain}),
 * the models loaded as the service loads them, and every request through {@link ValidationService}.
 */
@Dependent
@Unremovable
public class InProcessBulk implements QuarkusApplication {

    private static final Duration READY_POLL = Duration.ofMillis(100);

    private final ValidationService service;
    private final ObjectMapper mapper;

    public InProcessBulk(ValidationService service, ObjectMapper mapper) {
        this.service = service;
        this.mapper = mapper;
    }

    @Override
    public int run(String... args) {
        BulkOptions options;
        try {
            options = BulkOptions.parse(BulkOptions.COMMAND.parse(List.of(args).subList(1, args.length)),
                    System.getenv());
        } catch (CliFailure e) {
            System.err.println(e.getMessage());
            return e.exitCode();
        }
        StopSignal stop = new StopSignal();
        stop.handleSignals(System.err, options.drainTimeout());
        BulkCommand command = new BulkCommand(options, mapper, System.in, System.err, Progress.terminal(),
                BulkCommand.IMAGE_RETRY_DELAY, BulkCommand.BATCH_BACKOFF_START);
        return command.execute(new InProcessBackend(service, mapper, options.ask()), stop, this::awaitModels);
    }

    /** Waits for the models the service loads at start-up; fails with the reason when they cannot load. */
    void awaitModels(StopSignal stop, Progress progress) throws CliFailure, InterruptedException {
        boolean told = false;
        while (!service.ready()) {
            Optional<String> failure = service.failure();
            if (failure.isPresent()) {
                throw new CliFailure(ExitCodes.UNAVAILABLE, "bulk: the models failed to load: " + failure.get());
            }
            if (!told) {
                progress.note("bulk: loading models");
                told = true;
            }
            if (stop.await(READY_POLL)) {
                return;
            }
        }
    }
}
