package io.hearth.nbd;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Deallocates ranges of a file with {@code fallocate(PUNCH_HOLE | KEEP_SIZE)}, which Java has no API for, so
 * that TRIM and WRITE_ZEROES keep a volume sparse. Called through the foreign-function API on a
 * descriptor of its own; where that is impossible, punching reports failure and callers write zeros.
 */
final class HolePuncher implements AutoCloseable {
    private static final int O_RDWR = 2;
    private static final int FALLOC_FL_KEEP_SIZE = 1;
    private static final int FALLOC_FL_PUNCH_HOLE = 2;

    private final MethodHandle fallocate;
    private final MethodHandle closeCall;
    private final int fd;

    private HolePuncher(MethodHandle fallocate, MethodHandle closeCall, int fd) {
        this.fallocate = fallocate;
        this.closeCall = closeCall;
        this.fd = fd;
    }

    static HolePuncher open(Path path) throws IOException {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle open = linker.downcallHandle(libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), Linker.Option.firstVariadicArg(2));
            MethodHandle fallocate = linker.downcallHandle(libc.find("fallocate").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
            MethodHandle close = linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            int fd = (int) open.invokeExact(arena.allocateFrom(path.toAbsolutePath().toString()), O_RDWR);
            if (fd < 0) {
                throw new IOException("cannot open " + path + " for writing");
            }
            return new HolePuncher(fallocate, close, fd);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("this platform offers no fallocate to Java: " + t, t);
        }
    }

    /** Deallocates the range, keeping the size; false where the file system cannot. */
    boolean punch(long offset, long length) {
        try {
            return (int) fallocate.invokeExact(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            int ignored = (int) closeCall.invokeExact(fd);
        } catch (Throwable t) {
            // the descriptor is gone either way
        }
    }
}
