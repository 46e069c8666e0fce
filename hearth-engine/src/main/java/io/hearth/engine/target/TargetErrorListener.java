package io.hearth.engine.target;

import java.io.IOException;

/**
 * Told of every failed request to a target, so that whoever runs the engine can count them (the service exports
 * them as a metric). The engine itself keeps no counters; called on the failing thread, so keep it cheap.
 */
@FunctionalInterface
public interface TargetErrorListener {
    TargetErrorListener NONE = (operation, error, retried) -> {};

    /**
     * @param operation what failed: {@code put}, {@code get}, {@code stat}, {@code list}, {@code delete} or {@code clean}
     * @param retried true if the request is tried again, false if the error goes to the caller
     */
    void failed(String operation, IOException error, boolean retried);
}
