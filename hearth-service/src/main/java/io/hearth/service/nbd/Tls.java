package io.hearth.service.nbd;

import io.hearth.service.error.ServiceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** The NBD server's TLS context from a PKCS#12 keystore ({@code nbd_tls_keystore}). */
public final class Tls {
    private Tls() {}

    public static SSLContext serverContext(Path keystore, String password) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, password.toCharArray());
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, password.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw ServiceException.badRequest("nbd_tls_keystore " + keystore + " cannot be used: " + e.getMessage());
        }
    }
}
