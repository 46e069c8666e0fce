package io.hearth.engine.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.engine.openssl.OpenSslHmacSha256;
import io.hearth.engine.openssl.OpenSslSha256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class BlockHasherTest {
    @Test
    void openSslIsUsedOnThisMachineAndAgreesWithTheJdkOnEveryLengthAndPosition() throws Exception {
        // CI and developer machines have libcrypto (openssl is installed): the fast path must be the one tested.
        assertThat(OpenSslSha256.create()).as("libcrypto.so.3 through FFM").isPresent();
        BlockHasher hasher = BlockHasher.sha256();
        Random random = new Random(11);
        for (int length : new int[] {0, 1, 55, 56, 64, 4095, 32768, 65536 + 7}) {
            byte[] bytes = new byte[length + 10];
            random.nextBytes(bytes);
            ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).position(5).limit(5 + length);
            ByteBuffer heap = ByteBuffer.wrap(bytes).position(5).limit(5 + length);
            MessageDigest jdk = MessageDigest.getInstance("SHA-256");
            jdk.update(bytes, 5, length);
            String expected = HexFormat.of().formatHex(jdk.digest());
            assertThat(hasher.hash(direct).hex()).as("direct, %d bytes", length).isEqualTo(expected);
            assertThat(hasher.hash(heap).hex()).as("heap, %d bytes", length).isEqualTo(expected);
            assertThat(direct.position()).isEqualTo(5);
        }
        // The well-known digest of "abc" (FIPS 180-2), to tie both to the standard, not only to each other.
        ByteBuffer abc = ByteBuffer.allocateDirect(3).put("abc".getBytes()).flip();
        assertThat(hasher.hash(abc).hex()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void keyedIdsByOpenSslAgreeWithTheJdksHmacForShortAndLongKeys() throws Exception {
        assertThat(OpenSslHmacSha256.create(new byte[32])).as("libcrypto.so.3 through FFM").isPresent();
        Random random = new Random(12);
        for (int keyLength : new int[] {32, 64, 100}) {
            byte[] key = new byte[keyLength];
            random.nextBytes(key);
            SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
            BlockHasher hasher = BlockHasher.hmacSha256(spec);
            for (int length : new int[] {0, 1, 63, 64, 65, 32768, 65536 + 7}) {
                byte[] bytes = new byte[length + 10];
                random.nextBytes(bytes);
                ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).position(5).limit(5 + length);
                Mac jdk = Mac.getInstance("HmacSHA256");
                jdk.init(spec);
                jdk.update(bytes, 5, length);
                String expected = HexFormat.of().formatHex(jdk.doFinal());
                assertThat(hasher.hash(direct).hex()).as("key %d bytes, data %d bytes", keyLength, length).isEqualTo(expected);
                assertThat(hasher.hash(ByteBuffer.wrap(bytes, 5, length)).hex()).isEqualTo(expected);
                assertThat(direct.position()).isEqualTo(5);
            }
        }
        // RFC 4231, test case 2, to tie both to the standard.
        BlockHasher jefe = BlockHasher.hmacSha256(new SecretKeySpec("Jefe".getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        byte[] message = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer data = ByteBuffer.allocateDirect(message.length).put(message).flip();
        assertThat(jefe.hash(data).hex()).isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
