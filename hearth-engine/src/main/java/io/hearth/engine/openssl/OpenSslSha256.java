package io.hearth.engine.openssl;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * SHA-256 by OpenSSL's libcrypto, when the library is there. Once C2 has compiled it, the JDK's own SHA-256 runs as
 * fast (both use the CPU's SHA instructions); but a short-lived process, a CLI backup, spends its first seconds with
 * the JIT's queue full of other methods, hashing in C1 code about ten times slower (a JFR profile of a 2 GiB backup
 * found 0.9 core-seconds there). OpenSSL runs at full speed from the first block. Not thread-safe: one per hasher, as
 * the digest context is reused block after block.
 */
public final class OpenSslSha256 {
    static final int DIGEST_BYTES = 32;
    private static final Optional<Functions> FUNCTIONS = LibCrypto.find().flatMap(Functions::find);

    private final MemorySegment context;
    private final MemorySegment digest = Arena.ofAuto().allocate(DIGEST_BYTES);

    private record Functions(MemorySegment sha256, MethodHandle newContext, MethodHandle freeContext, MethodHandle init,
            MethodHandle update, MethodHandle finish) {
        static Optional<Functions> find(LibCrypto crypto) {
            try {
                ValueLayout.OfInt status = ValueLayout.JAVA_INT;
                MemorySegment md = (MemorySegment) crypto.function("EVP_sha256", FunctionDescriptor.of(ValueLayout.ADDRESS)).invokeExact();
                return Optional.of(new Functions(md,
                        crypto.function("EVP_MD_CTX_new", FunctionDescriptor.of(ValueLayout.ADDRESS)),
                        crypto.function("EVP_MD_CTX_free", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS)),
                        crypto.function("EVP_DigestInit_ex", FunctionDescriptor.of(status, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS)),
                        crypto.function("EVP_DigestUpdate", FunctionDescriptor.of(status, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG)),
                        crypto.function("EVP_DigestFinal_ex", FunctionDescriptor.of(status, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS))));
            } catch (Throwable e) {
                return Optional.empty();
            }
        }
    }

    private OpenSslSha256(MemorySegment context) {
        this.context = context;
    }

    /** A hasher over OpenSSL, or empty when libcrypto cannot be used here. */
    public static Optional<OpenSslSha256> create() {
        if (FUNCTIONS.isEmpty()) {
            return Optional.empty();
        }
        try {
            MemorySegment context = (MemorySegment) FUNCTIONS.get().newContext().invokeExact();
            if (context.equals(MemorySegment.NULL)) {
                return Optional.empty();
            }
            OpenSslSha256 hasher = new OpenSslSha256(context);
            LibCrypto.freeWhenUnreachable(hasher, FUNCTIONS.get().freeContext(), context);
            return Optional.of(hasher);
        } catch (Throwable e) {
            return Optional.empty();
        }
    }

    /** Hashes a direct buffer from its position to its limit into {@code out}; false for a heap buffer (the caller hashes it). */
    public boolean hash(ByteBuffer data, byte[] out) {
        if (!data.isDirect()) {
            return false;
        }
        digest(null, MemorySegment.ofBuffer(data), digest);
        MemorySegment.copy(digest, ValueLayout.JAVA_BYTE, 0, out, 0, out.length);
        return true;
    }

    /** The SHA-256 of {@code prefix} (when not null) followed by {@code data}, into {@code into}'s first 32 bytes. */
    void digest(MemorySegment prefix, MemorySegment data, MemorySegment into) {
        Functions f = FUNCTIONS.orElseThrow();
        try {
            if ((int) f.init().invokeExact(context, f.sha256(), MemorySegment.NULL) != 1
                    || prefix != null && (int) f.update().invokeExact(context, prefix, prefix.byteSize()) != 1
                    || (int) f.update().invokeExact(context, data, data.byteSize()) != 1
                    || (int) f.finish().invokeExact(context, into, MemorySegment.NULL) != 1) {
                throw new IllegalStateException("OpenSSL's SHA-256 failed");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("OpenSSL's SHA-256 failed", e);
        }
    }
}
