package io.hearth.engine.openssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.generators.SCrypt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OpenSSL's scrypt gives RFC 7914's test vectors and the same bytes as BouncyCastle, which derives keys without it. */
class OpenSslScryptTest {
    @BeforeAll
    static void libcryptoIsThere() {
        // CI installs openssl (libcrypto.so.3); a machine without it uses BouncyCastle only, and this test has nothing to check.
        assumeTrue(OpenSslScrypt.derive(new byte[0], new byte[0], 16, 1, 1, 16).isPresent(), "libcrypto.so.3 is not loadable here");
    }

    private static byte[] derive(String password, String salt, long n, long r, long p, int length) {
        return OpenSslScrypt.derive(password.getBytes(StandardCharsets.UTF_8), salt.getBytes(StandardCharsets.UTF_8), n, r, p, length)
                .orElseThrow();
    }

    @Test
    void rfc7914TestVectors() {
        assertThat(HexFormat.of().formatHex(derive("", "", 16, 1, 1, 64))).isEqualTo("77d6576238657b203b19ca42c18a0497f16b4844e3074ae8"
                + "dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
        assertThat(HexFormat.of().formatHex(derive("password", "NaCl", 1024, 8, 16, 64))).isEqualTo("fdbabe1c9d3472007856e7190d01e9fe7c6a"
                + "d7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
    }

    @Test
    void sameBytesAsBouncyCastleForRepositoryParameters() {
        Random random = new Random(7914);
        for (int round = 0; round < 4; round++) {
            byte[] password = new byte[random.nextInt(40)];
            random.nextBytes(password);
            byte[] salt = new byte[32];
            random.nextBytes(salt);
            int n = 1 << (10 + 2 * (round % 3)); // 2^10, 2^12, 2^14
            assertThat(OpenSslScrypt.derive(password, salt, n, 8, 1, 32).orElseThrow())
                    .as("N=%d, password of %d bytes", n, password.length).isEqualTo(SCrypt.generate(password, salt, n, 8, 1, 32));
        }
        // The repositories' own N = 2^15, r = 8: more than OpenSSL's default memory limit, so the limit must be raised.
        byte[] salt = new byte[32];
        assertThat(OpenSslScrypt.derive("secret".getBytes(StandardCharsets.UTF_8), salt, 1 << 15, 8, 1, 32).orElseThrow())
                .isEqualTo(SCrypt.generate("secret".getBytes(StandardCharsets.UTF_8), salt, 1 << 15, 8, 1, 32));
    }

    @Test
    void parametersOpenSslRefusesAreEmptySoTheCallerFallsBack() {
        // N must be a power of two greater than 1.
        assertThat(OpenSslScrypt.derive(new byte[1], new byte[1], 3, 8, 1, 32)).isEmpty();
    }
}
