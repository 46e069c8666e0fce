package io.hearth.engine.source;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the data and the holes of a sparse file with {@code lseek(SEEK_DATA / SEEK_HOLE)}, so that
 * a backup never reads the unallocated part of a volume (cinder's chunked drivers read and hash
 * every zero). Java has no API for it, so this calls libc through the foreign-function API; where
 * that is not possible the file simply looks fully allocated and is read as before.
 */
final class SparseFiles {
    private static final int O_RDONLY = 0;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;

    private final MethodHandle open;
    private final MethodHandle lseek;
    private final MethodHandle close;

    private SparseFiles(MethodHandle open, MethodHandle lseek, MethodHandle close) {
        this.open = open;
        this.lseek = lseek;
        this.close = close;
    }

    /** The libc bindings, or empty on a platform without them. */
    static Optional<SparseFiles> load() {
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            MethodHandle open = linker.downcallHandle(libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), Linker.Option.firstVariadicArg(2));
            MethodHandle lseek = linker.downcallHandle(libc.find("lseek").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
            MethodHandle close = linker.downcallHandle(libc.find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            return Optional.of(new SparseFiles(open, lseek, close));
        } catch (RuntimeException | Error e) {
            return Optional.empty();
        }
    }

    /** An open descriptor for lseek queries. */
    final class Handle implements AutoCloseable {
        private final int fd;
        private final long size;

        private Handle(int fd, long size) {
            this.fd = fd;
            this.size = size;
        }

        /** The first offset at or after {@code position} that holds data, or the size if none does. */
        long nextData(long position) {
            return seek(position, SEEK_DATA);
        }

        /** The first offset at or after {@code position} that is in a hole (the size counts as one). */
        long nextHole(long position) {
            return seek(position, SEEK_HOLE);
        }

        private long seek(long position, int whence) {
            if (position >= size) {
                return size;
            }
            try {
                long result = (long) lseek.invokeExact(fd, position, whence);
                // -1: ENXIO (no data after position) or a file system without the feature.
                if (result < 0) {
                    return whence == SEEK_DATA ? size : size;
                }
                return Math.min(result, size);
            } catch (Throwable t) {
                return whence == SEEK_DATA ? position : size;
            }
        }

        @Override
        public void close() {
            try {
                int ignored = (int) close.invokeExact(fd);
            } catch (Throwable t) {
                // nothing to do: the descriptor is gone either way
            }
        }
    }

    Optional<Handle> open(Path path, long size) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(path.toAbsolutePath().toString());
            int fd = (int) open.invokeExact(name, O_RDONLY);
            return fd < 0 ? Optional.empty() : Optional.of(new Handle(fd, size));
        } catch (Throwable t) {
            return Optional.empty();
        }
    }
}
