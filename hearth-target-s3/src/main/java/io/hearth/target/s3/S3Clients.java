package io.hearth.target.s3;

import io.hearth.engine.HearthException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.apache.ProxyConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.utils.AttributeMap;

/** Builds the SDK client that {@link S3Settings} describe. */
final class S3Clients {
    private S3Clients() {}

    /** The SDK client and the HTTP client under it; the SDK does not close an HTTP client it was handed. */
    record Clients(S3Client s3, SdkHttpClient http) implements AutoCloseable {
        @Override
        public void close() {
            try (http) {
                s3.close();
            }
        }
    }

    static Clients build(S3Settings settings) throws IOException {
        ApacheHttpClient.Builder builder = ApacheHttpClient.builder()
                .maxConnections(settings.maxPoolConnections())
                .connectionTimeout(settings.timeout())
                .socketTimeout(settings.timeout());
        if (settings.proxy().isPresent()) {
            builder.proxyConfiguration(ProxyConfiguration.builder().endpoint(settings.proxy().get())
                    .useSystemPropertyValues(false).useEnvironmentVariableValues(false).build());
        }
        if (settings.verifySsl() && settings.caCertFile().isPresent()) {
            TrustManager[] trustManagers = trustManagers(settings.caCertFile().get());
            builder.tlsTrustManagersProvider(() -> trustManagers);
        }
        SdkHttpClient http = builder.buildWithDefaults(AttributeMap.builder()
                .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, !settings.verifySsl())
                .build());
        S3ClientBuilder s3 = S3Client.builder()
                .httpClient(http)
                .region(Region.of(settings.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())))
                .forcePathStyle(settings.forcePathStyle())
                // Only one layer retries: the RetryingTarget the factory stacks on top, with cinder's retry options.
                .overrideConfiguration(config -> config.retryStrategy(AwsRetryStrategy.doNotRetry()))
                // The SDK's default trailing checksums (aws-chunked bodies) are refused by S3-compatible stores such as
                // S3Proxy; integrity comes from Content-MD5 (backup_s3_md5_validation) and the engine's own hashes.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        settings.endpoint().ifPresent(s3::endpointOverride);
        return new Clients(s3.build(), http);
    }

    private static TrustManager[] trustManagers(Path pemFile) throws IOException {
        try (InputStream in = Files.newInputStream(pemFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int index = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + index++, certificate);
            }
            if (index == 0) {
                throw HearthException.badInput("backup_s3_ca_cert_file " + pemFile + " holds no PEM certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (java.nio.file.NoSuchFileException e) {
            throw HearthException.badInput("backup_s3_ca_cert_file " + pemFile + " does not exist");
        } catch (GeneralSecurityException e) {
            throw HearthException.badInput("backup_s3_ca_cert_file " + pemFile + " could not be read as PEM certificates: "
                    + e.getMessage());
        }
    }
}
