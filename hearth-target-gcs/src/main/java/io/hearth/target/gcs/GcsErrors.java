package io.hearth.target.gcs;

import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.engine.target.TransientTargetException;
import com.google.cloud.storage.StorageException;
import java.io.IOException;
import java.util.Optional;

/**
 * Turns the client's failures into what the engine and the user act on: a wrong setting becomes a
 * {@link HearthException} naming the option to fix, a failure that may pass a {@link TransientTargetException}
 * (5xx and cinder's {@code backup_gcs_retry_error_codes}), the rest an {@link IOException} with the server's words.
 */
final class GcsErrors {
    private final String bucket;
    private final GcsSettings settings;

    GcsErrors(String bucket, GcsSettings settings) {
        this.bucket = bucket;
        this.settings = settings;
    }

    /** The StorageException behind a failure, which the client sometimes wraps in an IOException. */
    static Optional<StorageException> storageCause(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof StorageException storage) {
                return Optional.of(storage);
            }
        }
        return Optional.empty();
    }

    static boolean hasStatus(Throwable failure, int status) {
        return storageCause(failure).map(e -> e.getCode() == status).orElse(false);
    }

    /**
     * The answer to a create-only write whose key exists: 412 from the service; the client library's in-memory
     * LocalStorageHelper reports it as a FileAlreadyExistsException instead.
     */
    static boolean alreadyExists(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.nio.file.FileAlreadyExistsException) {
                return true;
            }
        }
        return hasStatus(failure, 412);
    }

    IOException translate(String what, Throwable failure) {
        String where = settings.describeEndpoint();
        Optional<StorageException> storage = storageCause(failure);
        int code = storage.map(StorageException::getCode).orElse(0);
        String words = storage.map(e -> "HTTP " + e.getCode() + " " + e.getMessage()).orElse(String.valueOf(failure.getMessage()));
        if (code == 401) {
            throw HearthException.badInput("Google Cloud Storage at " + where + " refused the credentials (" + words
                    + "): check backup_gcs_credential_file");
        }
        if (code == 403) {
            throw HearthException.badInput("Google Cloud Storage at " + where + " denied " + what + " in bucket '" + bucket + "' ("
                    + words + "): the service account in backup_gcs_credential_file needs to list, read, create and delete "
                    + "objects there (roles/storage.objectAdmin)");
        }
        if (code == 404 && storage.get().getMessage() != null && storage.get().getMessage().toLowerCase().contains("bucket")) {
            throw new HearthException(ErrorCategory.NOT_FOUND, "Google Cloud Storage bucket '" + bucket + "' does not exist at "
                    + where + ": name an existing bucket in the repository URL (gs://BUCKET/prefix) or backup_gcs_bucket, or set "
                    + "backup_gcs_project_id so that Hearth creates it", failure);
        }
        if (code >= 500 || settings.retryStatuses().contains(code) || (code == 0 && isNetwork(failure))) {
            return new TransientTargetException("Google Cloud Storage " + what + " failed at " + where + ": " + words, failure);
        }
        return new IOException("Google Cloud Storage " + what + " failed at " + where + ": " + words, failure);
    }

    private static boolean isNetwork(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.ConnectException || cause instanceof java.net.SocketTimeoutException
                    || cause instanceof java.net.UnknownHostException || cause instanceof java.net.SocketException) {
                return true;
            }
        }
        return false;
    }
}
