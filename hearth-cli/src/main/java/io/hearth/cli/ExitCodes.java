package io.hearth.cli;

import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one place where errors become exit codes and messages: a {@link HearthException} prints its
 * message (which says what to change), anything else prints as an internal error.
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int INTERNAL = 1;
    public static final int USAGE = 2;

    private ExitCodes() {}

    public static int of(ErrorCategory category) {
        return switch (category) {
            case BAD_INPUT -> 2;
            case NOT_FOUND -> 3;
            case CONFLICT -> 4;
            case CORRUPT -> 5;
            case UNAVAILABLE -> 6;
            case INTERNAL -> 1;
        };
    }

    public static CommandLine configure(CommandLine commandLine) {
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            PrintWriter err = line.getErr();
            Throwable cause = exception;
            while (!(cause instanceof HearthException) && cause.getCause() != null && cause != cause.getCause()) {
                cause = cause.getCause();
            }
            if (cause instanceof HearthException hearth) {
                err.println("error: " + hearth.getMessage());
                err.flush();
                return of(hearth.category());
            }
            err.println("error: " + exception);
            exception.printStackTrace(err);
            err.flush();
            return INTERNAL;
        });
        return commandLine;
    }
}
