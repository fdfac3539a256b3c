package com.ffs.validator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code bulk} subcommand from options to exit status: opens the input and the output (resuming it), waits for
 * the backend to be ready, runs, and prints progress and the summary. Failures end with a one-line reason.
 */
final class BulkCommand {

    static final Duration IMAGE_RETRY_DELAY = Duration.ofSeconds(1);
    static final Duration BATCH_BACKOFF_START = Duration.ofMillis(500);

    /** Waits until the backend can take requests (models loaded), or fails saying why. */
    interface Readiness {
        void await(StopSignal stop, Progress progress) throws CliFailure, InterruptedException;
    }

    private final BulkOptions options;
    private final ObjectMapper mapper;
    private final InputStream stdin;
    private final PrintStream err;
    private final LongSupplier nanoTime;
    private final boolean bar;
    private final Duration imageRetryDelay;
    private final Duration batchBackoffStart;

    BulkCommand(BulkOptions options, ObjectMapper mapper, InputStream stdin, PrintStream err, boolean terminal,
            Duration imageRetryDelay, Duration batchBackoffStart) {
        this.options = options;
        this.mapper = mapper;
        this.stdin = stdin;
        this.err = err;
        this.nanoTime = System::nanoTime;
        this.bar = options.progress() == BulkOptions.ProgressMode.BAR
                || options.progress() == BulkOptions.ProgressMode.AUTO && terminal;
        this.imageRetryDelay = imageRetryDelay;
        this.batchBackoffStart = batchBackoffStart;
    }

    /**
     * The mapper for answers from an endpoint: decimals are kept as the service wrote them (as big decimals, not
     * doubles), so scores and float32 embeddings reach the output digit for digit.
     */
    static ObjectMapper remoteMapper() {
        return new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /** The backend an endpoint option names. */
    static Backend remote(BulkOptions options, ObjectMapper mapper) {
        BulkOptions.Endpoint endpoint = options.endpoint().orElseThrow();
        boolean runpod = endpoint.kind() == BulkOptions.Endpoint.Kind.RUNPOD;
        String describe = runpod ? RunPodEndpoint.describe(endpoint.base()) : NativeEndpoint.describe(endpoint.base());
        HttpJson http = new HttpJson(mapper, options.apiKey(), options.requestTimeout(), describe,
                ZonedDateTime::now);
        return runpod ? new RunPodEndpoint(endpoint.base(), options.ask(), http, options.giveUpAfter())
                : new NativeEndpoint(endpoint.base(), options.ask(), http);
    }

    /** Runs to the end and returns the exit status; {@code backend} is closed. */
    int execute(Backend backend, StopSignal stop, Readiness readiness) {
        try (backend) {
            return run(backend, stop, readiness);
        } catch (CliFailure e) {
            err.println(e.getMessage());
            return e.exitCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("bulk: interrupted");
            return ExitCodes.INTERRUPTED;
        } catch (IOException e) {
            err.println("bulk: " + e.getMessage());
            return ExitCodes.INCOMPLETE;
        }
    }

    private int run(Backend backend, StopSignal stop, Readiness readiness)
            throws CliFailure, InterruptedException, IOException {
        Tally tally = new Tally();
        try (InputReader input = InputReader.open(options.input(), options.format(), stdin, mapper)) {
            long total = options.input().equals("-") ? -1 : InputReader.count(options.input(), input.format());
            ResultsFile output = ResultsFile.open(options.output(), tally);
            Progress progress = new Progress(err, bar, tally, total, nanoTime);
            output.resumed().notes().forEach(n -> err.println("bulk: " + n));
            if (tally.lines() > 0) {
                err.println("bulk: resuming: " + tally.lines() + " input(s) already have a line in "
                        + options.output());
            }
            try {
                readiness.await(stop, progress);
            } catch (CliFailure | InterruptedException e) {
                output.close();
                throw e;
            }
            if (stop.stopped()) {
                output.close();
                err.println("bulk: " + stop.reason());
                return stop.exitCode();
            }
            err.println("bulk: " + (total >= 0 ? total + " inputs" : "reading standard input") + ", "
                    + options.ask().describe() + ", requests of up to " + options.batch() + " images, " + options.concurrency()
                    + " in flight, to " + backend.describe());
            BulkRun run = new BulkRun(options, backend, mapper, tally, stop, progress::note, nanoTime,
                    imageRetryDelay, batchBackoffStart);
            progress.start();
            int code;
            try {
                code = run.run(input, output);
            } finally {
                progress.close();
            }
            err.println(progress.summary(run.inputs()));
            err.println("bulk: results in " + options.output() + (code == ExitCodes.OK ? ""
                    : "; run the same command again to continue"));
            return code;
        }
    }
}
