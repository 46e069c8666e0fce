package io.hearth.engine.repository;

import io.hearth.engine.crypto.KeyInfo;
import io.hearth.engine.crypto.RepositorySecret;
import io.hearth.engine.ProgressListener;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.gc.GcReport;
import io.hearth.engine.restore.RestoreResult;
import io.hearth.engine.restore.RestoreSink;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.verify.VerifyReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A backup repository on one target: the engine's front door. Everything a backup needs to be
 * listed, verified and restored is in the repository; no database is involved.
 *
 * <p>Thread-safe: several backups, restores and deletes may run at once, also from several
 * processes or hosts sharing the target. Garbage collection runs beside them safely (see the
 * locking table in {@code io.hearth.engine.gc}).
 *
 * <p>Failures are {@link io.hearth.engine.HearthException}s whose category says what kind
 * (bad input, not found, conflict, corrupt, unavailable).
 */
public interface Repository extends AutoCloseable {

    /** Creates a repository on an empty target. Fails with CONFLICT if the target already holds one. */
    static Repository init(BackupTarget target, RepositorySettings settings, Path cacheRoot) {
        return init(target, settings, cacheRoot, new RepositorySecret.None());
    }

    /**
     * Creates a repository, encrypted unless {@code secret} is {@link RepositorySecret.None}: a new random repository
     * key, wrapped by the passphrase or key file, seals every blob and manifest.
     */
    static Repository init(BackupTarget target, RepositorySettings settings, Path cacheRoot, RepositorySecret secret) {
        return DefaultRepository.init(target, settings, cacheRoot, secret);
    }

    /** Opens the repository on the target. Fails with NOT_FOUND if there is none, BAD_INPUT for an unknown format version. */
    static Repository open(BackupTarget target, Path cacheRoot) {
        return open(target, cacheRoot, new RepositorySecret.None());
    }

    /** Opens a repository; an encrypted one needs the secret of one of its keys (BAD_INPUT otherwise). */
    static Repository open(BackupTarget target, Path cacheRoot, RepositorySecret secret) {
        return DefaultRepository.open(target, cacheRoot, secret);
    }

    /** Opens the repository, creating it with {@code settings} if the target holds none yet. */
    static Repository openOrInit(BackupTarget target, RepositorySettings settings, Path cacheRoot) {
        return openOrInit(target, settings, cacheRoot, new RepositorySecret.None());
    }

    static Repository openOrInit(BackupTarget target, RepositorySettings settings, Path cacheRoot, RepositorySecret secret) {
        return DefaultRepository.openOrInit(target, settings, cacheRoot, secret);
    }

    RepositoryConfig config();

    BackupTarget target();

    /**
     * Backs up the request's source. Blocks the repository already has are not stored again; with
     * changed ranges only those are read. The manifest is written last, so a failed backup leaves
     * nothing but unreferenced packs for gc.
     *
     * @return the committed manifest (with the figures of what it cost in {@code stats})
     */
    BackupManifest backup(BackupRequest request, ProgressListener progress);

    /**
     * Restores a backup into {@code target}, a regular file (created or truncated to the backup's
     * size, all-zero blocks left as holes) or a block device (zero blocks written as zeros).
     * Every block is verified against its id; a mismatch fails naming the backup and the offset.
     */
    RestoreResult restore(String backupId, Path target, ProgressListener progress);

    /**
     * Restores a backup into {@code sink} (an NBD export, say) without staging it anywhere: data blocks are written,
     * runs of zero blocks become {@link RestoreSink#zero} calls, and the sink is flushed at the end. A backup larger
     * than the sink's capacity is refused before anything is written.
     */
    RestoreResult restore(String backupId, RestoreSink sink, ProgressListener progress);

    /** Every committed backup, oldest first. */
    List<BackupManifest> listBackups();

    Optional<BackupManifest> findBackup(String backupId);

    /** Deletes a backup's manifest (its blocks stay until gc). Returns false if there was none. */
    boolean deleteBackup(String backupId);

    /**
     * Makes a backup known again from its manifest (for import after the database was lost, or into a
     * repository whose manifest was removed): checks that every block it names is in the repository,
     * then writes the manifest if it is absent. Fails with CORRUPT naming what is missing.
     */
    BackupManifest importManifest(BackupManifest manifest);

    /**
     * Checks one backup (or all): the block list is readable, and every block is indexed and its pack
     * exists; with {@code readData} every block is read and its hash checked.
     */
    VerifyReport verify(Optional<String> backupId, boolean readData, ProgressListener progress);

    /** Removes packs no backup references and that are older than {@code grace}; safe beside running backups. */
    GcReport gc(Duration grace);

    /** Rebuilds the index from the pack headers; returns the number of entries indexed. */
    long rebuildIndex();

    /** The keys of an encrypted repository (empty for an unencrypted one). */
    List<KeyInfo> listKeys();

    /** Lets {@code secret} open this encrypted repository too; returns the new key's id. No data is rewritten. */
    String addKey(RepositorySecret secret);

    /** Removes a key; the last one is refused (CONFLICT). */
    void removeKey(String keyId);

    @Override
    void close();
}
