package io.hearth.engine.target;

import io.hearth.engine.HearthException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The targets this process can open, found through {@link java.util.ServiceLoader}: one {@link TargetFactory} per
 * URL scheme. Adding a target is adding a module to the class path; nothing here names one, but for the local
 * directory, which the engine itself provides.
 */
public final class BackupTargets {
    private final Map<String, TargetFactory> local;
    private final Supplier<List<TargetFactory>> search;
    private volatile Map<String, TargetFactory> byScheme;

    public BackupTargets(List<TargetFactory> factories) {
        this(Map.of(), () -> factories);
    }

    BackupTargets(Map<String, TargetFactory> local, Supplier<List<TargetFactory>> search) {
        this.local = local;
        this.search = search;
    }

    /**
     * The targets on the class path. The search for them runs when a location needs one other than a local directory:
     * it reads every jar of the class path, which a short command on a local repository would pay for at each start.
     */
    public static BackupTargets installed() {
        TargetFactory posix = new PosixTargetFactory();
        return new BackupTargets(Map.of(posix.scheme(), posix),
                () -> ServiceLoader.load(TargetFactory.class).stream().map(ServiceLoader.Provider::get).toList());
    }

    private Map<String, TargetFactory> byScheme() {
        Map<String, TargetFactory> found = byScheme;
        if (found == null) {
            Map<String, TargetFactory> map = new TreeMap<>();
            for (TargetFactory factory : search.get()) {
                TargetFactory previous = map.put(factory.scheme(), factory);
                if (previous != null) {
                    throw new IllegalStateException("two targets claim the scheme " + factory.scheme() + ": "
                            + previous.getClass().getName() + " and " + factory.getClass().getName());
                }
            }
            found = Map.copyOf(map);
            byScheme = found;
        }
        return found;
    }

    /** Opens the target a URL (or a local path) names. */
    public BackupTarget open(String location, TargetOptions options) throws IOException {
        return open(TargetLocation.parse(location), options);
    }

    public BackupTarget open(TargetLocation location, TargetOptions options) throws IOException {
        return open(location, options, TargetErrorListener.NONE);
    }

    /** Opens the target, telling {@code errors} of every failed request. */
    public BackupTarget open(TargetLocation location, TargetOptions options, TargetErrorListener errors) throws IOException {
        TargetFactory factory = local.get(location.scheme());
        if (factory == null) {
            factory = byScheme().get(location.scheme());
        }
        if (factory == null) {
            throw HearthException.badInput("repository URL scheme '" + location.scheme() + "' is not supported; supported: "
                    + String.join(", ", byScheme().keySet()));
        }
        return factory.open(location, options, errors);
    }

    /** The location that cinder's {@code backup_driver} and that driver's own options name. */
    public TargetLocation locationForDriver(String backupDriver, TargetOptions options) {
        return byScheme().values().stream()
                .filter(factory -> factory.cinderDrivers().contains(backupDriver) || factory.scheme().equals(backupDriver))
                .findFirst()
                .orElseThrow(() -> HearthException.badInput("backup_driver = " + backupDriver + " is not known; use one of "
                        + byScheme().values().stream().map(f -> f.cinderDrivers().getFirst()).sorted().collect(Collectors.joining(", "))))
                .locationFromOptions(options);
    }
}
