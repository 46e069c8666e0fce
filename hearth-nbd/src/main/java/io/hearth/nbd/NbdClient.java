package io.hearth.nbd;

import static io.hearth.nbd.Nbd.*;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An NBD client: the newstyle fixed handshake with structured replies and base:allocation, then requests
 * from any number of threads at once. One reader thread matches replies to requests by cookie and reads
 * data straight into the caller's buffer, so many requests can be in flight on one connection.
 */
public final class NbdClient implements AutoCloseable {
    /** Reads and writes larger than this are split into requests sent back to back, all in flight together. */
    private static final int REQUEST_BYTES = 256 << 10;
    /** Direct buffers are copied to the stream through this much heap at a time (under the stream's lock). */
    private static final int COPY_BYTES = 64 << 10;
    /** Read-only zeros that fill the caller's buffer where the server replies with a hole. */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10).asReadOnlyBuffer();

    /** Where and what to connect to. */
    public record Target(String host, int port, String exportName, Optional<SSLContext> tls) {
        public static Target plain(String host, int port, String exportName) {
            return new Target(host, port, exportName, Optional.empty());
        }

        /** Whether {@code location} is an NBD URI rather than a path. */
        public static boolean isUri(String location) {
            return location.startsWith("nbd://");
        }

        /** Parses {@code nbd://HOST[:PORT]/EXPORT} (the port defaults to 10809), as qemu and libnbd write it. */
        public static Target parse(String uri) {
            java.net.URI parsed;
            try {
                parsed = new java.net.URI(uri);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("not an NBD URI: " + uri + " (" + e.getReason() + ")");
            }
            if (!"nbd".equals(parsed.getScheme()) || parsed.getHost() == null) {
                throw new IllegalArgumentException("not an NBD URI (nbd://HOST[:PORT]/EXPORT): " + uri);
            }
            String path = parsed.getPath() == null ? "" : parsed.getPath();
            String host = parsed.getHost().startsWith("[") ? parsed.getHost().substring(1, parsed.getHost().length() - 1) : parsed.getHost();
            return plain(host, parsed.getPort() < 0 ? 10809 : parsed.getPort(), path.startsWith("/") ? path.substring(1) : path);
        }
    }

    private final Target target;
    private final Socket socket;
    private final ChannelInput in;
    private final DataOutputStream out;
    private final long size;
    private final int flags;
    private final boolean structured;
    private final Optional<Integer> allocationContext;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong cookies = new AtomicLong();
    private final Thread reader;
    private final byte[] copy = new byte[COPY_BYTES];
    private volatile IOException failure;

    private static final class Pending {
        final int type;
        final long offset;
        final ByteBuffer destination;
        final List<Extent> extents = new ArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        NbdException error;

        Pending(int type, long offset, ByteBuffer destination) {
            this.type = type;
            this.offset = offset;
            this.destination = destination;
        }
    }

    private record Handshake(Socket socket, DataInputStream in, DataOutputStream out, long size, int flags, boolean structured,
            Optional<Integer> allocationContext) {}

    private NbdClient(Target target, Handshake handshake) {
        this.target = target;
        this.socket = handshake.socket();
        // The handshake's buffered stream is empty here: the server sends nothing until asked. A TLS socket answers
        // getChannel() with the plain channel beneath it, so only a plain connection reads from its channel.
        this.in = new ChannelInput(socket instanceof SSLSocket || socket.getChannel() == null ? Channels.newChannel(handshake.in())
                : socket.getChannel());
        this.out = handshake.out();
        this.size = handshake.size();
        this.flags = handshake.flags();
        this.structured = handshake.structured();
        this.allocationContext = handshake.allocationContext();
        this.reader = Thread.ofVirtual().name("nbd-client-" + target.host() + ":" + target.port()).start(this::readReplies);
    }

    public static NbdClient connect(Target target, Duration timeout) throws IOException {
        // A channel's socket: replies are then read from the channel straight into the callers' buffers.
        Socket socket = SocketChannel.open().socket();
        try {
            socket.connect(new InetSocketAddress(target.host(), target.port()), (int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) timeout.toMillis());
            Handshake handshake = handshake(target, socket);
            handshake.socket().setSoTimeout(0);
            return new NbdClient(target, handshake);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static Handshake handshake(Target target, Socket socket) throws IOException {
        var in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 << 10));
        var out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 << 10));
        if (in.readLong() != NBDMAGIC || in.readLong() != IHAVEOPT) {
            throw new IOException(describe(target) + " is not a newstyle NBD server");
        }
        int serverFlags = in.readUnsignedShort();
        if ((serverFlags & FLAG_FIXED_NEWSTYLE) == 0) {
            throw new IOException(describe(target) + " does not speak the fixed newstyle handshake");
        }
        out.writeInt(FLAG_C_FIXED_NEWSTYLE | (serverFlags & FLAG_NO_ZEROES));
        if (target.tls().isPresent()) {
            option(out, OPT_STARTTLS, new byte[0]);
            expectAck(target, in, OPT_STARTTLS);
            SSLSocket tls = (SSLSocket) target.tls().get().getSocketFactory().createSocket(socket, target.host(), target.port(), true);
            tls.setUseClientMode(true);
            var parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            socket = tls;
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 << 10));
            out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 << 10));
        }
        option(out, OPT_STRUCTURED_REPLY, new byte[0]);
        boolean structured = !isError(optionReply(target, in, OPT_STRUCTURED_REPLY).type());
        byte[] name = target.exportName().getBytes(StandardCharsets.UTF_8);
        Optional<Integer> context = Optional.empty();
        if (structured) {
            byte[] query = BASE_ALLOCATION.getBytes(StandardCharsets.US_ASCII);
            option(out, OPT_SET_META_CONTEXT, ByteBuffer.allocate(12 + name.length + query.length)
                    .putInt(name.length).put(name).putInt(1).putInt(query.length).put(query).array());
            for (OptionReply reply = optionReply(target, in, OPT_SET_META_CONTEXT); reply.type() != REP_ACK;
                    reply = optionReply(target, in, OPT_SET_META_CONTEXT)) {
                if (reply.type() == REP_META_CONTEXT) {
                    context = Optional.of(ByteBuffer.wrap(reply.data()).getInt());
                } else if (isError(reply.type())) {
                    break; // no block status; reads still work
                }
            }
        }
        option(out, OPT_GO, ByteBuffer.allocate(6 + name.length).putInt(name.length).put(name).putShort((short) 0).array());
        long size = -1;
        int flags = 0;
        while (true) {
            OptionReply reply = optionReply(target, in, OPT_GO);
            if (reply.type() == REP_ACK) {
                break;
            }
            if (isError(reply.type())) {
                throw new NbdException(describe(target) + " refused the export: "
                        + (reply.type() == REP_ERR_UNKNOWN ? "no such export" : new String(reply.data(), StandardCharsets.UTF_8)), reply.type());
            }
            ByteBuffer data = ByteBuffer.wrap(reply.data());
            if (reply.type() == REP_INFO && data.remaining() >= 12 && data.getShort() == INFO_EXPORT) {
                size = data.getLong();
                flags = Short.toUnsignedInt(data.getShort());
            }
        }
        if (size < 0) {
            throw new IOException(describe(target) + " did not tell the export's size");
        }
        return new Handshake(socket, in, out, size, flags, structured, context);
    }

    private record OptionReply(int type, byte[] data) {}

    private static void option(DataOutputStream out, int option, byte[] data) throws IOException {
        out.writeLong(IHAVEOPT);
        out.writeInt(option);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    private static OptionReply optionReply(Target target, DataInputStream in, int option) throws IOException {
        if (in.readLong() != OPTION_REPLY_MAGIC) {
            throw new IOException(describe(target) + " sent a bad option reply");
        }
        int replyTo = in.readInt();
        int type = in.readInt();
        int length = in.readInt();
        if (replyTo != option || length < 0 || length > 1 << 20) {
            throw new IOException(describe(target) + " sent a bad option reply");
        }
        byte[] data = new byte[length];
        in.readFully(data);
        return new OptionReply(type, data);
    }

    private static void expectAck(Target target, DataInputStream in, int option) throws IOException {
        OptionReply reply = optionReply(target, in, option);
        if (reply.type() != REP_ACK) {
            throw new NbdException(describe(target) + " refused option " + option + ": " + new String(reply.data(), StandardCharsets.UTF_8), reply.type());
        }
    }

    private static String describe(Target target) {
        return "NBD server " + target.host() + ":" + target.port();
    }

    public long size() {
        return size;
    }

    public boolean readOnly() {
        return (flags & TFLAG_READ_ONLY) != 0;
    }

    /** Whether the server agreed to base:allocation, so {@link #blockStatus} can be asked. */
    public boolean hasBlockStatus() {
        return allocationContext.isPresent();
    }

    /** Whether the server takes WRITE_ZEROES (otherwise zeros must be written as data). */
    public boolean canWriteZeroes() {
        return (flags & TFLAG_SEND_WRITE_ZEROES) != 0;
    }

    /** Fills {@code destination} from its position to its limit with the export's bytes at {@code offset}. */
    public void read(ByteBuffer destination, long offset) throws IOException {
        List<Pending> parts = new ArrayList<>();
        ByteBuffer whole = destination.slice();
        for (int at = 0; at < whole.limit(); at += REQUEST_BYTES) {
            int length = Math.min(REQUEST_BYTES, whole.limit() - at);
            Pending part = new Pending(CMD_READ, offset + at, whole.slice(at, length));
            send(part, 0, offset + at, length, null);
            parts.add(part);
        }
        awaitAll(parts);
        destination.position(destination.limit());
    }

    /** Writes {@code source} from its position to its limit at {@code offset}, in requests all in flight together. */
    public void write(ByteBuffer source, long offset, boolean fua) throws IOException {
        List<Pending> parts = new ArrayList<>();
        ByteBuffer whole = source.slice();
        for (int at = 0; at < whole.limit(); at += REQUEST_BYTES) {
            int length = Math.min(REQUEST_BYTES, whole.limit() - at);
            parts.add(send(new Pending(CMD_WRITE, offset + at, null), fua ? CMD_FLAG_FUA : 0, offset + at, length, whole.slice(at, length)));
        }
        awaitAll(parts);
        source.position(source.limit());
    }

    /** Waits for every part, then reports the first failure: nothing is left in flight when this returns. */
    private void awaitAll(List<Pending> parts) throws IOException {
        IOException first = null;
        for (Pending part : parts) {
            try {
                await(part);
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    public void flush() throws IOException {
        await(send(new Pending(CMD_FLUSH, 0, null), 0, 0, 0, null));
    }

    public void trim(long offset, long length) throws IOException {
        await(send(new Pending(CMD_TRIM, offset, null), 0, offset, length, null));
    }

    public void writeZeroes(long offset, long length, boolean mayPunch) throws IOException {
        await(send(new Pending(CMD_WRITE_ZEROES, offset, null), mayPunch ? 0 : CMD_FLAG_NO_HOLE, offset, length, null));
    }

    /** The allocation from {@code offset}, covering at least its start and at most {@code length} bytes. */
    public List<Extent> blockStatus(long offset, long length) throws IOException {
        if (allocationContext.isEmpty()) {
            throw new IOException(describe(target) + " offers no base:allocation");
        }
        Pending request = new Pending(CMD_BLOCK_STATUS, offset, null);
        await(send(request, 0, offset, length, null));
        return List.copyOf(request.extents);
    }

    private Pending send(Pending request, int commandFlags, long offset, long length, ByteBuffer payload) throws IOException {
        if (failure != null) {
            throw new IOException("the connection to " + describe(target) + " failed: " + failure.getMessage(), failure);
        }
        long cookie = cookies.incrementAndGet();
        pending.put(cookie, request);
        try {
            synchronized (out) {
                out.writeInt(REQUEST_MAGIC);
                out.writeShort(commandFlags);
                out.writeShort(request.type);
                out.writeLong(cookie);
                out.writeLong(offset);
                out.writeInt((int) length);
                if (payload != null) {
                    if (payload.hasArray()) {
                        out.write(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
                        payload.position(payload.limit());
                    } else {
                        while (payload.hasRemaining()) {
                            int piece = Math.min(copy.length, payload.remaining());
                            payload.get(copy, 0, piece);
                            out.write(copy, 0, piece);
                        }
                    }
                }
                out.flush();
            }
        } catch (IOException e) {
            pending.remove(cookie);
            throw e;
        }
        return request;
    }

    private void await(Pending request) throws IOException {
        try {
            request.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + describe(target));
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        if (request.error != null) {
            throw request.error;
        }
    }

    private void readReplies() {
        try {
            while (true) {
                int magic = in.readInt();
                if (magic == SIMPLE_REPLY_MAGIC) {
                    simpleReply();
                } else if (magic == STRUCTURED_REPLY_MAGIC) {
                    chunk();
                } else {
                    throw new IOException("bad reply magic " + Integer.toHexString(magic));
                }
            }
        } catch (IOException e) {
            failure = e instanceof EOFException ? new IOException("the server closed the connection") : e;
            pending.values().forEach(p -> p.done.completeExceptionally(failure));
            pending.clear();
        }
    }

    private Pending take(long cookie, boolean last) throws IOException {
        Pending request = last ? pending.remove(cookie) : pending.get(cookie);
        if (request == null) {
            throw new IOException("reply to an unknown request " + cookie);
        }
        return request;
    }

    private void simpleReply() throws IOException {
        int error = in.readInt();
        Pending request = take(in.readLong(), true);
        if (error != 0) {
            request.error = new NbdException(describe(target) + " failed request " + request.type + " at " + request.offset + ": error " + error, error);
        } else if (request.type == CMD_READ) {
            in.readFully(request.destination.duplicate().clear());
        }
        request.done.complete(null);
    }

    private void chunk() throws IOException {
        int chunkFlags = in.readUnsignedShort();
        int type = in.readUnsignedShort();
        long cookie = in.readLong();
        long length = Integer.toUnsignedLong(in.readInt());
        boolean last = (chunkFlags & REPLY_FLAG_DONE) != 0;
        Pending request = take(cookie, last);
        switch (type) {
            case REPLY_TYPE_NONE -> in.skip(length);
            case REPLY_TYPE_OFFSET_DATA -> {
                long at = in.readLong() - request.offset;
                long count = length - 8;
                if (request.destination == null || at < 0 || at + count > request.destination.limit()) {
                    throw new IOException("data chunk outside its request");
                }
                in.readFully(request.destination.duplicate().position((int) at).limit((int) (at + count)));
            }
            case REPLY_TYPE_OFFSET_HOLE -> {
                long at = in.readLong() - request.offset;
                long count = Integer.toUnsignedLong(in.readInt());
                if (request.destination == null || at < 0 || at + count > request.destination.limit()) {
                    throw new IOException("hole chunk outside its request");
                }
                ByteBuffer hole = request.destination.duplicate().position((int) at).limit((int) (at + count));
                while (hole.hasRemaining()) {
                    hole.put(ZEROS.slice(0, Math.min(ZEROS.capacity(), hole.remaining())));
                }
            }
            case REPLY_TYPE_BLOCK_STATUS -> {
                int context = in.readInt();
                long at = request.offset;
                for (long read = 4; read + 8 <= length; read += 8) {
                    long extentLength = Integer.toUnsignedLong(in.readInt());
                    int state = in.readInt();
                    if (allocationContext.isPresent() && context == allocationContext.get() && extentLength > 0) {
                        request.extents.add(new Extent(at, extentLength, (state & STATE_ZERO) != 0));
                        at += extentLength;
                    }
                }
            }
            case REPLY_TYPE_ERROR, REPLY_TYPE_ERROR_OFFSET -> {
                int error = in.readInt();
                int messageLength = in.readUnsignedShort();
                String message = new String(in.readBytes(messageLength), StandardCharsets.UTF_8);
                in.skip(length - 6 - messageLength);
                request.error = new NbdException(describe(target) + " failed request " + request.type + " at " + request.offset + ": "
                        + message + " (error " + error + ")", error);
            }
            default -> in.skip(length); // unknown non-error chunks may be ignored
        }
        if (last) {
            request.done.complete(null);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (failure == null) {
                synchronized (out) {
                    out.writeInt(REQUEST_MAGIC);
                    out.writeShort(0);
                    out.writeShort(CMD_DISC);
                    out.writeLong(cookies.incrementAndGet());
                    out.writeLong(0);
                    out.writeInt(0);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the connection is going away either way
        } finally {
            socket.close();
            try {
                reader.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
