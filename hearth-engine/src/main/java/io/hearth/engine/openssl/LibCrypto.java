package io.hearth.engine.openssl;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.util.Optional;

/**
 * OpenSSL's libcrypto, reached through Java's FFM API. Every caller has a pure-Java fallback: without the library, or
 * without native access granted to the process, {@link #find()} is empty and the JDK's providers do the work.
 */
final class LibCrypto {
    /** Frees native contexts when the Java object that owns one is collected. */
    static final Cleaner CLEANER = Cleaner.create();

    private static final Optional<LibCrypto> LIBRARY = load();

    private final Linker linker = Linker.nativeLinker();
    private final SymbolLookup symbols;

    private LibCrypto(SymbolLookup symbols) {
        this.symbols = symbols;
    }

    private static Optional<LibCrypto> load() {
        try {
            return Optional.of(new LibCrypto(SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global())));
        } catch (RuntimeException | Error e) {
            // No libcrypto here, or native access refused.
            return Optional.empty();
        }
    }

    static Optional<LibCrypto> find() {
        return LIBRARY;
    }

    /**
     * A handle to one function. Calls are marked critical (no thread-state transition) because each one is short
     * and never calls back into Java.
     */
    MethodHandle function(String name, FunctionDescriptor descriptor) {
        MemorySegment address = symbols.find(name).orElseThrow(() -> new IllegalStateException("libcrypto has no " + name));
        return linker.downcallHandle(address, descriptor, Linker.Option.critical(false));
    }

    /** A handle to a function that may run long (a key derivation): an ordinary downcall, so the GC is not held up. */
    MethodHandle longRunningFunction(String name, FunctionDescriptor descriptor) {
        MemorySegment address = symbols.find(name).orElseThrow(() -> new IllegalStateException("libcrypto has no " + name));
        return linker.downcallHandle(address, descriptor);
    }

    /** Releases a context made by {@code free}'s library when {@code owner} is collected. */
    static void freeWhenUnreachable(Object owner, MethodHandle free, MemorySegment context) {
        CLEANER.register(owner, () -> {
            try {
                free.invokeExact(context);
            } catch (Throwable ignored) {
                // nothing to do: the process is going away or the context was never usable
            }
        });
    }
}
