package io.hearth.engine.openssl;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * AES-256-GCM by OpenSSL's libcrypto on direct buffers, producing exactly what the JDK's "AES/GCM/NoPadding" does
 * (ciphertext, then a 128-bit tag; 96-bit nonce). The JDK's cipher reaches OpenSSL's speed only after C2 has compiled
 * it, and on direct buffers it copies through arrays; a short CLI run pays for both. One encrypting and one decrypting
 * context, each keyed once; every call sets only the nonce. Not thread-safe: one per sealer.
 */
public final class OpenSslAesGcm {
    public static final int KEY_BYTES = 32;
    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;
    private static final int CTRL_GCM_GET_TAG = 0x10;
    private static final int CTRL_GCM_SET_TAG = 0x11;
    private static final Optional<Functions> FUNCTIONS = LibCrypto.find().flatMap(Functions::find);

    private final MemorySegment encrypting;
    private final MemorySegment decrypting;
    private final MemorySegment nonce;
    private final MemorySegment tag;
    private final MemorySegment length;

    private record Functions(MemorySegment aes256Gcm, MethodHandle newContext, MethodHandle freeContext,
            MethodHandle encryptInit, MethodHandle encryptUpdate, MethodHandle encryptFinal,
            MethodHandle decryptInit, MethodHandle decryptUpdate, MethodHandle decryptFinal, MethodHandle control) {
        static Optional<Functions> find(LibCrypto crypto) {
            try {
                ValueLayout.OfInt status = ValueLayout.JAVA_INT;
                ValueLayout address = ValueLayout.ADDRESS;
                FunctionDescriptor init = FunctionDescriptor.of(status, address, address, address, address, address);
                FunctionDescriptor update = FunctionDescriptor.of(status, address, address, address, address, ValueLayout.JAVA_INT);
                FunctionDescriptor finish = FunctionDescriptor.of(status, address, address, address);
                MemorySegment cipher = (MemorySegment) crypto.function("EVP_aes_256_gcm", FunctionDescriptor.of(address)).invokeExact();
                return Optional.of(new Functions(cipher,
                        crypto.function("EVP_CIPHER_CTX_new", FunctionDescriptor.of(address)),
                        crypto.function("EVP_CIPHER_CTX_free", FunctionDescriptor.ofVoid(address)),
                        crypto.function("EVP_EncryptInit_ex", init),
                        crypto.function("EVP_EncryptUpdate", update),
                        crypto.function("EVP_EncryptFinal_ex", finish),
                        crypto.function("EVP_DecryptInit_ex", init),
                        crypto.function("EVP_DecryptUpdate", update),
                        crypto.function("EVP_DecryptFinal_ex", finish),
                        crypto.function("EVP_CIPHER_CTX_ctrl", FunctionDescriptor.of(status, address, status, status, address))));
            } catch (Throwable e) {
                return Optional.empty();
            }
        }
    }

    private OpenSslAesGcm(MemorySegment encrypting, MemorySegment decrypting) {
        this.encrypting = encrypting;
        this.decrypting = decrypting;
        Arena arena = Arena.ofAuto();
        this.nonce = arena.allocate(NONCE_BYTES);
        this.tag = arena.allocate(TAG_BYTES);
        this.length = arena.allocate(ValueLayout.JAVA_INT);
    }

