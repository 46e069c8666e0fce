package io.hearth.target.gcs;

import static java.util.Objects.requireNonNull;

import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.ObjectInfo;
import io.hearth.engine.target.ObjectKeys;
import io.hearth.engine.target.ObjectNotFoundException;
import io.hearth.engine.target.TargetProperties;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A repository in a Google Cloud Storage bucket, under an optional prefix.
 *
 * <p>Create-only writes carry the precondition {@code ifGenerationMatch=0} ("no live object of this name"), which
 * the service checks atomically when the upload completes: of two writers of one key exactly one wins, the other gets
 * 412. Every write is a resumable upload that reads the caller's buffer (heap or direct) chunk by chunk
 * ({@code backup_gcs_writer_chunk_size}), so nothing is copied whole. Abandoned resumable uploads expire on the server after a week and cannot be listed, so
 * {@link #removeAbandonedUploads} has nothing to do.
 */
final class GcsTarget implements BackupTarget {
    private final Storage storage;
    private final String bucket;
    private final String root;
    private final GcsSettings settings;
    private final GcsErrors errors;
    private final String location;

    GcsTarget(Storage storage, String bucket, String prefix, GcsSettings settings) {
        this.storage = requireNonNull(storage, "storage is null");
        this.bucket = requireNonNull(bucket, "bucket is null");
        this.root = prefix.isEmpty() ? "" : prefix + "/";
        this.settings = requireNonNull(settings, "settings is null");
        this.errors = new GcsErrors(bucket, settings);
        this.location = "gs://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix) + " at " + settings.describeEndpoint();
    }

    private BlobId id(String key) {
        return BlobId.of(bucket, root + ObjectKeys.check(key));
    }

    /**
     * Creates the bucket with cinder's storage class and location when it is absent, as cinder's driver does;
     * fails with the option to set when it cannot (no project id).
     */
    void ensureBucket() throws IOException {
        try {
            if (storage.get(bucket) != null) {
                return;
            }
        } catch (RuntimeException e) {
            throw errors.translate("lookup of the bucket", e);
        }
        if (settings.projectId().isEmpty()) {
            throw io.hearth.engine.HearthException.notFound("Google Cloud Storage bucket '" + bucket + "' does not exist at "
                    + settings.describeEndpoint() + ": create it, or set backup_gcs_project_id so that Hearth creates it");
        }
        try {
            storage.create(com.google.cloud.storage.BucketInfo.newBuilder(bucket)
                    .setStorageClass(com.google.cloud.storage.StorageClass.valueOfStrict(settings.storageClass()))
                    .setLocation(settings.bucketLocation())
                    .build());
        } catch (RuntimeException e) {
            if (GcsErrors.hasStatus(e, 409)) {
                return; // another process created it meanwhile
            }
            throw errors.translate("creation of the bucket", e);
        }
    }

    @Override
    public boolean putIfAbsent(String key, ByteBuffer data) throws IOException {
        BlobInfo info = BlobInfo.newBuilder(id(key)).setContentType("application/octet-stream").build();
        try {
            try (WriteChannel writer = storage.writer(info, Storage.BlobWriteOption.doesNotExist())) {
                writer.setChunkSize(settings.writerChunkSize());
                ByteBuffer view = data.duplicate();
                while (view.hasRemaining()) {
                    writer.write(view);
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            if (GcsErrors.alreadyExists(e)) {
                return false;
            }
            throw errors.translate("upload of " + key, e);
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        BlobId id = id(key);
        Blob blob;
        try {
            blob = storage.get(id);
        } catch (RuntimeException e) {
            throw errors.translate("download of " + key, e);
        }
        if (blob == null) {
            throw new ObjectNotFoundException(key);
        }
        // The reader is pinned to the generation just looked up, so a concurrent delete cannot mix two objects.
        return Channels.newInputStream(blob.reader());
    }

    /**
     * Looks the object up first: a read past its end must fail, and the reader is then pinned to the generation looked
     * up, so a range never mixes two objects.
     */
    @Override
    public void readInto(String key, long offset, ByteBuffer destination) throws IOException {
        BlobId id = id(key);
        int length = destination.remaining();
        Blob blob;
        try {
            blob = storage.get(id);
        } catch (RuntimeException e) {
            throw errors.translate("stat of " + key, e);
        }
        if (blob == null) {
            throw new ObjectNotFoundException(key);
        }
        if (offset + length > blob.getSize()) {
            throw new EOFException(key + " has " + blob.getSize() + " bytes, not " + (offset + length));
        }
        if (length == 0) {
            return;
        }
        try (ReadChannel reader = blob.reader()) {
            reader.setChunkSize(0); // one ranged request, no read-ahead beyond the range
            reader.seek(offset);
            reader.limit(offset + length);
            while (destination.hasRemaining()) {
                if (reader.read(destination) < 0) {
                    throw new EOFException(key + " ends before " + (offset + length) + " bytes");
                }
            }
        } catch (EOFException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (GcsErrors.hasStatus(e, 404)) {
                throw new ObjectNotFoundException(key);
            }
            throw errors.translate("download of " + key, e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        BlobId id = id(key);
        try {
            Blob blob = storage.get(id);
            return Optional.ofNullable(blob).map(b -> new ObjectInfo(key, b.getSize(), modified(b)));
        } catch (RuntimeException e) {
            throw errors.translate("stat of " + key, e);
        }
    }

    private static Instant modified(Blob blob) {
        return blob.getUpdateTimeOffsetDateTime() != null ? blob.getUpdateTimeOffsetDateTime().toInstant()
                : Instant.ofEpochMilli(blob.getUpdateTime());
    }

    @Override
    public Stream<ObjectInfo> list(String prefix) throws IOException {
        String full = root + ObjectKeys.checkPrefix(prefix);
        try {
            // The first page is fetched here, the next ones as the stream gets to them.
            Iterable<Blob> blobs = storage.list(bucket, Storage.BlobListOption.prefix(full)).iterateAll();
            return StreamSupport.stream(blobs.spliterator(), false)
                    .map(blob -> new ObjectInfo(blob.getName().substring(root.length()), blob.getSize(), modified(blob)));
        } catch (RuntimeException e) {
            throw errors.translate("listing of " + prefix, e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        BlobId id = id(key);
        try {
            storage.delete(id);
        } catch (RuntimeException e) {
            throw errors.translate("delete of " + key, e);
        }
    }

    @Override
    public TargetProperties properties() {
        return new TargetProperties(location, settings.maxConnections());
    }

    @Override
    public void close() throws IOException {
        try {
            storage.close();
        } catch (Exception e) {
            throw new IOException("closing the Google Cloud Storage client failed", e);
        }
    }
}
