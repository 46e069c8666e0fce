package io.hearth.engine.openssl;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * scrypt (RFC 7914) by OpenSSL's {@code EVP_PBE_scrypt}. Unlocking a repository derives its key-encryption key once per
 * command; in a JVM that has just started, a Java scrypt runs interpreted and took about 0.6 s of a one-shot CLI
 * command for restic's parameters (N = 2^15, r = 8), most of what encryption added to a 2 GiB restore. OpenSSL does
 * the same work in a fraction of that.
 */
public final class OpenSslScrypt {
    private static final ValueLayout.OfLong SIZE = ValueLayout.JAVA_LONG;
    private static final Optional<MethodHandle> SCRYPT = LibCrypto.find().flatMap(crypto -> {
        try {
            return Optional.of(crypto.longRunningFunction("EVP_PBE_scrypt", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, SIZE, ValueLayout.ADDRESS, SIZE, SIZE, SIZE, SIZE, SIZE, ValueLayout.ADDRESS, SIZE)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    });

    private OpenSslScrypt() {}

    /**
     * The {@code keyLength}-byte scrypt of {@code password} and {@code salt}, or empty when libcrypto cannot compute it
     * here (absent, or parameters it refuses); the caller then derives it in Java.
     */
    public static Optional<byte[]> derive(byte[] password, byte[] salt, long n, long r, long p, int keyLength) {
        if (SCRYPT.isEmpty()) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pass = copy(arena, password);
            MemorySegment saltBytes = copy(arena, salt);
            MemorySegment key = arena.allocate(keyLength);
            // OpenSSL refuses to use more memory than this: what the parameters need (128 r (N + p + 2) bytes) and a MiB.
            long maxMemory = Math.addExact(Math.multiplyExact(128L * r, Math.addExact(n, p + 2)), 1L << 20);
            int status = (int) SCRYPT.get().invokeExact(pass, (long) password.length, saltBytes, (long) salt.length, n, r, p, maxMemory,
                    key, (long) keyLength);
            byte[] derived = key.toArray(ValueLayout.JAVA_BYTE);
            pass.fill((byte) 0);
            key.fill((byte) 0);
            return status == 1 ? Optional.of(derived) : Optional.empty();
        } catch (ArithmeticException e) {
            return Optional.empty();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            return Optional.empty();
        }
    }

    /** The bytes in native memory (at least one byte, so that an empty password is still a valid pointer). */
    private static MemorySegment copy(Arena arena, byte[] bytes) {
        MemorySegment segment = arena.allocate(Math.max(1, bytes.length));
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment;
    }
}
