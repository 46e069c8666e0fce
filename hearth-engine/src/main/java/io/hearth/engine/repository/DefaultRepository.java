package io.hearth.engine.repository;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.engine.ProgressListener;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.backup.BackupWriter;
import io.hearth.engine.block.BlobFormat;
import io.hearth.engine.crypto.KeyInfo;
import io.hearth.engine.crypto.KeyVault;
import io.hearth.engine.crypto.RepositoryKey;
import io.hearth.engine.crypto.RepositorySecret;
import io.hearth.engine.gc.GarbageCollector;
import io.hearth.engine.gc.GcReport;
import io.hearth.engine.gc.PendingDeletions;
import io.hearth.engine.index.IndexRebuilder;
import io.hearth.engine.index.RepositoryIndex;
import io.hearth.engine.lock.LockManager;
import io.hearth.engine.pack.BlobReader;
import io.hearth.engine.restore.RestoreResult;
import io.hearth.engine.restore.RestoreSink;
import io.hearth.engine.restore.Restorer;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.ObjectInfo;
import io.hearth.engine.target.ObjectNotFoundException;
import io.hearth.engine.verify.Verifier;
import io.hearth.engine.verify.VerifyReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The repository on a target, wiring the engine's parts together. */
final class DefaultRepository implements Repository {
    static final String CONFIG_KEY = "config";
    static final String BACKUPS_PREFIX = "backups/";
    private static final Pattern BACKUP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final BackupTarget target;
    private final RepositoryConfig config;
    private final Path cacheDirectory;
    private final ObjectMapper json = RepositoryJson.mapper();
    private final LockManager locks;
    private final PendingDeletions pending;
    private final int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private final BlobFormat format;
    /** The unwrapped key of an encrypted repository, for adding key files; null for a plain one. */
    private final RepositoryKey key;
    private final SecureRandom random;

    private DefaultRepository(BackupTarget target, RepositoryConfig config, Path cacheRoot, RepositoryKey key, SecureRandom random) {
        this.target = target;
        this.config = config;
        this.key = key;
        this.random = random;
        this.format = key == null ? BlobFormat.plain() : BlobFormat.encrypted(key, random);
        this.cacheDirectory = cacheRoot.resolve(config.id()).resolve("index");
        this.locks = new LockManager(target, json, Clock.systemUTC(), Duration.ofMinutes(1), Duration.ofMinutes(5));
        this.pending = new PendingDeletions(target, json);
    }

    static Repository init(BackupTarget target, RepositorySettings settings, Path cacheRoot, RepositorySecret secret) {
        requireNonNull(target, "target is null");
        requireNonNull(settings, "settings is null");
        requireNonNull(secret, "secret is null");
        ObjectMapper json = RepositoryJson.mapper();
        boolean encrypted = !(secret instanceof RepositorySecret.None);
        RepositoryConfig config = new RepositoryConfig(FormatVersion.CURRENT, UUID.randomUUID().toString(), settings.blockSize(),
                settings.packSize(), encrypted ? RepositoryConfig.HMAC_SHA256 : RepositoryConfig.SHA256, settings.compression().configName(),
                settings.compressionLevel(), Instant.now(), encrypted ? RepositoryConfig.AES_256_GCM : null);
        SecureRandom random = new SecureRandom();
        RepositoryKey key = encrypted ? RepositoryKey.generate(random) : null;
        String keyId = null;
        try {
            if (encrypted) {
                // The key file first: the config is the commit point, and an encrypted repository without a key is lost.
                keyId = new KeyVault(target, json, config.id(), random).add(key, secret);
            }
            if (!target.putIfAbsent(CONFIG_KEY, ByteBuffer.wrap(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(config)))) {
                if (keyId != null) {
                    target.delete("keys/" + keyId + ".json");
                }
                throw new HearthException(ErrorCategory.CONFLICT, "a repository already exists at " + target.properties().location());
            }
        } catch (IOException e) {
            throw unavailable("cannot create the repository at " + target.properties().location(), e);
        }
        return new DefaultRepository(target, config, cacheRoot, key, random);
    }

