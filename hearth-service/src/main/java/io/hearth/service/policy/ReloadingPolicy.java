package io.hearth.service.policy;

import io.hearth.service.config.ReloadingFile;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The rules of an {@code [oslo_policy] policy_file}, read again when the file changes, as oslo.policy does (one stat
 * per look, cheap beside a request). A new file that cannot be used keeps the rules in force and logs the reason, once
 * per version of the file; a fixed file is picked up by the next request.
 */
public final class ReloadingPolicy implements Supplier<Policy> {
    private final ReloadingFile<Policy> rules;

    private ReloadingPolicy(ReloadingFile<Policy> rules) {
        this.rules = rules;
    }

    /** Reads the file now. @throws PolicyException when it cannot be used: a bad file stops the start. */
    public static ReloadingPolicy load(Path file) {
        return new ReloadingPolicy(ReloadingFile.load("policy file " + file, () -> PolicyFile.load(file), file));
    }

    @Override
    public Policy get() {
        return rules.get();
    }
}
