package com.ffs.validator.cli;

/** The exit statuses of the subcommands, as their {@code --help} and the docs list them. */
final class ExitCodes {

    /** Done: every input has its line (per-image errors included), or calibration printed. */
    static final int OK = 0;
    /** The run ended without a line for every input (see the summary). */
    static final int INCOMPLETE = 1;
    /** Bad options, an unreadable or unusable input file, or an output file that belongs to other input. */
    static final int USAGE = 2;
    /** The endpoint refused the API key (401 or 403). */
    static final int REFUSED = 3;
    /** The endpoint stayed unreachable or refused the requests, or the models failed to load. */
    static final int UNAVAILABLE = 4;
    /** Stopped by SIGINT (Ctrl-C), after requests in flight were written. */
    static final int INTERRUPTED = 130;
    /** Stopped by SIGTERM, after requests in flight were written. */
    static final int TERMINATED = 143;

    private ExitCodes() {
    }

    /** The lines {@code --help} prints about exit statuses. */
    static String help() {
        return """
                Exit status:
                  0    every input has a line in the output (per-image errors included)
                  1    the run ended without a line for every input (see the summary)
                  2    bad options, an unusable input file, or an output file written for other input
                  3    the endpoint refused the API key
                  4    the endpoint stayed unreachable or refused the requests, or the models failed to load
                  130  stopped by Ctrl-C (SIGINT); 143 stopped by SIGTERM; lines written so far are complete
                """;
    }
}