    static Repository open(BackupTarget target, Path cacheRoot, RepositorySecret secret) {
        requireNonNull(target, "target is null");
        ObjectMapper json = RepositoryJson.mapper();
        RepositoryConfig config;
        try (InputStream in = target.get(CONFIG_KEY)) {
            config = json.readValue(in, RepositoryConfig.class);
        } catch (ObjectNotFoundException e) {
            throw HearthException.notFound("there is no repository at " + target.properties().location() + " (run 'hearth repo init' first)");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw HearthException.corrupt("the repository config at " + target.properties().location() + " is unreadable: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw unavailable("cannot read the repository at " + target.properties().location(), e);
        }
        config.validate();
        SecureRandom random = new SecureRandom();
        RepositoryKey key = null;
        if (config.isEncrypted()) {
            try {
                key = new KeyVault(target, json, config.id(), random).unlock(secret);
            } catch (IOException e) {
                throw unavailable("cannot read the keys of the repository at " + target.properties().location(), e);
            }
        }
        return new DefaultRepository(target, config, cacheRoot, key, random);
    }

    static Repository openOrInit(BackupTarget target, RepositorySettings settings, Path cacheRoot, RepositorySecret secret) {
        try {
            return open(target, cacheRoot, secret);
        } catch (HearthException e) {
            if (e.category() != ErrorCategory.NOT_FOUND) {
                throw e;
            }
            try {
                return init(target, settings, cacheRoot, secret);
            } catch (HearthException raced) {
                if (raced.category() == ErrorCategory.CONFLICT) {
                    return open(target, cacheRoot, secret);
                }
                throw raced;
            }
        }
    }

    static HearthException unavailable(String message, IOException cause) {
        return new HearthException(ErrorCategory.UNAVAILABLE, message + ": " + cause.getMessage(), cause);
    }

    static String checkBackupId(String id) {
        if (id == null || !BACKUP_ID.matcher(id).matches()) {
            throw HearthException.badInput("invalid backup id '" + id + "': use letters, digits, '.', '_' and '-' (at most 128)");
        }
        return id;
    }

    @Override
    public RepositoryConfig config() {
        return config;
    }

    @Override
    public BackupTarget target() {
        return target;
    }

    RepositoryIndex loadIndex(Set<io.hearth.engine.pack.PackId> excluded) throws IOException {
        return RepositoryIndex.load(target, cacheDirectory, excluded);
    }

    @Override
    public BackupManifest backup(BackupRequest request, ProgressListener progress) {
        checkBackupId(request.backupId());
        Optional<BackupManifest> parent = request.parentId().map(id -> findBackup(checkBackupId(id))
                .orElseThrow(() -> HearthException.notFound("parent backup " + id + " does not exist in this repository")));
        if (findBackup(request.backupId()).isPresent()) {
            throw new HearthException(ErrorCategory.CONFLICT, "backup " + request.backupId() + " already exists in this repository");
        }
        BackupWriter writer = new BackupWriter(target, config, format, json, locks, pending, cacheDirectory, threads);
        try {
            return writer.write(request, parent, progress);
        } catch (IOException e) {
            throw unavailable("backup " + request.backupId() + " failed", e);
        }
    }

    @Override
    public RestoreResult restore(String backupId, Path targetPath, ProgressListener progress) {
        BackupManifest manifest = existingBackup(backupId);
        if (java.nio.file.Files.isDirectory(targetPath)) {
            throw HearthException.badInput("restore target " + targetPath + " is a directory; name a file or a block device");
        }
        Path parentDirectory = targetPath.toAbsolutePath().getParent();
        if (parentDirectory != null && !java.nio.file.Files.isDirectory(parentDirectory)) {
            throw HearthException.badInput("restore target " + targetPath + ": directory " + parentDirectory + " does not exist");
        }
        try (RepositoryIndex index = loadIndex(Set.of());
                BlobReader pages = new BlobReader(target, format)) {
            return new Restorer(target, format, index, index.pages(pages, manifest.id()), threads).restore(manifest, targetPath, progress);
        } catch (IOException e) {
            throw unavailable("restore of backup " + backupId + " failed", e);
        }
    }

    @Override
    public RestoreResult restore(String backupId, RestoreSink sink, ProgressListener progress) {
        BackupManifest manifest = existingBackup(backupId);
        try (RepositoryIndex index = loadIndex(Set.of());
                BlobReader pages = new BlobReader(target, format)) {
            return new Restorer(target, format, index, index.pages(pages, manifest.id()), threads).restore(manifest, sink, progress);
        } catch (IOException e) {
            throw unavailable("restore of backup " + backupId + " to " + sink.description() + " failed", e);
        }
    }

    private BackupManifest existingBackup(String backupId) {
        return findBackup(checkBackupId(backupId))
                .orElseThrow(() -> HearthException.notFound("backup " + backupId + " does not exist in this repository"));
    }

    @Override
    public List<BackupManifest> listBackups() {
        List<String> keys;
        try (Stream<ObjectInfo> listing = target.list(BACKUPS_PREFIX)) {
            keys = listing.map(ObjectInfo::key).filter(key -> key.endsWith(".json")).toList();
        } catch (IOException e) {
            throw unavailable("cannot list backups", e);
        }
        List<BackupManifest> manifests = new ArrayList<>();
        for (String key : keys) {
            String id = key.substring(BACKUPS_PREFIX.length(), key.length() - ".json".length());
            findBackup(id).ifPresent(manifests::add);
        }
        manifests.sort(Comparator.comparing(BackupManifest::createdAt).thenComparing(BackupManifest::id));
        return manifests;
    }

    @Override
    public Optional<BackupManifest> findBackup(String backupId) {
        checkBackupId(backupId);
        try (InputStream in = target.get(BackupManifest.key(backupId))) {
            return Optional.of(json.readValue(format.openObject(in.readAllBytes(), "the manifest of backup " + backupId),
                    BackupManifest.class));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw HearthException.corrupt("the manifest of backup " + backupId + " is unreadable: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw unavailable("cannot read backup " + backupId, e);
        }
    }

    @Override
    public boolean deleteBackup(String backupId) {
        String key = BackupManifest.key(checkBackupId(backupId));
        try {
            if (target.stat(key).isEmpty()) {
                return false;
            }
            target.delete(key);
            return true;
        } catch (IOException e) {
            throw unavailable("cannot delete backup " + backupId, e);
        }
    }

    @Override
    public BackupManifest importManifest(BackupManifest manifest) {
        checkBackupId(manifest.id());
        if (manifest.formatVersion() != FormatVersion.CURRENT) {
            FormatVersion.require(manifest.formatVersion());
        }
        if (manifest.blockSize() != config.blockSize()) {
            throw HearthException.badInput("backup " + manifest.id() + " has block size " + manifest.blockSize()
                    + " but this repository uses " + config.blockSize() + ": it belongs to another repository");
        }
        Optional<BackupManifest> existing = findBackup(manifest.id());
        if (existing.isPresent()) {
            if (!existing.get().blockListRoot().equals(manifest.blockListRoot())) {
                throw new HearthException(ErrorCategory.CONFLICT, "backup " + manifest.id() + " exists in the repository with other content");
            }
            return existing.get();
        }
        VerifyReport report = verifier().verifyManifest(manifest, false);
        if (!report.ok()) {
            throw HearthException.corrupt("cannot import backup " + manifest.id() + ": " + report.problems().getFirst()
                    + (report.problems().size() > 1 ? " (and " + (report.problems().size() - 1) + " more problems)" : ""));
        }
        try {
            target.putIfAbsent(BackupManifest.key(manifest.id()), ByteBuffer.wrap(format.sealObject(json.writeValueAsBytes(manifest))));
        } catch (IOException e) {
            throw unavailable("cannot write the manifest of backup " + manifest.id(), e);
        }
        return manifest;
    }

    @Override
    public VerifyReport verify(Optional<String> backupId, boolean readData, ProgressListener progress) {
        backupId.ifPresent(DefaultRepository::checkBackupId);
        return verifier().verify(backupId, readData, progress);
    }

    @Override
    public GcReport gc(Duration grace) {
        try {
            return new GarbageCollector(target, format, json, locks, pending, cacheDirectory, Clock.systemUTC()).run(grace, this::listBackups);
        } catch (IOException e) {
            throw unavailable("gc failed", e);
        }
    }

    @Override
    public long rebuildIndex() {
        try (LockManager.Held lock = locks.lockForMaintenance()) {
            return new IndexRebuilder(target).rebuild();
        } catch (IOException e) {
            throw unavailable("index rebuild failed", e);
        }
    }

    private Verifier verifier() {
        return new Verifier(target, format, () -> RepositoryIndex.loadChecked(target, cacheDirectory), this::listBackups, this::findBackup);
    }

    @Override
    public List<KeyInfo> listKeys() {
        if (key == null) {
            return List.of();
        }
        try {
            return vault().list();
        } catch (IOException e) {
            throw unavailable("cannot list the repository's keys", e);
        }
    }

    @Override
    public String addKey(RepositorySecret secret) {
        requireEncrypted();
        if (secret instanceof RepositorySecret.None) {
            throw HearthException.badInput("give the new key's passphrase or key file");
        }
        try {
            return vault().add(key, secret);
        } catch (IOException e) {
            throw unavailable("cannot add a key", e);
        }
    }

    @Override
    public void removeKey(String keyId) {
        requireEncrypted();
        if (keyId == null || !keyId.matches("[0-9a-f]{16}")) {
            throw HearthException.badInput("invalid key id '" + keyId + "': 16 hex digits, as 'hearth repo key list' shows");
        }
        try {
            vault().remove(keyId);
        } catch (IOException e) {
            throw unavailable("cannot remove key " + keyId, e);
        }
    }

    private void requireEncrypted() {
        if (key == null) {
            throw HearthException.badInput("this repository is not encrypted: it has no keys");
        }
    }

    private KeyVault vault() {
        return new KeyVault(target, json, config.id(), random);
    }

    @Override
    public void close() {
        try {
            target.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
