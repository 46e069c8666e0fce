package io.hearth.nbd;

import static io.hearth.nbd.Nbd.*;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client: the option haggling of the newstyle fixed handshake, then the transmission phase. Anything
 * that breaks the protocol in a way the server cannot answer (bad magic, an option or a write larger than
 * it accepts, a truncated message) closes this connection and nothing else.
 */
final class NbdConnection {
    private static final Logger LOG = LoggerFactory.getLogger(NbdConnection.class);
    private static final int MAX_OPTION_LENGTH = 64 << 10;
    /** Bytes of request payload one connection may hold at once; bounds the memory a client can pin. */
    private static final int IN_FLIGHT_BYTES = 64 << 20;
    private static final int META_CONTEXT_ID = 1;

    private final NbdServer server;
    private volatile Socket socket;
    private DataInputStream in;
    private DataOutputStream out;
    private final Object writeLock = new Object();
    /** The header of a READ reply sent from a direct buffer; used under {@link #writeLock}. */
    private final ByteBuffer replyHeader = ByteBuffer.allocateDirect(32);
    private volatile NbdExport export;
    private boolean structured;
    private volatile boolean tlsActive;
    private Optional<String> metaContextExport = Optional.empty();

    NbdConnection(NbdServer server, Socket socket) {
        this.server = server;
        this.socket = socket;
    }

