package io.hearth.service.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
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

    /** What the file looked like when it was last read (or last refused); the file key tells a replaced file. */
    private record Stamp(FileTime modified, long size, Object fileKey) {}

    private final Path file;
    private volatile Policy current;
    private volatile Stamp seen;

    private ReloadingPolicy(Path file, Policy current, Stamp seen) {
        this.file = file;
        this.current = current;
        this.seen = seen;
    }

    /** Reads the file now. @throws PolicyException when it cannot be used: a bad file stops the start. */
    public static ReloadingPolicy load(Path file) {
        Stamp stamp = stamp(file);
        return new ReloadingPolicy(file, PolicyFile.load(file), stamp);
    }

    @Override
    public Policy get() {
        Stamp now = stamp(file);
        if (!now.equals(seen)) {
            reload(now);
        }
        return current;
    }

    /** One request at a time reads a changed file; the others meanwhile use the rules in force. */
    private synchronized void reload(Stamp now) {
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

    /** A missing or unreadable file gets a stamp of its own, so its loss is reported once, and its return noticed. */
    private static Stamp stamp(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        } catch (IOException e) {
            return new Stamp(FileTime.fromMillis(0), -1, null);
        }
    }
}
