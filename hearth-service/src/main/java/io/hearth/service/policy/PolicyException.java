package io.hearth.service.policy;

import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;

/** A policy file or rule that cannot be used; the message names the rule and what is wrong with it. */
public final class PolicyException extends HearthException {
    public PolicyException(String message) {
        super(ErrorCategory.BAD_INPUT, message);
    }

    public PolicyException(String message, Throwable cause) {
        super(ErrorCategory.BAD_INPUT, message, cause);
    }
}
