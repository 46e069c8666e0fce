package io.hearth.engine.repository;

import io.hearth.engine.HearthException;

/** The repository format versions this code reads and writes. */
public final class FormatVersion {
    /** The version written by this code, described in docs/repository-format.md. */
    public static final int CURRENT = 1;

    private FormatVersion() {}

    public static void require(int version) {
        if (version != CURRENT) {
            throw HearthException.badInput("repository format version " + version
                    + " is not supported by this Hearth (it reads version " + CURRENT + "); use a Hearth release that knows it");
        }
    }
}
