package io.hearth.target.s3;

import static java.util.Objects.requireNonNull;

import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.ObjectInfo;
import io.hearth.engine.target.ObjectKeys;
import io.hearth.engine.target.ObjectNotFoundException;
import io.hearth.engine.target.TargetProperties;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A repository in an S3 bucket, under an optional prefix.
 *
 * <p>Create-only writes use S3's conditional writes: {@code If-None-Match: *} on PutObject and, for objects above the
 * multipart threshold, on CompleteMultipartUpload; the server answers 412 when the key exists, so two writers of one
 * key cannot both win. A server that ignores the header (S3Proxy before 3.0, stores older than the feature) would let
 * the second writer overwrite the first: use Hearth only with S3 stores that support conditional writes.
 *
 * <p>Bodies are sent from the caller's buffer through a stream over it, never copied.
 */
final class S3Target implements BackupTarget {
    private final S3Clients.Clients clients;
    private final S3Client s3;
    private final String bucket;
    private final String root;
    private final S3Settings settings;
    private final S3Errors errors;
    private final String location;

    /**
     * @param prefix the prefix inside the bucket without a trailing slash, or empty
     */
    S3Target(S3Clients.Clients clients, String bucket, String prefix, S3Settings settings) {
        this.clients = requireNonNull(clients, "clients is null");
        this.s3 = clients.s3();
        this.bucket = requireNonNull(bucket, "bucket is null");
        this.root = prefix.isEmpty() ? "" : prefix + "/";
        this.settings = requireNonNull(settings, "settings is null");
        this.errors = new S3Errors(bucket, settings.describeEndpoint());
        this.location = "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix) + " at " + settings.describeEndpoint();
    }

    private String objectKey(String key) {
        return root + ObjectKeys.check(key);
    }

    @Override
    public boolean putIfAbsent(String key, ByteBuffer data) throws IOException {
        String name = objectKey(key);
        try {
            return data.remaining() > settings.multipartThreshold() ? putInParts(name, data) : putWhole(name, data);
        } catch (SdkException e) {
            throw errors.translate("upload of " + key, e);
        }
    }

    private static boolean preconditionFailed(AwsServiceException e) {
        return e.statusCode() == 412;
    }

    private boolean putWhole(String name, ByteBuffer data) {
        try {
            s3.putObject(b -> {
                b.bucket(bucket).key(name).ifNoneMatch("*").contentLength((long) data.remaining());
                settings.storageClass().ifPresent(b::storageClass);
                if (settings.md5Validation()) {
                    b.contentMD5(md5(data));
                }
            }, body(data));
            return true;
        } catch (AwsServiceException e) {
            if (preconditionFailed(e)) {
                return false;
            }
            throw e;
        }
    }

