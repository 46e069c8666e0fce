package io.hearth.service.tls;

import io.hearth.engine.HearthException;
import io.hearth.service.config.IniFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * oslo.service's {@code [ssl]} options, as cinder-api reads them: the API speaks HTTPS when {@code cert_file} and
 * {@code key_file} are set; {@code ca_file} then makes it require client certificates signed by that CA.
 *
 * @param certFile PEM: the server's certificate, then the intermediates of its chain
 * @param keyFile PEM: the server's private key, unencrypted (PKCS#8, or PKCS#1 RSA, or SEC1 EC)
 * @param caFile PEM: the CAs a client's certificate must chain to; empty: no client certificates asked for
 * @param version oslo's protocol name ({@code TLSv1_2}, {@code TLSv1_3}, {@code TLS} or {@code SSLv23} for "any
 *     version the JDK allows"); empty: the JDK's defaults
 * @param ciphers the cipher suites allowed, by their IANA (JSSE) names; empty: the JDK's defaults
 * @param reloadInterval how often the files are looked at, to serve renewed certificates without a restart (Hearth's
 *     own {@code cert_reload_interval}, in seconds; cinder-api needs a restart); zero: read at start only
 */
public record SslOptions(Path certFile, Path keyFile, Optional<Path> caFile, Optional<String> version, List<String> ciphers,
        Duration reloadInterval) {
    static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(10);

    public static final String SECTION = "ssl";

    /** The options when the API is to speak HTTPS; empty when neither file is set. */
    public static Optional<SslOptions> from(IniFile ini) {
        Optional<String> cert = option(ini, "cert_file");
        Optional<String> key = option(ini, "key_file");
        Optional<String> ca = option(ini, "ca_file");
        if (cert.isEmpty() && key.isEmpty()) {
            if (ca.isPresent()) {
                throw HearthException.badInput("[ssl] ca_file is set but cert_file and key_file are not: set both to serve the API"
                        + " over HTTPS, or remove ca_file.");
            }
            return Optional.empty();
        }
        if (cert.isEmpty() || key.isEmpty()) {
            throw HearthException.badInput("[ssl] " + (cert.isEmpty() ? "cert_file" : "key_file") + " is missing: HTTPS needs both"
                    + " cert_file and key_file (PEM files).");
        }
        List<String> ciphers = option(ini, "ciphers").map(list -> Arrays.stream(list.split("[:,\\s]+")).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
        Duration reload = option(ini, "cert_reload_interval").map(SslOptions::seconds).orElse(DEFAULT_RELOAD_INTERVAL);
        return Optional.of(new SslOptions(Path.of(cert.get()), Path.of(key.get()), ca.map(Path::of), option(ini, "version"), ciphers,
                reload));
    }

    private static Duration seconds(String value) {
        try {
            int seconds = Integer.parseInt(value);
            if (seconds >= 0 && seconds <= 86_400) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw HearthException.badInput("[ssl] cert_reload_interval must be a whole number of seconds from 0 to 86400, not '" + value + "'");
    }

    private static Optional<String> option(IniFile ini, String key) {
        return ini.get(SECTION, key).map(String::strip).filter(value -> !value.isEmpty());
    }
}
