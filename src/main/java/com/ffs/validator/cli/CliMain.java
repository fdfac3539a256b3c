package com.ffs.validator.cli;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The jar's entry point. With no subcommand it starts the service as always; {@code calibrate} runs as plain Java
 * (no models, no port); {@code bulk --endpoint} is a plain HTTP client; {@code bulk} without an endpoint starts
 * Quarkus with both HTTP listeners and the RunPod worker off, and runs the models in this process.
 */
@QuarkusMain
public final class CliMain {

    /**
     * Settings of an in-process {@code bulk} run, over any configuration: no HTTP or management listener (the
     * management interface is enabled at build time, so its listener is turned off at run time), no RunPod worker
     * (the runpod profile would poll for jobs), and model failures reported by the command instead of ending the
     * process.
     */
    static final Map<String, String> IN_PROCESS_SETTINGS = Map.of(
            "quarkus.http.host-enabled", "false",
            "quarkus.management.host-enabled", "false",
            "validator.runpod.worker", "false",
            "validator.models.exit-on-failure", "false");

    CliMain() {
    }

    public static void main(String... args) {
        String command = args.length > 0 ? args[0] : "";
        switch (command) {
            case "calibrate" -> System.exit(Calibrate.run(List.of(args).subList(1, args.length), System.out,
                    System.err));
            case "bulk" -> bulk(args);
            default -> Quarkus.run(args);
        }
    }

    private static void bulk(String... args) {
        BulkOptions options;
        try {
            CommandLine.Parsed parsed = BulkOptions.COMMAND.parse(Arrays.asList(args).subList(1, args.length));
            if (parsed.help()) {
                System.out.print(BulkOptions.COMMAND.help());
                System.exit(ExitCodes.OK);
            }
            options = BulkOptions.parse(parsed, System.getenv());
            if (!options.input().equals("-")) {
                // An unusable input fails now, before any model loads.
                InputReader.open(options.input(), options.format(), System.in, new ObjectMapper()).close();
            }
        } catch (CliFailure e) {
            System.err.println(e.getMessage());
            System.exit(e.exitCode());
            return;
        } catch (IOException e) {
            System.err.println("bulk: cannot read the input: " + e.getMessage());
            System.exit(ExitCodes.USAGE);
            return;
        }
        if (options.endpoint().isPresent()) {
            ObjectMapper mapper = BulkCommand.remoteMapper();
            StopSignal stop = new StopSignal();
            stop.handleSignals(System.err, options.drainTimeout());
            BulkCommand command = new BulkCommand(options, mapper, System.in, System.err, Progress.terminal(),
                    BulkCommand.IMAGE_RETRY_DELAY, BulkCommand.BATCH_BACKOFF_START);
            System.exit(command.execute(BulkCommand.remote(options, mapper), stop, (s, p) -> {
            }));
            return;
        }
        IN_PROCESS_SETTINGS.forEach(System::setProperty);
        Quarkus.run(InProcessBulk.class, (code, failure) -> {
            if (failure != null) {
                Throwable root = failure;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                System.err.println("bulk: the service could not start: " + root.getMessage());
                System.exit(ExitCodes.UNAVAILABLE);
            }
            System.exit(code);
        }, args);
    }
}
