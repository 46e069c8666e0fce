package io.hearth.engine.block;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * SHA-256 by OpenSSL's libcrypto through Java's FFM API, when the library is there. Once C2 has compiled it, the JDK's
 * own SHA-256 runs as fast (both use the CPU's SHA instructions); but a short-lived process, a CLI backup, spends its
 * first seconds with the JIT's queue full of other methods, hashing in C1 code about ten times slower (a JFR profile of
 * a 2 GiB backup found 0.9 core-seconds there). OpenSSL runs at full speed from the first block. Not thread-safe: one
 * per hasher, as the digest context is reused block after block.
 */
final class OpenSslSha256 {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final Optional<Functions> FUNCTIONS = Functions.find();

    private final MemorySegment context;
    private final MemorySegment digest = Arena.ofAuto().allocate(32);

    private record Functions(MemorySegment sha256, MethodHandle newContext, MethodHandle freeContext, MethodHandle init,
            MethodHandle update, MethodHandle finish) {
        static Optional<Functions> find() {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup crypto = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
                ValueLayout.OfInt status = ValueLayout.JAVA_INT;
                MemorySegment md = (MemorySegment) linker.downcallHandle(crypto.find("EVP_sha256").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.ADDRESS)).invokeExact();
                return Optional.of(new Functions(md,
                        linker.downcallHandle(crypto.find("EVP_MD_CTX_new").orElseThrow(), FunctionDescriptor.of(ValueLayout.ADDRESS)),
                        linker.downcallHandle(crypto.find("EVP_MD_CTX_free").orElseThrow(), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS)),
                        linker.downcallHandle(crypto.find("EVP_DigestInit_ex").orElseThrow(),
                                FunctionDescriptor.of(status, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS), Linker.Option.critical(false)),
                        linker.downcallHandle(crypto.find("EVP_DigestUpdate").orElseThrow(),
                                FunctionDescriptor.of(status, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), Linker.Option.critical(false)),
                        linker.downcallHandle(crypto.find("EVP_DigestFinal_ex").orElseThrow(),
                                FunctionDescriptor.of(status, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS), Linker.Option.critical(false))));
            } catch (Throwable e) {
                // No libcrypto, or native access refused: the JDK's SHA-256 does the work.
                return Optional.empty();
            }
        }
    }

    private OpenSslSha256(MemorySegment context) {
        this.context = context;
    }

    /** A hasher over OpenSSL, or empty when libcrypto cannot be used here. */
    static Optional<OpenSslSha256> create() {
        if (FUNCTIONS.isEmpty()) {
            return Optional.empty();
        }
        try {
            MemorySegment context = (MemorySegment) FUNCTIONS.get().newContext().invokeExact();
            if (context.equals(MemorySegment.NULL)) {
                return Optional.empty();
            }
            OpenSslSha256 hasher = new OpenSslSha256(context);
            MethodHandle free = FUNCTIONS.get().freeContext();
            CLEANER.register(hasher, () -> {
                try {
                    free.invokeExact(context);
                } catch (Throwable ignored) {
                    // nothing to do: the process is going away or the context was never usable
                }
            });
            return Optional.of(hasher);
        } catch (Throwable e) {
            return Optional.empty();
        }
    }

    /** Hashes a direct buffer from its position to its limit into {@code out}; false for a heap buffer (the caller hashes it). */
    boolean hash(ByteBuffer data, byte[] out) {
        if (!data.isDirect()) {
            return false;
        }
        Functions f = FUNCTIONS.orElseThrow();
        MemorySegment input = MemorySegment.ofBuffer(data);
        try {
            if ((int) f.init().invokeExact(context, f.sha256(), MemorySegment.NULL) != 1
                    || (int) f.update().invokeExact(context, input, input.byteSize()) != 1
                    || (int) f.finish().invokeExact(context, digest, MemorySegment.NULL) != 1) {
                throw new IllegalStateException("OpenSSL's SHA-256 failed");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("OpenSSL's SHA-256 failed", e);
        }
        MemorySegment.copy(digest, ValueLayout.JAVA_BYTE, 0, out, 0, out.length);
        return true;
    }
}
