package io.hearth.service.config;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the service makes of some files (policy rules, TLS keys), made again when one of them changes, without a
 * restart: {@link #get()} looks at the files (a stat each) and loads again when any stamp differs from the last look.
 * Files that cannot be used keep what is in force and log the reason once per change; a fix is picked up by the next
 * look. The first load happens at once and its failure is thrown: a bad file stops the start.
 */
public final class ReloadingFile<T> implements Supplier<T> {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingFile.class);

    private final String what;
    private final List<Path> files;
    private final Supplier<T> loader;
    private volatile List<FileStamp> seen;
    private volatile T current;

    private ReloadingFile(String what, List<Path> files, Supplier<T> loader) {
        this.what = what;
        this.files = files;
        this.loader = loader;
        this.seen = stamps();
        this.current = loader.get();
    }

    /** Loads now with {@code loader}, which reads {@code files}; {@code what} names them in the log. */
    public static <T> ReloadingFile<T> load(String what, Supplier<T> loader, Path first, Path... more) {
        return new ReloadingFile<>(what, Stream.concat(Stream.of(first), Stream.of(more)).toList(), loader);
    }

    @Override
    public T get() {
        if (!stamps().equals(seen)) {
            reload();
        }
        return current;
    }

    /** One caller at a time loads a changed file; the others meanwhile get what is in force. */
    private synchronized void reload() {
        List<FileStamp> now = stamps();
        if (now.equals(seen)) {
            return;
        }
        seen = now;
        try {
            current = loader.get();
            LOG.info("{} changed: the new one is in force", what);
        } catch (RuntimeException e) {
            LOG.error("{} changed but cannot be used, the one in force stays: {}", what, e.getMessage());
        }
    }

    private List<FileStamp> stamps() {
        return files.stream().map(FileStamp::of).toList();
    }
}
