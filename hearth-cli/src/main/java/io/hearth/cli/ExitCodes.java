package io.hearth.cli;

import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.service.error.ServiceException;
import java.io.PrintWriter;
import java.sql.SQLException;
import picocli.CommandLine;

/**
 * The one place where errors become exit codes and messages: a {@link HearthException} or a {@link ServiceException}
 * (a bad configuration option, say) prints its message, which says what to change; a database that cannot be
 * reached prints the driver's reason; anything else prints as an internal error, with its stack trace.
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
            for (Throwable cause = exception; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
                if (cause instanceof HearthException hearth) {
                    return print(err, hearth.getMessage(), of(hearth.category()));
                }
                if (cause instanceof ServiceException service) {
                    return print(err, service.getMessage(), of(service.kind()));
                }
                if (cause instanceof SQLException sql) {
                    return print(err, "cannot use the database of [database] connection: " + sql.getMessage(),
                            of(ErrorCategory.UNAVAILABLE));
                }
            }
            err.println("error: " + exception);
            exception.printStackTrace(err);
            err.flush();
            return INTERNAL;
        });
        return commandLine;
    }

    private static int print(PrintWriter err, String message, int code) {
        err.println("error: " + message);
        err.flush();
        return code;
    }

    static int of(io.hearth.service.error.ErrorKind kind) {
        return switch (kind) {
            case BAD_REQUEST, NOT_ACCEPTABLE, NOT_SUPPORTED -> of(ErrorCategory.BAD_INPUT);
            case NOT_FOUND -> of(ErrorCategory.NOT_FOUND);
            case CONFLICT, OVER_LIMIT -> of(ErrorCategory.CONFLICT);
            case UNAVAILABLE -> of(ErrorCategory.UNAVAILABLE);
            case UNAUTHORIZED, FORBIDDEN, INTERNAL -> INTERNAL;
        };
    }
}
