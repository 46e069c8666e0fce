package io.hearth.target.rados;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.hearth.engine.HearthException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The few calls of librados's C API (librados.h) the rados target makes, bound with the FFM API. Thin on purpose: each
 * method is the C function of the same name, with pointers as {@link MemorySegment}s and the C return code as is;
 * {@link RadosConnection} turns codes into exceptions.
 */
final class Librados {
    static final String LIBRARY = "librados.so.2";
    /** {@code LIBRADOS_CREATE_EXCLUSIVE}: the create fails with {@code -EEXIST} if the object exists. */
    static final int CREATE_EXCLUSIVE = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    // size_t, uint64_t and time_t are all 64 bits on the 64-bit Linux that Debian's librados2 is built for.
    private static final FunctionDescriptor INT_P = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final FunctionDescriptor INT_PP = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    private static final FunctionDescriptor INT_PPP = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final FunctionDescriptor VOID_P = FunctionDescriptor.ofVoid(ADDRESS);

    private final MethodHandle create2;
    private final MethodHandle confReadFile;
    private final MethodHandle confSet;
    private final MethodHandle confGet;
    private final MethodHandle connect;
    private final MethodHandle shutdown;
    private final MethodHandle ioctxCreate;
    private final MethodHandle ioctxDestroy;
    private final MethodHandle setNamespace;
    private final MethodHandle createWriteOp;
    private final MethodHandle releaseWriteOp;
    private final MethodHandle writeOpCreate;
    private final MethodHandle writeOpWriteFull;
    private final MethodHandle writeOpOperate;
    private final MethodHandle read;
    private final MethodHandle stat;
    private final MethodHandle remove;
    private final MethodHandle listOpen;
    private final MethodHandle listNext;
    private final MethodHandle listClose;
    private final MethodHandle strerror;

    private Librados(SymbolLookup rados) {
        create2 = bind(rados, "rados_create2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        confReadFile = bind(rados, "rados_conf_read_file", INT_PP);
        confSet = bind(rados, "rados_conf_set", INT_PPP);
        confGet = bind(rados, "rados_conf_get", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        connect = bind(rados, "rados_connect", INT_P);
        shutdown = bind(rados, "rados_shutdown", VOID_P);
        ioctxCreate = bind(rados, "rados_ioctx_create", INT_PPP);
        ioctxDestroy = bind(rados, "rados_ioctx_destroy", VOID_P);
        setNamespace = bind(rados, "rados_ioctx_set_namespace", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        createWriteOp = bind(rados, "rados_create_write_op", FunctionDescriptor.of(ADDRESS));
        releaseWriteOp = bind(rados, "rados_release_write_op", VOID_P);
        writeOpCreate = bind(rados, "rados_write_op_create", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS));
        writeOpWriteFull = bind(rados, "rados_write_op_write_full", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG));
        writeOpOperate = bind(rados, "rados_write_op_operate",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        read = bind(rados, "rados_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
        stat = bind(rados, "rados_stat", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        remove = bind(rados, "rados_remove", INT_PP);
        listOpen = bind(rados, "rados_nobjects_list_open", INT_PP);
        listNext = bind(rados, "rados_nobjects_list_next", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        listClose = bind(rados, "rados_nobjects_list_close", VOID_P);
        strerror = bind(LINKER.defaultLookup(), "strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /** Loads librados, or fails with the package to install. */
    static Librados load() {
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException e) {
            throw HearthException.badInput("the rados target needs librados (" + LIBRARY + "), which this machine lacks: "
                    + "install the Debian package librados2");
        }
        return new Librados(lookup);
    }

    private static MethodHandle bind(SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = lookup.find(name).orElseThrow(() -> new IllegalStateException(LIBRARY + " has no " + name));
        return LINKER.downcallHandle(symbol, descriptor);
    }

    private static Object call(MethodHandle function, Object... arguments) {
        try {
            return function.invokeWithArguments(arguments);
        } catch (Throwable e) {
            // A downcall cannot throw; only a binding mistake (a wrong argument type) ends here.
            throw new IllegalStateException("calling librados failed", e);
        }
    }

    int create2(MemorySegment clusterOut, MemorySegment clusterName, MemorySegment name, long flags) {
        return (int) call(create2, clusterOut, clusterName, name, flags);
    }

    int confReadFile(MemorySegment cluster, MemorySegment path) {
        return (int) call(confReadFile, cluster, path);
    }

    int confSet(MemorySegment cluster, MemorySegment option, MemorySegment value) {
        return (int) call(confSet, cluster, option, value);
    }

    int confGet(MemorySegment cluster, MemorySegment option, MemorySegment buffer, long length) {
        return (int) call(confGet, cluster, option, buffer, length);
    }

    int connect(MemorySegment cluster) {
        return (int) call(connect, cluster);
    }

    void shutdown(MemorySegment cluster) {
        call(shutdown, cluster);
    }

    int ioctxCreate(MemorySegment cluster, MemorySegment pool, MemorySegment ioctxOut) {
        return (int) call(ioctxCreate, cluster, pool, ioctxOut);
    }

    void ioctxDestroy(MemorySegment io) {
        call(ioctxDestroy, io);
    }

    void setNamespace(MemorySegment io, MemorySegment namespace) {
        call(setNamespace, io, namespace);
    }

    MemorySegment createWriteOp() {
        return (MemorySegment) call(createWriteOp);
    }

    void releaseWriteOp(MemorySegment op) {
        call(releaseWriteOp, op);
    }

    void writeOpCreate(MemorySegment op, int exclusive, MemorySegment category) {
        call(writeOpCreate, op, exclusive, category);
    }

    void writeOpWriteFull(MemorySegment op, MemorySegment buffer, long length) {
        call(writeOpWriteFull, op, buffer, length);
    }

    int writeOpOperate(MemorySegment op, MemorySegment io, MemorySegment oid, MemorySegment mtime, int flags) {
        return (int) call(writeOpOperate, op, io, oid, mtime, flags);
    }

    int read(MemorySegment io, MemorySegment oid, MemorySegment buffer, long length, long offset) {
        return (int) call(read, io, oid, buffer, length, offset);
    }

    int stat(MemorySegment io, MemorySegment oid, MemorySegment sizeOut, MemorySegment mtimeOut) {
        return (int) call(stat, io, oid, sizeOut, mtimeOut);
    }

    int remove(MemorySegment io, MemorySegment oid) {
        return (int) call(remove, io, oid);
    }

    int listOpen(MemorySegment io, MemorySegment ctxOut) {
        return (int) call(listOpen, io, ctxOut);
    }

    int listNext(MemorySegment ctx, MemorySegment entryOut, MemorySegment keyOut, MemorySegment namespaceOut) {
        return (int) call(listNext, ctx, entryOut, keyOut, namespaceOut);
    }

    void listClose(MemorySegment ctx) {
        call(listClose, ctx);
    }

    /** The C library's words for an errno value. */
    String strerror(int errno) {
        MemorySegment text = (MemorySegment) call(strerror, errno);
        return text.reinterpret(1024).getString(0);
    }
}
