package io.hearth.target.s3;

import static java.util.Objects.requireNonNull;

import io.hearth.engine.HearthException;
import io.hearth.engine.target.RetryPolicy;
import io.hearth.engine.target.TargetOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What an S3 target reads from its options. Names are cinder's ({@code backup_s3_*}) where cinder has the option;
 * {@code backup_s3_region}, {@code backup_s3_force_path_style}, {@code backup_s3_storage_class} and
 * {@code backup_s3_multipart_threshold} are Hearth's own.
 *
 * @param endpoint where the S3 API listens; empty for Amazon S3 itself (the region decides)
 * @param md5Validation send each body's MD5 (Content-MD5), as cinder does, so the server refuses a corrupted upload
 * @param multipartThreshold objects larger than this go up in parts of {@link #PART_SIZE}
 */
public record S3Settings(
        Optional<URI> endpoint,
        String region,
        String accessKey,
        String secretKey,
        boolean forcePathStyle,
        Duration timeout,
        int maxPoolConnections,
        RetryPolicy retryPolicy,
        boolean verifySsl,
        Optional<Path> caCertFile,
        Optional<URI> proxy,
        Optional<String> storageClass,
        boolean md5Validation,
        long multipartThreshold) {

    /** 8 MiB parts: above S3's 5 MiB minimum, and a 16 MiB pack is two of them. */
    public static final int PART_SIZE = 8 * 1024 * 1024;

    private static final List<String> RETRY_MODES = List.of("legacy", "standard", "adaptive");

    public S3Settings {
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(region, "region is null");
        requireNonNull(accessKey, "accessKey is null");
        requireNonNull(secretKey, "secretKey is null");
        requireNonNull(timeout, "timeout is null");
        requireNonNull(retryPolicy, "retryPolicy is null");
        requireNonNull(caCertFile, "caCertFile is null");
        requireNonNull(proxy, "proxy is null");
        requireNonNull(storageClass, "storageClass is null");
    }

    public static S3Settings from(TargetOptions options) {
        Optional<URI> endpoint = options.get("backup_s3_endpoint_url").map(S3Settings::endpointUri);
        String accessKey = options.required("backup_s3_store_access_key", "the S3 access key");
        String secretKey = options.required("backup_s3_store_secret_key", "the S3 secret key");
        if (options.get("backup_s3_sse_customer_key").isPresent() || options.get("backup_s3_sse_customer_algorithm").isPresent()) {
            // Refused rather than ignored: an operator who asked for encryption must not get plain objects.
            throw HearthException.badInput("backup_s3_sse_customer_key and backup_s3_sse_customer_algorithm are not supported by "
                    + "Hearth's S3 target; Hearth encrypts repositories itself (unset both options)");
        }
        String retryMode = options.get("backup_s3_retry_mode", "legacy").toLowerCase(Locale.ROOT);
        if (!RETRY_MODES.contains(retryMode)) {
            throw HearthException.badInput("option backup_s3_retry_mode must be one of " + String.join(", ", RETRY_MODES)
                    + ", not '" + retryMode + "'");
        }
        // Cinder (botocore) counts retries after the first try: 4 retries are 5 tries.
        int retries = options.integer("backup_s3_retry_max_attempts", 4, 0, 100);
        RetryPolicy retry = new RetryPolicy(retries + 1, Duration.ofMillis(200), Duration.ofSeconds(20));
        boolean secure = endpoint.map(uri -> uri.getScheme().equals("https")).orElse(true);
        Optional<URI> proxy = options.get(secure ? "backup_s3_https_proxy" : "backup_s3_http_proxy").map(value -> {
            URI uri = URI.create(value.contains("://") ? value : "http://" + value);
            if (uri.getHost() == null) {
                throw HearthException.badInput("the S3 proxy '" + value + "' names no host");
            }
            return uri;
        });
        long threshold = options.integer("backup_s3_multipart_threshold", 16 * 1024 * 1024, PART_SIZE, Integer.MAX_VALUE);
        return new S3Settings(
                endpoint,
                options.get("backup_s3_region", "us-east-1"),
                accessKey,
                secretKey,
                options.bool("backup_s3_force_path_style", endpoint.isPresent()),
                options.seconds("backup_s3_timeout", Duration.ofSeconds(60)),
                options.integer("backup_s3_max_pool_connections", 10, 1, 1024),
                retry,
                options.bool("backup_s3_verify_ssl", true),
                options.get("backup_s3_ca_cert_file").map(Path::of),
                proxy,
                options.get("backup_s3_storage_class").map(value -> value.toUpperCase(Locale.ROOT)),
                options.bool("backup_s3_md5_validation", true),
                threshold);
    }

    private static URI endpointUri(String value) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw HearthException.badInput("option backup_s3_endpoint_url is not a URL: '" + value + "'");
        }
        if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
            throw HearthException.badInput("option backup_s3_endpoint_url must be an http:// or https:// URL with a host, not '"
                    + value + "'");
        }
        if (uri.getUserInfo() != null) {
            throw HearthException.badInput("option backup_s3_endpoint_url must not carry credentials; use "
                    + "backup_s3_store_access_key and backup_s3_store_secret_key");
        }
        return uri;
    }

    /** Where requests go, for messages: the endpoint, or Amazon S3 in the region. */
    public String describeEndpoint() {
        return endpoint.map(URI::toString).orElse("Amazon S3 (" + region + ")");
    }

    @Override
    public String toString() {
        // Never print the keys.
        return "S3Settings[endpoint=" + describeEndpoint() + ", pathStyle=" + forcePathStyle + "]";
    }
}
