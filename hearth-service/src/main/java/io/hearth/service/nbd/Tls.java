package io.hearth.service.nbd;

import io.hearth.service.config.ReloadingFile;
import io.hearth.service.error.ServiceException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The NBD server's TLS context from a PKCS#12 keystore ({@code nbd_tls_keystore}). The keystore is looked at again at
 * the start of every handshake (one stat): a renewed certificate is used from the next connection on, without a
 * restart, and a keystore that cannot be used keeps the one in force, logged once per change.
 */
public final class Tls {
    private Tls() {}

    public static SSLContext serverContext(Path keystore, String password) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new ReloadingKeyManager(keystore, password.toCharArray())}, null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw ServiceException.badRequest("nbd_tls_keystore " + keystore + " cannot be used: " + e.getMessage());
        }
    }

    private static X509ExtendedKeyManager keyManager(Path keystore, char[] password) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, password);
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, password);
            for (KeyManager manager : factory.getKeyManagers()) {
                if (manager instanceof X509ExtendedKeyManager x509) {
                    return x509;
                }
            }
            throw new GeneralSecurityException("it holds no X.509 key");
        } catch (IOException | GeneralSecurityException e) {
            throw ServiceException.badRequest("nbd_tls_keystore " + keystore + " cannot be used: " + e.getMessage());
        }
    }

    /** Hands out the keystore's key and chain, reading the file again when it changed since the last handshake. */
    private static final class ReloadingKeyManager extends X509ExtendedKeyManager {
        private final ReloadingFile<X509ExtendedKeyManager> keys;
        private volatile X509ExtendedKeyManager current;

        ReloadingKeyManager(Path keystore, char[] password) {
            // A bad keystore stops the start.
            this.keys = ReloadingFile.load("nbd_tls_keystore " + keystore, () -> keyManager(keystore, password), keystore);
            this.current = keys.get();
        }

        /** Called as a server handshake begins; the chain and key asked for next come from the same manager. */
        private X509ExtendedKeyManager atHandshake() {
            current = keys.get();
            return current;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return atHandshake().chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return atHandshake().chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return current.getServerAliases(keyType, issuers);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return current.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return current.getPrivateKey(alias);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return current.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return current.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return current.chooseEngineClientAlias(keyType, issuers, engine);
        }
    }
}
