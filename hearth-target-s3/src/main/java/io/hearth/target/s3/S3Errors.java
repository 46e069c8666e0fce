package io.hearth.target.s3;

import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.engine.target.TransientTargetException;
import java.io.IOException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns the SDK's failures into what the engine and the user act on: a wrong setting becomes a {@link HearthException}
 * naming the option to fix, a failure that may pass a {@link TransientTargetException}, the rest an
 * {@link IOException} with the server's words.
 */
final class S3Errors {
    private static final Set<String> REFUSED_CREDENTIALS = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "InvalidSecurity", "InvalidToken", "ExpiredToken");
    private static final Set<String> TRANSIENT_CODES = Set.of("SlowDown", "RequestTimeout", "Throttling",
            "ThrottlingException", "RequestLimitExceeded", "ServiceUnavailable", "InternalError",
            "ConditionalRequestConflict", "OperationAborted");

    private final String bucket;
    private final String endpoint;

    S3Errors(String bucket, String endpoint) {
        this.bucket = bucket;
        this.endpoint = endpoint;
    }

    /** The exception to throw for a failed request; settings that are wrong are thrown from here directly. */
    IOException translate(String what, SdkException e) {
        if (e instanceof AwsServiceException service) {
            int status = service.statusCode();
            String code = service.awsErrorDetails() == null || service.awsErrorDetails().errorCode() == null
                    ? "" : service.awsErrorDetails().errorCode();
            String words = code.isEmpty() ? "HTTP " + status : code + " (HTTP " + status + ")";
            if (code.equals("NoSuchBucket")) {
                throw new HearthException(ErrorCategory.NOT_FOUND, "S3 bucket '" + bucket + "' does not exist at " + endpoint
                        + ": create it, or name an existing bucket in the repository URL (s3://BUCKET/prefix) or in "
                        + "backup_s3_store_bucket; check backup_s3_endpoint_url too", e);
            }
            if (REFUSED_CREDENTIALS.contains(code)) {
                throw HearthException.badInput("S3 at " + endpoint + " refused the credentials (" + words + "): check "
                        + "backup_s3_store_access_key and backup_s3_store_secret_key");
            }
            if (status == 403) {
                throw HearthException.badInput("S3 at " + endpoint + " denied " + what + " in bucket '" + bucket + "' (" + words
                        + "): the key in backup_s3_store_access_key needs permission to list, read, write and delete "
                        + "objects and to abort multipart uploads there");
            }
            if (status >= 500 || status == 429 || TRANSIENT_CODES.contains(code)) {
                return new TransientTargetException("S3 " + what + " failed at " + endpoint + ": " + words + " "
                        + messageOf(service), e);
            }
            return new IOException("S3 " + what + " failed at " + endpoint + ": " + words + " " + messageOf(service), e);
        }
        if (e instanceof SdkClientException && (e.getCause() instanceof IOException || e.retryable())) {
            return new TransientTargetException("S3 " + what + ": cannot reach " + endpoint + ": " + e.getMessage(), e);
        }
        return new IOException("S3 " + what + " failed at " + endpoint + ": " + e.getMessage(), e);
    }

    private static String messageOf(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? "" : e.awsErrorDetails().errorMessage();
    }
}