    boolean serves(NbdExport candidate) {
        return export == candidate;
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all that is wanted
        }
    }

    void run() {
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) server.options().handshakeTimeout().toMillis());
            streams();
            NbdExport chosen = negotiate();
            if (chosen != null) {
                socket.setSoTimeout(0);
                transmit(chosen);
            }
        } catch (EOFException e) {
            LOG.debug("NBD client {} went away", socket.getRemoteSocketAddress());
        } catch (IOException | ProtocolViolation e) {
            LOG.info("NBD client {} dropped: {}", socket.getRemoteSocketAddress(), e.getMessage());
        } finally {
            close();
        }
    }

    private void streams() throws IOException {
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 << 10));
        out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 << 10));
    }

    /** A message the server will not answer: the connection is closed. */
    private static final class ProtocolViolation extends Exception {
        ProtocolViolation(String message) {
            super(message);
        }
    }

    // ---- handshake ----

    private NbdExport negotiate() throws IOException, ProtocolViolation {
        out.writeLong(NBDMAGIC);
        out.writeLong(IHAVEOPT);
        out.writeShort(FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES);
        out.flush();
        int clientFlags = in.readInt();
        if ((clientFlags & ~(FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES)) != 0) {
            throw new ProtocolViolation("unknown client flags " + Integer.toHexString(clientFlags));
        }
        boolean noZeroes = (clientFlags & FLAG_C_NO_ZEROES) != 0;
        while (true) {
            long magic = in.readLong();
            if (magic != IHAVEOPT) {
                throw new ProtocolViolation("bad option magic " + Long.toHexString(magic));
            }
            int option = in.readInt();
            long length = Integer.toUnsignedLong(in.readInt());
            if (length > MAX_OPTION_LENGTH) {
                throw new ProtocolViolation("option " + option + " of " + length + " bytes");
            }
            byte[] data = new byte[(int) length];
            in.readFully(data);
            ByteBuffer payload = ByteBuffer.wrap(data);
            if (server.options().tlsRequired() && !tlsActive && option != OPT_STARTTLS && option != OPT_ABORT) {
                if (option == OPT_EXPORT_NAME) {
                    throw new ProtocolViolation("NBD_OPT_EXPORT_NAME without TLS");
                }
                optionReply(option, REP_ERR_TLS_REQD, "TLS is required");
                continue;
            }
            switch (option) {
                case OPT_EXPORT_NAME -> {
                    String name = new String(data, StandardCharsets.UTF_8);
                    NbdExport chosen = server.export(name).orElseThrow(() -> new ProtocolViolation("no export named as asked"));
                    out.writeLong(chosen.size());
                    out.writeShort(transmissionFlags(chosen));
                    if (!noZeroes) {
                        out.write(new byte[124]);
                    }
                    out.flush();
                    return use(chosen, name);
                }
                case OPT_ABORT -> {
                    optionReply(option, REP_ACK, new byte[0]);
                    return null;
                }
                case OPT_LIST -> list(data.length);
                case OPT_STARTTLS -> startTls(data.length);
                case OPT_STRUCTURED_REPLY -> {
                    if (data.length != 0) {
                        optionReply(option, REP_ERR_INVALID, "NBD_OPT_STRUCTURED_REPLY takes no data");
                    } else {
                        structured = true;
                        optionReply(option, REP_ACK, new byte[0]);
                    }
                }
                case OPT_INFO, OPT_GO -> {
                    NbdExport chosen = info(option, payload);
                    if (chosen != null && option == OPT_GO) {
                        return chosen;
                    }
                }
                case OPT_LIST_META_CONTEXT, OPT_SET_META_CONTEXT -> metaContext(option, payload);
                default -> optionReply(option, REP_ERR_UNSUP, "option " + option + " is not supported");
            }
        }
    }

    private NbdExport use(NbdExport chosen, String name) {
        if (metaContextExport.isPresent() && !metaContextExport.get().equals(name)) {
            metaContextExport = Optional.empty();
        }
        export = chosen;
        return chosen;
    }

    private void list(int length) throws IOException {
        if (length != 0) {
            optionReply(OPT_LIST, REP_ERR_INVALID, "NBD_OPT_LIST takes no data");
        } else if (!server.options().listExports()) {
            // Export names are the secret that admits a client; listing them would give them away.
            optionReply(OPT_LIST, REP_ERR_POLICY, "this server does not list its exports");
        } else {
            for (String name : server.exportNames()) {
                byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
                ByteBuffer reply = ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes);
                optionReply(OPT_LIST, REP_SERVER, reply.array());
            }
            optionReply(OPT_LIST, REP_ACK, new byte[0]);
        }
    }

    private void startTls(int length) throws IOException {
        if (length != 0) {
            optionReply(OPT_STARTTLS, REP_ERR_INVALID, "NBD_OPT_STARTTLS takes no data");
            return;
        }
        if (server.options().tls().isEmpty()) {
            optionReply(OPT_STARTTLS, REP_ERR_UNSUP, "TLS is not configured");
            return;
        }
        if (tlsActive) {
            optionReply(OPT_STARTTLS, REP_ERR_INVALID, "TLS is already active");
            return;
        }
        optionReply(OPT_STARTTLS, REP_ACK, new byte[0]);
        SSLSocket tls = (SSLSocket) server.options().tls().get().getSocketFactory()
                .createSocket(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        tls.setUseClientMode(false);
        tls.startHandshake();
        socket = tls;
        streams();
        tlsActive = true;
    }

    private NbdExport info(int option, ByteBuffer payload) throws IOException {
        String name;
        List<Integer> requests = new ArrayList<>();
        try {
            name = string(payload, payload.getInt());
            int count = Short.toUnsignedInt(payload.getShort());
            for (int i = 0; i < count; i++) {
                requests.add(Short.toUnsignedInt(payload.getShort()));
            }
            if (payload.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes");
            }
        } catch (RuntimeException e) {
            optionReply(option, REP_ERR_INVALID, "malformed request: " + e.getMessage());
            return null;
        }
        Optional<NbdExport> found = server.export(name);
        if (found.isEmpty()) {
            optionReply(option, REP_ERR_UNKNOWN, "no such export");
            return null;
        }
        NbdExport chosen = found.get();
        ByteBuffer exportInfo = ByteBuffer.allocate(12).putShort((short) INFO_EXPORT).putLong(chosen.size())
                .putShort((short) transmissionFlags(chosen));
        optionReply(option, REP_INFO, exportInfo.array());
        if (requests.contains(INFO_NAME)) {
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            optionReply(option, REP_INFO, ByteBuffer.allocate(2 + bytes.length).putShort((short) INFO_NAME).put(bytes).array());
        }
        if (requests.contains(INFO_BLOCK_SIZE)) {
            optionReply(option, REP_INFO, ByteBuffer.allocate(14).putShort((short) INFO_BLOCK_SIZE)
                    .putInt(1).putInt(4096).putInt(MAX_PAYLOAD).array());
        }
        optionReply(option, REP_ACK, new byte[0]);
        return option == OPT_GO ? use(chosen, name) : null;
    }

    private void metaContext(int option, ByteBuffer payload) throws IOException {
        if (option == OPT_SET_META_CONTEXT && !structured) {
            optionReply(option, REP_ERR_INVALID, "negotiate structured replies first");
            return;
        }
        String name;
        List<String> queries = new ArrayList<>();
        try {
            name = string(payload, payload.getInt());
            int count = payload.getInt();
            for (int i = 0; i < count; i++) {
                queries.add(string(payload, payload.getInt()));
            }
            if (payload.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes");
            }
        } catch (RuntimeException e) {
            optionReply(option, REP_ERR_INVALID, "malformed request: " + e.getMessage());
            return;
        }
        if (server.export(name).isEmpty()) {
            optionReply(option, REP_ERR_UNKNOWN, "no such export");
            return;
        }
        boolean matches = queries.stream().anyMatch(q -> q.equals(BASE_ALLOCATION) || (option == OPT_LIST_META_CONTEXT && q.equals("base:")));
        if (option == OPT_LIST_META_CONTEXT && queries.isEmpty()) {
            matches = true;
        }
        if (option == OPT_SET_META_CONTEXT) {
            metaContextExport = matches ? Optional.of(name) : Optional.empty();
        }
        if (matches) {
            byte[] context = BASE_ALLOCATION.getBytes(StandardCharsets.US_ASCII);
            int id = option == OPT_SET_META_CONTEXT ? META_CONTEXT_ID : 0;
            optionReply(option, REP_META_CONTEXT, ByteBuffer.allocate(4 + context.length).putInt(id).put(context).array());
        }
        optionReply(option, REP_ACK, new byte[0]);
    }

    private static String string(ByteBuffer buffer, int length) {
        if (length < 0 || length > buffer.remaining()) {
            throw new IllegalArgumentException("string length " + Integer.toUnsignedString(length) + " exceeds the option");
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void optionReply(int option, int type, String message) throws IOException {
        optionReply(option, type, message.getBytes(StandardCharsets.UTF_8));
    }

    private void optionReply(int option, int type, byte[] data) throws IOException {
        out.writeLong(OPTION_REPLY_MAGIC);
        out.writeInt(option);
        out.writeInt(type);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    private int transmissionFlags(NbdExport chosen) {
        int flags = TFLAG_HAS_FLAGS | TFLAG_SEND_FLUSH | TFLAG_SEND_FUA | TFLAG_SEND_DF | TFLAG_CAN_MULTI_CONN;
        return chosen.readOnly() ? flags | TFLAG_READ_ONLY : flags | TFLAG_SEND_TRIM | TFLAG_SEND_WRITE_ZEROES;
    }

    // ---- transmission ----

    private record Request(int flags, int type, long cookie, long offset, long length, ByteBuffer payload) {}

    private void transmit(NbdExport chosen) throws IOException, ProtocolViolation {
        Semaphore budget = new Semaphore(IN_FLIGHT_BYTES);
        Phaser inFlight = new Phaser(1);
        try {
            while (true) {
                int magic = in.readInt();
                if (magic != REQUEST_MAGIC) {
                    throw new ProtocolViolation("bad request magic " + Integer.toHexString(magic));
                }
                int flags = in.readUnsignedShort();
                int type = in.readUnsignedShort();
                long cookie = in.readLong();
                long offset = in.readLong();
                long length = Integer.toUnsignedLong(in.readInt());
                if (type == CMD_DISC) {
                    return;
                }
                ByteBuffer payload = null;
                int permits = (int) Math.min(Math.max(length, 1), IN_FLIGHT_BYTES);
                if (type == CMD_WRITE) {
                    if (length > MAX_PAYLOAD) {
                        // The payload cannot be skipped safely: the stream is lost.
                        throw new ProtocolViolation("write of " + length + " bytes");
                    }
                    acquire(budget, permits);
                    byte[] data = new byte[(int) length];
                    in.readFully(data);
                    payload = ByteBuffer.wrap(data);
                } else if (type == CMD_READ) {
                    acquire(budget, (int) Math.min(length, MAX_PAYLOAD));
                } else {
                    permits = 0;
                }
                Request request = new Request(flags, type, cookie, offset, length, payload);
                int held = type == CMD_READ ? (int) Math.min(length, MAX_PAYLOAD) : type == CMD_WRITE ? permits : 0;
                inFlight.register();
                Thread.ofVirtual().start(() -> {
                    try {
                        serve(chosen, request);
                    } finally {
                        budget.release(held);
                        inFlight.arriveAndDeregister();
                    }
                });
            }
        } finally {
            // Replies to what was accepted are still owed (and NBD_CMD_DISC waits for them).
            inFlight.arriveAndAwaitAdvance();
        }
    }

    private static void acquire(Semaphore budget, int permits) throws IOException {
        try {
            budget.acquire(permits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private void serve(NbdExport chosen, Request request) {
        try {
            int error = check(chosen, request);
            if (error != 0) {
                replyError(request, error, "request out of range or not allowed on this export");
                return;
            }
            boolean fua = (request.flags() & CMD_FLAG_FUA) != 0;
            switch (request.type()) {
                case CMD_READ -> {
                    read(chosen, request);
                    server.countRead(request.length());
                }
                case CMD_WRITE -> {
                    chosen.write(request.payload(), request.offset(), fua);
                    replyDone(request);
                }
                case CMD_FLUSH -> {
                    chosen.flush();
                    replyDone(request);
                }
                case CMD_TRIM -> {
                    chosen.trim(request.offset(), request.length(), fua);
                    replyDone(request);
                }
                case CMD_WRITE_ZEROES -> {
                    chosen.writeZeroes(request.offset(), request.length(), (request.flags() & CMD_FLAG_NO_HOLE) == 0, fua);
                    replyDone(request);
                }
                case CMD_CACHE -> replyDone(request);
                case CMD_BLOCK_STATUS -> replyBlockStatus(request,
                        chosen.extents(request.offset(), request.length()), (request.flags() & CMD_FLAG_REQ_ONE) != 0);
                default -> throw new IllegalStateException("checked above");
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("NBD request {} at {}+{} failed: {}", request.type(), request.offset(), request.length(), e.toString());
            try {
                replyError(request, EIO, "I/O error");
            } catch (IOException closed) {
                close();
            }
        }
    }

    /** The protocol's error for a request the export must not see, or 0. */
    private int check(NbdExport chosen, Request request) {
        int type = request.type();
        boolean changes = type == CMD_WRITE || type == CMD_TRIM || type == CMD_WRITE_ZEROES;
        if (type > CMD_BLOCK_STATUS) {
            return EINVAL;
        }
        if (changes && chosen.readOnly()) {
            return EPERM;
        }
        if (type == CMD_FLUSH) {
            return 0;
        }
        long offset = request.offset();
        if (offset < 0 || offset > chosen.size() || request.length() > chosen.size() - offset) {
            return type == CMD_WRITE || type == CMD_WRITE_ZEROES ? ENOSPC : EINVAL;
        }
        if (type == CMD_READ && request.length() > MAX_PAYLOAD) {
            return EINVAL;
        }
        if (type == CMD_BLOCK_STATUS && (metaContextExport.isEmpty() || request.length() == 0)) {
            return EINVAL;
        }
        return 0;
    }

    /**
     * Reads the range (outside the reply lock, so reads of one connection reach the disk in parallel) and sends it. A
     * plain connection's usual request is read into a pooled direct buffer and written from it with its header in one
     * gathering write; TLS connections, large requests and requests beyond the pool go through a heap array and the
     * stream.
     */
    private void read(NbdExport chosen, Request request) throws IOException {
        int length = (int) request.length();
        BufferPool pool = server.replyBuffers();
        // A TLS socket still answers getChannel() with the plain channel beneath it: only a plain connection uses it.
        SocketChannel channel = tlsActive ? null : socket.getChannel();
        Optional<ByteBuffer> pooled = channel == null || length > NbdServer.REPLY_BUFFER ? Optional.empty() : pool.take(length);
        if (pooled.isEmpty()) {
            ByteBuffer data = ByteBuffer.allocate(length);
            chosen.read(data, request.offset());
            synchronized (writeLock) {
                readHeader(request, length);
                out.write(data.array());
                out.flush();
            }
            return;
        }
        ByteBuffer data = pooled.get();
        try {
            chosen.read(data, request.offset());
            data.flip();
            synchronized (writeLock) {
                ByteBuffer header = replyHeader.clear();
                if (structured) {
                    header.putInt(STRUCTURED_REPLY_MAGIC).putShort((short) REPLY_FLAG_DONE).putShort((short) REPLY_TYPE_OFFSET_DATA)
                            .putLong(request.cookie()).putInt(8 + length).putLong(request.offset());
                } else {
                    header.putInt(SIMPLE_REPLY_MAGIC).putInt(0).putLong(request.cookie());
                }
                ByteBuffer[] reply = {header.flip(), data};
                while (data.hasRemaining()) {
                    channel.write(reply);
                }
            }
        } finally {
            pool.give(data);
        }
    }

    private void readHeader(Request request, int length) throws IOException {
        if (structured) {
            chunkHeader(request.cookie(), REPLY_TYPE_OFFSET_DATA, 8 + length);
            out.writeLong(request.offset());
        } else {
            simpleHeader(request.cookie(), 0);
        }
    }

    private void replyDone(Request request) throws IOException {
        synchronized (writeLock) {
            simpleHeader(request.cookie(), 0);
            out.flush();
        }
    }

    private void replyError(Request request, int error, String message) throws IOException {
        synchronized (writeLock) {
            boolean chunk = structured && (request.type() == CMD_READ || request.type() == CMD_BLOCK_STATUS);
            if (chunk) {
                byte[] text = message.getBytes(StandardCharsets.UTF_8);
                chunkHeader(request.cookie(), REPLY_TYPE_ERROR, 6 + text.length);
                out.writeInt(error);
                out.writeShort(text.length);
                out.write(text);
            } else {
                simpleHeader(request.cookie(), error);
            }
            out.flush();
        }
    }

    private void replyBlockStatus(Request request, List<Extent> extents, boolean one) throws IOException {
        long end = request.offset() + request.length();
        List<Extent> sent = new ArrayList<>();
        for (Extent extent : extents) {
            long start = Math.max(extent.offset(), request.offset());
            long stop = Math.min(extent.end(), end);
            if (stop > start) {
                sent.add(new Extent(start, stop - start, extent.hole()));
            }
            if (one && !sent.isEmpty()) {
                break;
            }
        }
        if (sent.isEmpty()) {
            replyError(request, EIO, "the export reported no extents");
            return;
        }
        synchronized (writeLock) {
            chunkHeader(request.cookie(), REPLY_TYPE_BLOCK_STATUS, 4 + 8 * sent.size());
            out.writeInt(META_CONTEXT_ID);
            for (Extent extent : sent) {
                out.writeInt((int) extent.length());
                out.writeInt(extent.hole() ? STATE_HOLE | STATE_ZERO : 0);
            }
            out.flush();
        }
    }

    private void simpleHeader(long cookie, int error) throws IOException {
        out.writeInt(SIMPLE_REPLY_MAGIC);
        out.writeInt(error);
        out.writeLong(cookie);
    }

    private void chunkHeader(long cookie, int type, int length) throws IOException {
        out.writeInt(STRUCTURED_REPLY_MAGIC);
        out.writeShort(REPLY_FLAG_DONE);
        out.writeShort(type);
        out.writeLong(cookie);
        out.writeInt(length);
    }
}
