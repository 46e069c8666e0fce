package io.hearth.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.HearthException;
import io.hearth.engine.openssl.OpenSslAesGcm;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Direct buffers are sealed by OpenSSL, heap buffers by the JDK: each must open what the other sealed. */
class BlobSealerTest {
    private final RepositoryKey key = RepositoryKey.generate(new SecureRandom());
    private final BlobSealer sealer = new BlobSealer(key, new SecureRandom());

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length + 8).position(3).put(bytes).flip().position(3);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    @Test
    void openSslAndTheJdkSealTheSameFormat() {
        assertThat(OpenSslAesGcm.create(key.encryptionKey().getEncoded())).as("libcrypto.so.3 through FFM").isPresent();
        Random random = new Random(5);
        for (int length : new int[] {0, 1, 15, 16, 17, 4096, 32768 + 3}) {
            byte[] plain = new byte[length];
            random.nextBytes(plain);

            ByteBuffer sealedNatively = ByteBuffer.allocateDirect(length + BlobSealer.OVERHEAD);
            sealer.seal(direct(plain), sealedNatively);
            assertThat(sealedNatively.remaining()).isEqualTo(length + BlobSealer.OVERHEAD);
            assertThat(sealer.open(bytes(sealedNatively), "a blob")).as("JDK opens OpenSSL's, %d bytes", length).isEqualTo(plain);

            byte[] sealedByJdk = sealer.seal(plain);
            ByteBuffer opened = ByteBuffer.allocateDirect(length + 1);
            sealer.open(direct(sealedByJdk), opened, "a blob");
            assertThat(bytes(opened)).as("OpenSSL opens the JDK's, %d bytes", length).isEqualTo(plain);
        }
    }

    @Test
    void aChangedByteOrAnotherKeyFailsAuthenticationOnEitherPath() {
        byte[] plain = new byte[1000];
        new Random(6).nextBytes(plain);
        ByteBuffer sealed = ByteBuffer.allocateDirect(plain.length + BlobSealer.OVERHEAD);
        sealer.seal(direct(plain), sealed);
        for (int at : new int[] {0, BlobSealer.NONCE_BYTES + 10, sealed.limit() - 1}) {
            byte[] changed = bytes(sealed);
            changed[at] ^= 1;
            ByteBuffer out = ByteBuffer.allocateDirect(plain.length);
            assertThatThrownBy(() -> sealer.open(direct(changed), out, "blob 7"))
                    .isInstanceOf(HearthException.class).hasMessageContaining("blob 7 fails authentication");
            assertThatThrownBy(() -> sealer.open(changed, "blob 7"))
                    .isInstanceOf(HearthException.class).hasMessageContaining("blob 7 fails authentication");
        }
        BlobSealer other = new BlobSealer(RepositoryKey.generate(new SecureRandom()), new SecureRandom());
        assertThatThrownBy(() -> other.open(sealed.duplicate(), ByteBuffer.allocateDirect(plain.length), "blob 8"))
                .isInstanceOf(HearthException.class).hasMessageContaining("fails authentication");
    }
}
