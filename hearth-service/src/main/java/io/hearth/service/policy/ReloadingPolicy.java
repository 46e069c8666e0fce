package io.hearth.service.policy;

import io.hearth.service.config.FileStamp;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of an {@code [oslo_policy] policy_file}, read again when the file changes, as oslo.policy does: every
 * {@link #get()} looks at the file's modification time and size (one stat, cheap beside a request) and reloads when
 * either differs from the last look. A new file that cannot be used keeps the rules in force and logs the reason,
 * once per version of the file; a fixed file is picked up by the next request.
 */
public final class ReloadingPolicy implements Supplier<Policy> {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingPolicy.class);

    private final Path file;
    private volatile Policy current;
    private volatile FileStamp seen;

    private ReloadingPolicy(Path file, Policy current, FileStamp seen) {
        this.file = file;
        this.current = current;
        this.seen = seen;
    }

    /** Reads the file now. @throws PolicyException when it cannot be used: a bad file stops the start. */
    public static ReloadingPolicy load(Path file) {
        FileStamp stamp = FileStamp.of(file);
        return new ReloadingPolicy(file, PolicyFile.load(file), stamp);
    }

    @Override
    public Policy get() {
        FileStamp now = FileStamp.of(file);
        if (!now.equals(seen)) {
            reload(now);
        }
        return current;
    }

    /** One request at a time reads a changed file; the others meanwhile use the rules in force. */
    private synchronized void reload(FileStamp now) {
        if (now.equals(seen)) {
            return;
        }
        seen = now;
        try {
            current = PolicyFile.load(file);
            LOG.info("policy file {} changed: its rules are in force now", file);
        } catch (PolicyException e) {
            LOG.error("policy file {} changed but cannot be used, the previous rules stay in force: {}", file, e.getMessage());
        }
    }
}
