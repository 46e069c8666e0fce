package io.hearth.target.gcs;

import static java.util.Objects.requireNonNull;

import io.hearth.engine.HearthException;
import io.hearth.engine.target.RetryPolicy;
import io.hearth.engine.target.TargetOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a Google Cloud Storage target reads from its options: cinder's {@code backup_gcs_*} names, and Hearth's own
 * {@code backup_gcs_endpoint_url} (an emulator or a private endpoint), {@code backup_gcs_prefix} and
 * {@code backup_gcs_max_connections}.
 *
 * @param retryStatuses HTTP statuses retried besides 5xx (cinder's {@code backup_gcs_retry_error_codes})
 */
public record GcsSettings(
        Optional<URI> endpoint,
        Optional<String> projectId,
        Optional<Path> credentialFile,
        String storageClass,
        String bucketLocation,
        RetryPolicy retryPolicy,
        Set<Integer> retryStatuses,
        int writerChunkSize,
        Optional<URI> proxy,
        String userAgent,
        int maxConnections) {

    public GcsSettings {
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(projectId, "projectId is null");
        requireNonNull(credentialFile, "credentialFile is null");
        requireNonNull(storageClass, "storageClass is null");
        requireNonNull(bucketLocation, "bucketLocation is null");
        requireNonNull(retryPolicy, "retryPolicy is null");
        retryStatuses = Set.copyOf(retryStatuses);
        requireNonNull(proxy, "proxy is null");
        requireNonNull(userAgent, "userAgent is null");
    }

    public static GcsSettings from(TargetOptions options) {
        Optional<URI> endpoint = options.get("backup_gcs_endpoint_url").map(value -> url("backup_gcs_endpoint_url", value));
        Optional<Path> credentials = options.get("backup_gcs_credential_file").map(Path::of);
        if (endpoint.isEmpty() && credentials.isEmpty()) {
            throw HearthException.badInput("option backup_gcs_credential_file (or environment variable BACKUP_GCS_CREDENTIAL_FILE) "
                    + "is required: the service account key file to reach Google Cloud Storage with");
        }
        String storageClass = options.get("backup_gcs_storage_class", "NEARLINE").toUpperCase(Locale.ROOT);
        if (!Set.of("STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE", "MULTI_REGIONAL", "REGIONAL", "DURABLE_REDUCED_AVAILABILITY")
                .contains(storageClass)) {
            throw HearthException.badInput("option backup_gcs_storage_class must be STANDARD, NEARLINE, COLDLINE or ARCHIVE, not '"
                    + storageClass + "'");
        }
        int retries = options.integer("backup_gcs_num_retries", 3, 0, 100);
        Set<Integer> retryStatuses = Arrays.stream(options.get("backup_gcs_retry_error_codes", "429").split(","))
                .map(String::strip).filter(code -> !code.isEmpty()).map(code -> {
                    try {
                        return Integer.parseInt(code);
                    } catch (NumberFormatException e) {
                        throw HearthException.badInput("option backup_gcs_retry_error_codes must list HTTP status codes, not '"
                                + code + "'");
                    }
                }).collect(Collectors.toSet());
        return new GcsSettings(
                endpoint,
                options.get("backup_gcs_project_id"),
                credentials,
                storageClass,
                options.get("backup_gcs_bucket_location", "US"),
                new RetryPolicy(retries + 1, Duration.ofMillis(500), Duration.ofSeconds(32)),
                retryStatuses,
                options.integer("backup_gcs_writer_chunk_size", 2 * 1024 * 1024, 256 * 1024, 1 << 30),
                options.get("backup_gcs_proxy_url").map(value -> url("backup_gcs_proxy_url", value)),
                options.get("backup_gcs_user_agent", "gcscinder"),
                options.integer("backup_gcs_max_connections", 10, 1, 1024));
    }

    private static URI url(String option, String value) {
        try {
            URI uri = URI.create(value);
            if (uri.getScheme() != null && (uri.getScheme().equals("http") || uri.getScheme().equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        // The proxy URL may hold a password (cinder marks it secret): never repeat it.
        throw HearthException.badInput("option " + option + " must be an http:// or https:// URL with a host");
    }

    public String describeEndpoint() {
        return endpoint.map(URI::toString).orElse("Google Cloud Storage");
    }

    @Override
    public String toString() {
        return "GcsSettings[endpoint=" + describeEndpoint() + ", class=" + storageClass + ", location=" + bucketLocation + "]";
    }
}
