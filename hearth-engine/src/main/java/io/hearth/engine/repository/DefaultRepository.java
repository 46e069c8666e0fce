package io.hearth.engine.repository;

import io.hearth.engine.target.BackupTarget;
import java.nio.file.Path;

abstract class DefaultRepository implements Repository {
    static Repository init(BackupTarget target, RepositorySettings settings, Path cacheRoot) {
        throw new UnsupportedOperationException("being written");
    }

    static Repository open(BackupTarget target, Path cacheRoot) {
        throw new UnsupportedOperationException("being written");
    }

    static Repository openOrInit(BackupTarget target, RepositorySettings settings, Path cacheRoot) {
        throw new UnsupportedOperationException("being written");
    }
}