    /** A cipher under the 32-byte {@code key} over OpenSSL, or empty when libcrypto cannot be used here. */
    public static Optional<OpenSslAesGcm> create(byte[] key) {
        if (key.length != KEY_BYTES || FUNCTIONS.isEmpty()) {
            return Optional.empty();
        }
        Functions f = FUNCTIONS.get();
        try (Arena keyArena = Arena.ofConfined()) {
            MemorySegment keyCopy = keyArena.allocate(KEY_BYTES).copyFrom(MemorySegment.ofArray(key));
            MemorySegment encrypting = (MemorySegment) f.newContext().invokeExact();
            MemorySegment decrypting = (MemorySegment) f.newContext().invokeExact();
            if (encrypting.equals(MemorySegment.NULL) || decrypting.equals(MemorySegment.NULL)) {
                return Optional.empty();
            }
            OpenSslAesGcm cipher = new OpenSslAesGcm(encrypting, decrypting);
            LibCrypto.freeWhenUnreachable(cipher, f.freeContext(), encrypting);
            LibCrypto.freeWhenUnreachable(cipher, f.freeContext(), decrypting);
            boolean keyed = (int) f.encryptInit().invokeExact(encrypting, f.aes256Gcm(), MemorySegment.NULL, keyCopy, MemorySegment.NULL) == 1
                    && (int) f.decryptInit().invokeExact(decrypting, f.aes256Gcm(), MemorySegment.NULL, keyCopy, MemorySegment.NULL) == 1;
            keyCopy.fill((byte) 0);
            return keyed ? Optional.of(cipher) : Optional.empty();
        } catch (Throwable e) {
            return Optional.empty();
        }
    }

    /**
     * Encrypts {@code plain} (direct; position to limit, left unchanged) into {@code out} (direct; from its position,
     * which must have room for the ciphertext, as long as the plain data) and puts the tag in {@code tagOut}.
     */
    public void encrypt(byte[] nonceBytes, ByteBuffer plain, ByteBuffer out, byte[] tagOut) {
        Functions f = FUNCTIONS.orElseThrow();
        MemorySegment input = MemorySegment.ofBuffer(plain);
        MemorySegment output = MemorySegment.ofBuffer(out).asSlice(0, input.byteSize());
        MemorySegment.copy(nonceBytes, 0, nonce, ValueLayout.JAVA_BYTE, 0, NONCE_BYTES);
        try {
            if ((int) f.encryptInit().invokeExact(encrypting, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL, nonce) != 1
                    || (int) f.encryptUpdate().invokeExact(encrypting, output, length, input, (int) input.byteSize()) != 1
                    || length.get(ValueLayout.JAVA_INT, 0) != input.byteSize()
                    || (int) f.encryptFinal().invokeExact(encrypting, output.asSlice(input.byteSize()), length) != 1
                    || (int) f.control().invokeExact(encrypting, CTRL_GCM_GET_TAG, TAG_BYTES, tag) != 1) {
                throw new IllegalStateException("OpenSSL's AES-256-GCM failed to encrypt");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("OpenSSL's AES-256-GCM failed to encrypt", e);
        }
        MemorySegment.copy(tag, ValueLayout.JAVA_BYTE, 0, tagOut, 0, TAG_BYTES);
    }

    /**
     * Decrypts {@code ciphertext} (direct; position to limit, left unchanged) into {@code out} (direct; from its
     * position) and checks {@code tagBytes}.
     *
     * @return false if the tag does not match: the data was changed or sealed under another key (what was written
     *     to {@code out} must then be ignored)
     */
    public boolean decrypt(byte[] nonceBytes, ByteBuffer ciphertext, ByteBuffer out, byte[] tagBytes) {
        Functions f = FUNCTIONS.orElseThrow();
        MemorySegment input = MemorySegment.ofBuffer(ciphertext);
        MemorySegment output = MemorySegment.ofBuffer(out).asSlice(0, input.byteSize());
        MemorySegment.copy(nonceBytes, 0, nonce, ValueLayout.JAVA_BYTE, 0, NONCE_BYTES);
        MemorySegment.copy(tagBytes, 0, tag, ValueLayout.JAVA_BYTE, 0, TAG_BYTES);
        try {
            if ((int) f.decryptInit().invokeExact(decrypting, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL, nonce) != 1
                    || (int) f.decryptUpdate().invokeExact(decrypting, output, length, input, (int) input.byteSize()) != 1
                    || length.get(ValueLayout.JAVA_INT, 0) != input.byteSize()
                    || (int) f.control().invokeExact(decrypting, CTRL_GCM_SET_TAG, TAG_BYTES, tag) != 1) {
                throw new IllegalStateException("OpenSSL's AES-256-GCM failed to decrypt");
            }
            return (int) f.decryptFinal().invokeExact(decrypting, output.asSlice(input.byteSize()), length) == 1;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("OpenSSL's AES-256-GCM failed to decrypt", e);
        }
    }
}
