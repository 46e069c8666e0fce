package io.hearth.cli.repo;

import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.engine.crypto.RepositorySecret;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.repository.RepositorySettings;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.BackupTargets;
import io.hearth.engine.target.TargetLocation;
import io.hearth.engine.target.TargetOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every {@code repo} command shares: where the repository is, where to cache, how to print. */
public final class RepoOptions {
    @Option(names = "--repo", required = true, paramLabel = "URL", description = "The repository: a directory, file:///path, s3://bucket/prefix, swift://container/prefix, "
            + "gs://bucket/prefix, nfs://host/export/path or rados://pool/prefix (the targets on the class path).")
    String repo;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Local cache of the repository index (default: $XDG_CACHE_HOME/hearth or ~/.cache/hearth).")
    Path cacheDir;

    @Option(names = "--json", description = "Print one JSON object instead of text; no progress bar.")
    boolean json;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "Key of an encrypted repository: 32 bytes as 64 hex digits or base64 (else the passphrase in $HEARTH_REPO_PASSWORD).")
    Path keyFile;

    /** The key file if given, else the passphrase from the environment, else none. */
    RepositorySecret secret() {
        if (keyFile != null) {
            return RepositorySecret.fromKeyFile(keyFile);
        }
        String passphrase = System.getenv("HEARTH_REPO_PASSWORD");
        return passphrase == null || passphrase.isEmpty() ? new RepositorySecret.None() : new RepositorySecret.Passphrase(passphrase);
    }

    /** The repository's location, checked; a plain path is a local directory. */
    TargetLocation location() {
        return TargetLocation.parse(repo);
    }

    Path cacheRoot() {
        if (cacheDir != null) {
            return cacheDir;
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("hearth");
    }

    BackupTarget target(boolean mustExist) {
        TargetLocation location = location();
        if (mustExist && location.scheme().equals("file") && !Files.isDirectory(Path.of(location.path()))) {
            throw HearthException.notFound("there is no repository at " + location.path() + " (run 'hearth repo init --repo "
                    + location.path() + "' first)");
        }
        try {
            // Credentials and endpoints come from environment variables named as cinder.conf's options, in upper case.
            return BackupTargets.installed().open(location, TargetOptions.fromEnvironment(System.getenv()));
        } catch (IOException e) {
            throw new HearthException(ErrorCategory.UNAVAILABLE, "cannot open the repository at " + location + ": " + e.getMessage(), e);
        }
    }

    Repository open() {
        return Repository.open(target(true), cacheRoot(), secret());
    }

    Repository init(RepositorySettings settings, RepositorySecret secret) {
        return Repository.init(target(false), settings, cacheRoot(), secret);
    }
}