    private boolean exists(String name) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(name));
            return true;
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Parts, then a completion with {@code If-None-Match: *}. Some S3-compatible stores (S3Proxy among them) ignore the
     * header on completion, so the key is also looked up before the upload and before the completion: there only a
     * writer completing in the moment between that look-up and its own completion could still be overwritten.
     */
    private boolean putInParts(String name, ByteBuffer data) throws IOException {
        if (exists(name)) {
            return false;
        }
        String uploadId = s3.createMultipartUpload(b -> {
            b.bucket(bucket).key(name);
            settings.storageClass().ifPresent(b::storageClass);
        }).uploadId();
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            ByteBuffer view = data.duplicate();
            for (int number = 1; view.hasRemaining(); number++) {
                int size = Math.min(S3Settings.PART_SIZE, view.remaining());
                ByteBuffer part = view.slice(view.position(), size);
                view.position(view.position() + size);
                int partNumber = number;
                String etag = s3.uploadPart(b -> {
                    b.bucket(bucket).key(name).uploadId(uploadId).partNumber(partNumber).contentLength((long) size);
                    if (settings.md5Validation()) {
                        b.contentMD5(md5(part));
                    }
                }, body(part)).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            }
            if (exists(name)) {
                return false;
            }
            try {
                s3.completeMultipartUpload(b -> b.bucket(bucket).key(name).uploadId(uploadId).ifNoneMatch("*")
                        .multipartUpload(u -> u.parts(parts)));
                completed = true;
                return true;
            } catch (AwsServiceException e) {
                if (preconditionFailed(e)) {
                    return false;
                }
                throw e;
            }
        } finally {
            if (!completed) {
                abort(name, uploadId);
            }
        }
    }

    private void abort(String name, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(name).uploadId(uploadId));
        } catch (SdkException e) {
            // What cannot be aborted now, removeAbandonedUploads removes later.
        }
    }

    private static String md5(ByteBuffer data) {
        try {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            digest.update(data.duplicate());
            return Base64.getEncoder().encodeToString(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has MD5", e);
        }
    }

    /** A body read from the buffer each time the SDK asks (it may sign, then send, then resend on a redirect). */
    private static RequestBody body(ByteBuffer data) {
        ByteBuffer view = data.duplicate();
        return RequestBody.fromContentProvider(() -> new ByteBufferInputStream(view.duplicate()), view.remaining(),
                "application/octet-stream");
    }

    @Override
    public InputStream get(String key) throws IOException {
        String name = objectKey(key);
        try {
            return s3.getObject(b -> b.bucket(bucket).key(name));
        } catch (NoSuchKeyException e) {
            throw new ObjectNotFoundException(key);
        } catch (SdkException e) {
            throw errors.translate("download of " + key, e);
        }
    }

    @Override
    public void readInto(String key, long offset, ByteBuffer destination) throws IOException {
        String name = objectKey(key);
        int length = destination.remaining();
        if (length == 0) {
            long size = stat(key).orElseThrow(() -> new ObjectNotFoundException(key)).size();
            if (offset > size) {
                throw new EOFException(key + " has " + size + " bytes, none at " + offset);
            }
            return;
        }
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(name).range(range))) {
            byte[] chunk = new byte[Math.min(length, 64 * 1024)];
            while (destination.hasRemaining()) {
                int read = in.read(chunk, 0, Math.min(chunk.length, destination.remaining()));
                if (read < 0) {
                    throw new EOFException(key + " ends before " + (offset + length) + " bytes");
                }
                destination.put(chunk, 0, read);
            }
        } catch (NoSuchKeyException e) {
            throw new ObjectNotFoundException(key);
        } catch (AwsServiceException e) {
            if (e.statusCode() == 416) {
                throw new EOFException(key + " ends before byte " + offset);
            }
            throw errors.translate("download of " + key, e);
        } catch (SdkException e) {
            throw errors.translate("download of " + key, e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        String name = objectKey(key);
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(name));
            return Optional.of(new ObjectInfo(key, head.contentLength(), head.lastModified()));
        } catch (AwsServiceException e) {
            // A HEAD answer has no body: a missing bucket looks like a missing key here; open() tells them apart.
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw errors.translate("stat of " + key, e);
        } catch (SdkException e) {
            throw errors.translate("stat of " + key, e);
        }
    }

    /**
     * The first page is fetched here, so that a missing bucket or refused credentials fail this call with a clear
     * message; later pages are fetched as the stream gets to them.
     */
    @Override
    public Stream<ObjectInfo> list(String prefix) throws IOException {
        String full = root + ObjectKeys.checkPrefix(prefix);
        ListObjectsV2Response first;
        try {
            first = s3.listObjectsV2(b -> b.bucket(bucket).prefix(full));
        } catch (SdkException e) {
            throw errors.translate("listing of " + prefix, e);
        }
        Iterator<ListObjectsV2Response> pages = new Iterator<>() {
            private ListObjectsV2Response next = first;

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public ListObjectsV2Response next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                ListObjectsV2Response page = next;
                next = null;
                if (Boolean.TRUE.equals(page.isTruncated())) {
                    try {
                        next = s3.listObjectsV2(b -> b.bucket(bucket).prefix(full).continuationToken(page.nextContinuationToken()));
                    } catch (SdkException e) {
                        throw new UncheckedIOException(errors.translate("listing of " + prefix, e));
                    }
                }
                return page;
            }
        };
        return Stream.iterate(pages, Iterator::hasNext, UnaryOperator.identity())
                .flatMap(iterator -> iterator.next().contents().stream())
                .map(this::info);
    }

    private ObjectInfo info(S3Object object) {
        return new ObjectInfo(object.key().substring(root.length()), object.size(), object.lastModified());
    }

    @Override
    public void delete(String key) throws IOException {
        String name = objectKey(key);
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(name));
        } catch (SdkException e) {
            throw errors.translate("delete of " + key, e);
        }
    }

    @Override
    public int removeAbandonedUploads(String prefix, Instant startedBefore) throws IOException {
        String full = root + ObjectKeys.checkPrefix(prefix);
        try {
            int removed = 0;
            for (MultipartUpload upload : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(full)).uploads()) {
                if (upload.initiated().isBefore(startedBefore)) {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
                    removed++;
                }
            }
            return removed;
        } catch (SdkException e) {
            throw errors.translate("removal of abandoned uploads under " + prefix, e);
        }
    }

    @Override
    public TargetProperties properties() {
        return new TargetProperties(location, settings.maxPoolConnections());
    }

    @Override
    public void close() {
        clients.close();
    }
}
