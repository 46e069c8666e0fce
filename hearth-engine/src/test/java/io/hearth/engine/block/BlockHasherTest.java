package io.hearth.engine.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
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
}
