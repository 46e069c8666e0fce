package io.hearth.target.swift;

import io.hearth.engine.HearthException;
import io.hearth.engine.target.TargetOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.net.http.HttpClient;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** cinder's TLS options for Swift and Keystone: {@code backup_swift_ca_cert_file} and {@code backup_swift_auth_insecure}. */
final class SwiftTls {
    private SwiftTls() {}

    static HttpClient.Builder configure(HttpClient.Builder builder, TargetOptions options) {
        try {
            if (options.bool("backup_swift_auth_insecure", false)) {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new TrustingEveryone()}, null);
                return builder.sslContext(context);
            }
            var caFile = options.get("backup_swift_ca_cert_file");
            if (caFile.isEmpty()) {
                return builder;
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            try (InputStream in = Files.newInputStream(Path.of(caFile.get()))) {
                int index = 0;
                for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trusted.setCertificateEntry("ca-" + index++, certificate);
                }
                if (index == 0) {
                    throw HearthException.badInput("backup_swift_ca_cert_file " + caFile.get() + " holds no certificate");
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return builder.sslContext(context);
        } catch (IOException | GeneralSecurityException e) {
            throw HearthException.badInput("cannot use backup_swift_ca_cert_file: " + e.getMessage());
        }
    }

    /** backup_swift_auth_insecure: no check of the chain nor of the host name (an extended manager skips both). */
    private static final class TrustingEveryone extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
