package io.hearth.service.tls;

import io.hearth.engine.HearthException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * PEM files as operators have them (what openssl writes) read into what the JDK takes: X.509 certificates, and a
 * private key in PKCS#8, or in PKCS#1 (RSA) or SEC1 (EC) form, which are wrapped into PKCS#8 here. Every failure
 * names the option and the file and says what to do.
 */
public final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    /** DER of the AlgorithmIdentifier {rsaEncryption, NULL}. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
            0x01, 0x01, 0x05, 0x00};
    /** DER of the OID id-ecPublicKey. */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private PemFiles() {}

    /** Every certificate of the file, in order (a server's own first, then its chain). */
    public static List<X509Certificate> certificates(String option, Path file) {
        byte[] pem = read(option, file);
        try (InputStream in = new ByteArrayInputStream(pem)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw new CertificateException("no certificate in it");
            }
            return certificates;
        } catch (CertificateException | IOException e) {
            throw HearthException.badInput(option + " = " + file + " holds no usable PEM certificate (" + e.getMessage()
                    + "): it must hold '-----BEGIN CERTIFICATE-----' blocks.");
        }
    }

    /** A key store trusting every certificate of the file (the CAs of {@code ca_file}, or a client's {@code --os-cacert}). */
    public static KeyStore trustStore(String option, Path file) {
        List<X509Certificate> cas = certificates(option, file);
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                trusted.setCertificateEntry("ca-" + i, cas.get(i));
            }
            return trusted;
        } catch (GeneralSecurityException | IOException e) {
            throw HearthException.badInput(option + " = " + file + " cannot be used as trusted CAs: " + e.getMessage());
        }
    }

    /** A client's TLS context trusting the CAs of the file (and no others). */
    public static SSLContext clientContext(String option, Path file) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore(option, file));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS", e);
        }
    }

    /** The one private key of the file. */
    public static PrivateKey privateKey(String option, Path file) {
        String text = new String(read(option, file), java.nio.charset.StandardCharsets.US_ASCII);
        Matcher block = BLOCK.matcher(text);
        while (block.find()) {
            String type = block.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(block.group(2).strip());
            } catch (IllegalArgumentException e) {
                throw badKey(option, file, "its " + type + " block is not valid base64");
            }
            switch (type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(option, file, der);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(option, file, sequence(integer0(), RSA_ALGORITHM, octetString(der)));
                }
                case "EC PRIVATE KEY" -> {
                    return pkcs8(option, file, sequence(integer0(), sequence(EC_PUBLIC_KEY, curveOf(option, file, der)), octetString(der)));
                }
                case "ENCRYPTED PRIVATE KEY" -> throw badKey(option, file, "the key is encrypted, and Hearth takes no passphrase;"
                        + " write it unencrypted, readable by Hearth alone (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem)");
                default -> { } // parameters and certificates may sit beside the key
            }
        }
        throw badKey(option, file, "no '-----BEGIN PRIVATE KEY-----' (or RSA or EC PRIVATE KEY) block in it");
    }

    /** Fails unless {@code key} is the private half of the certificate's public key: a key for the wrong certificate. */
    public static void requireMatch(PrivateKey key, X509Certificate certificate, Path keyFile, Path certFile) {
        PublicKey publicKey = certificate.getPublicKey();
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA sign as themselves
        };
        boolean matches;
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw HearthException.badInput("[ssl] key_file = " + keyFile + " is not the key of the certificate in cert_file = " + certFile
                    + " (" + key.getAlgorithm() + " key, " + publicKey.getAlgorithm() + " certificate for "
                    + certificate.getSubjectX500Principal().getName() + "): give the key the certificate was issued for.");
        }
    }

    private static byte[] read(String option, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw HearthException.badInput(option + " = " + file + " does not exist: correct the path.");
        } catch (IOException e) {
            throw HearthException.badInput(option + " = " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static PrivateKey pkcs8(String option, Path file, byte[] der) {
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this algorithm's key: try the next
            }
        }
        throw badKey(option, file, "the key is neither an RSA, an EC nor an EdDSA private key");
    }

    private static HearthException badKey(String option, Path file, String why) {
        return HearthException.badInput(option + " = " + file + " holds no usable private key: " + why + ".");
    }

    /**
     * The named curve of a SEC1 key (RFC 5915): SEQUENCE { INTEGER 1, OCTET STRING key, [0] OID curve, [1] public }.
     * PKCS#8 carries the curve in the algorithm's parameters, so it is needed there.
     */
    private static byte[] curveOf(String option, Path file, byte[] sec1) {
        try {
            int[] at = {0};
            expect(sec1, at, 0x30);
            int end = length(sec1, at) + at[0];
            while (at[0] < end) {
                int tag = sec1[at[0]++] & 0xff;
                int start = at[0];
                int length = length(sec1, at);
                if (tag == 0xa0) {
                    int oid = at[0];
                    expect(sec1, at, 0x06);
                    int oidLength = length(sec1, at);
                    return java.util.Arrays.copyOfRange(sec1, oid, at[0] + oidLength);
                }
                at[0] = at[0] + length;
                if (at[0] <= start) {
                    break;
                }
            }
        } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
            // falls through to the error below
        }
        throw badKey(option, file, "its EC PRIVATE KEY block names no curve; convert it with openssl pkcs8 -topk8 -nocrypt");
    }

    private static void expect(byte[] der, int[] at, int tag) {
        if ((der[at[0]++] & 0xff) != tag) {
            throw new IllegalArgumentException("unexpected DER tag");
        }
    }

    private static int length(byte[] der, int[] at) {
        int first = der[at[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            length = (length << 8) | (der[at[0]++] & 0xff);
        }
        if (length < 0 || first - 0x80 > 3) {
            throw new IllegalArgumentException("DER length out of range");
        }
        return length;
    }

    private static byte[] integer0() {
        return new byte[] {0x02, 0x01, 0x00};
    }

    private static byte[] octetString(byte[] content) {
        return tagged(0x04, content);
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.writeBytes(part);
        }
        return tagged(0x30, content.toByteArray());
    }

    private static byte[] tagged(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
