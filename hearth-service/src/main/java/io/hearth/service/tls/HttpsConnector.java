package io.hearth.service.tls;

import io.hearth.engine.HearthException;
import io.hearth.service.config.ReloadingFile;
import java.nio.file.Path;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.LoggerFactory;

/**
 * The API's HTTPS listener: Jetty's TLS from the {@code [ssl]} PEM files, with the key store built in memory (Jetty
 * takes a {@link KeyStore}, operators have PEM). Everything is read and checked when this is made, so a bad file stops
 * the start with a message naming the option, before anything listens. Afterwards the files are looked at every
 * {@code cert_reload_interval}: a renewed certificate is served to new connections without a restart, and files that
 * cannot be used (a key for another certificate, half-written PEM) keep the ones in force and are logged once.
 */
public final class HttpsConnector implements AutoCloseable {
    /** The in-memory key store's password: it never leaves this process. */
    private static final String STORE_PASSWORD = "hearth";

    private final SslContextFactory.Server tls;
    private final ReloadingFile<Material> material;
    private final ScheduledExecutorService watcher;
    private volatile Material inForce;

    /** The server's key and chain, and the CAs client certificates must chain to. */
    private record Material(KeyStore keys, Optional<KeyStore> trust) {}

    public HttpsConnector(SslOptions options) {
        Path[] more = Stream.concat(Stream.of(options.keyFile()), options.caFile().stream()).toArray(Path[]::new);
        material = ReloadingFile.load("[ssl] cert_file " + options.certFile(), () -> load(options), options.certFile(), more);
        inForce = material.get();
        tls = new SslContextFactory.Server();
        apply(tls, inForce);
        // oslo.service: a ca_file means client certificates are required (CERT_REQUIRED).
        tls.setNeedClientAuth(inForce.trust().isPresent());
        options.version().ifPresent(version -> tls.setIncludeProtocols(protocols(version)));
        if (!options.ciphers().isEmpty()) {
            tls.setIncludeCipherSuites(ciphers(options.ciphers()));
        }
        // The certificate is the client's to check against the name it asked for; Jetty's own check of the Host header
        // against the certificate would refuse clients that reach the API through another name the operator chose.
        tls.setSniRequired(false);
        if (options.reloadInterval().isZero()) {
            watcher = null;
        } else {
            watcher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("tls-reload").daemon().factory());
            long millis = options.reloadInterval().toMillis();
            watcher.scheduleWithFixedDelay(this::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    private static Material load(SslOptions options) {
        List<X509Certificate> chain = PemFiles.certificates("[ssl] cert_file", options.certFile());
        PrivateKey key = PemFiles.privateKey("[ssl] key_file", options.keyFile());
        PemFiles.requireMatch(key, chain.getFirst(), options.keyFile(), options.certFile());
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("hearth", key, STORE_PASSWORD.toCharArray(), chain.toArray(X509Certificate[]::new));
            return new Material(keys, options.caFile().map(ca -> PemFiles.trustStore("[ssl] ca_file", ca)));
        } catch (GeneralSecurityException | IOException e) {
            throw HearthException.badInput("[ssl] the key and certificates cannot be used together: " + e.getMessage());
        }
    }

    private static void apply(SslContextFactory factory, Material material) {
        factory.setKeyStore(material.keys());
        factory.setKeyStorePassword(STORE_PASSWORD);
        factory.setKeyManagerPassword(STORE_PASSWORD);
        material.trust().ifPresent(factory::setTrustStore);
    }

    /** Hands Jetty new key material when the files changed and can be used (ReloadingFile logs the ones that cannot). */
    private void reloadIfChanged() {
        Material now = material.get();
        if (now == inForce) {
            return;
        }
        inForce = now;
        try {
            tls.reload(factory -> apply(factory, now));
        } catch (Exception e) {
            LoggerFactory.getLogger(HttpsConnector.class).error("[ssl] reloading the certificate failed, the one in force stays", e);
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    /** The connector Javalin listens on instead of its plain HTTP one. */
    public ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        https.addCustomizer(secure); // requests are then https: links in answers say so
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(https));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    /** oslo's names (Python's ssl module's) to the JDK's; versions the JDK disables are refused, not silently ignored. */
    private static String[] protocols(String version) {
        return switch (version.toUpperCase(Locale.ROOT).replace('.', '_')) {
            case "TLSV1_2" -> new String[] {"TLSv1.2"};
            case "TLSV1_3" -> new String[] {"TLSv1.3"};
            case "TLS", "SSLV23", "TLS_SERVER" -> new String[] {"TLSv1.3", "TLSv1.2"};
            default -> throw HearthException.badInput("[ssl] version = " + version + " is not supported: use TLSv1_2, TLSv1_3 or TLS"
                    + " (either of them); older versions are disabled for being insecure.");
        };
    }

    /** Cipher suites by their IANA names, each one the JDK knows; OpenSSL's names (ECDHE-RSA-AES256-GCM-SHA384) are not. */
    private static String[] ciphers(List<String> names) {
        Set<String> supported;
        try {
            SSLParameters parameters = SSLContext.getDefault().getSupportedSSLParameters();
            supported = Set.copyOf(Arrays.asList(parameters.getCipherSuites()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS", e);
        }
        List<String> unknown = names.stream().filter(name -> !supported.contains(name)).toList();
        if (!unknown.isEmpty()) {
            throw HearthException.badInput("[ssl] ciphers names cipher suites this Java does not know: " + String.join(", ", unknown)
                    + ". Use IANA names separated by ':', as TLS_AES_256_GCM_SHA384:TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384.");
        }
        return names.toArray(String[]::new);
    }
}
