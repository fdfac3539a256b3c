package com.ffs.validator.cli;

/** Ends a subcommand with an exit status and a one-line reason for the user. */
final class CliFailure extends Exception {

    private final int exitCode;

    CliFailure(int exitCode, String reason) {
        super(reason, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
