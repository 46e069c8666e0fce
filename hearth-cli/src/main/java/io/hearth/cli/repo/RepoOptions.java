package io.hearth.cli.repo;

import io.hearth.engine.HearthException;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.repository.RepositorySettings;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.PosixTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every {@code repo} command shares: where the repository is, where to cache, how to print. */
public final class RepoOptions {
    @Option(names = "--repo", required = true, paramLabel = "PATH", description = "The repository: a directory (or file:///path).")
    String repo;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Local cache of the repository index (default: $XDG_CACHE_HOME/hearth or ~/.cache/hearth).")
    Path cacheDir;

    @Option(names = "--json", description = "Print one JSON object instead of text; no progress bar.")
    boolean json;

    Path repositoryPath() {
        String location = repo.startsWith("file://") ? repo.substring("file://".length()) : repo;
        if (location.contains("://")) {
            throw HearthException.badInput("repository '" + repo + "': only local directories (PATH or file:///PATH) are supported so far");
        }
        return Path.of(location);
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
        Path path = repositoryPath();
        if (mustExist && !Files.isDirectory(path)) {
            throw HearthException.notFound("there is no repository at " + path + " (run 'hearth repo init --repo " + path + "' first)");
        }
        try {
            return new PosixTarget(path);
        } catch (IOException e) {
            throw HearthException.badInput("cannot use " + path + " as a repository: " + e.getMessage());
        }
    }

    Repository open() {
        return Repository.open(target(true), cacheRoot());
    }

    Repository init(RepositorySettings settings) {
        return Repository.init(target(false), settings, cacheRoot());
    }
}
