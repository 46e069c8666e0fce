package io.hearth.nbd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link NbdExport}s over TCP with the newstyle fixed handshake. One virtual thread per connection
 * reads requests; each request runs on a virtual thread of its own, so a client may keep many in flight
 * and gets the replies as they complete.
 */
public final class NbdServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NbdServer.class);

    /**
     * @param bind where to listen (port 0: any free port)
     * @param listExports whether NBD_OPT_LIST names the exports; off when export names are secrets
     * @param tls the TLS context for NBD_OPT_STARTTLS, if any
     * @param tlsRequired refuse everything but STARTTLS and ABORT before TLS
     * @param handshakeTimeout how long a client may take over the handshake before it is dropped
     */
    public record Options(InetSocketAddress bind, boolean listExports, Optional<SSLContext> tls, boolean tlsRequired, Duration handshakeTimeout) {
        public Options {
            if (tlsRequired && tls.isEmpty()) {
                throw new IllegalArgumentException("TLS is required but no TLS context is given");
            }
        }

        public static Options loopback() {
            return new Options(new InetSocketAddress("127.0.0.1", 0), false, Optional.empty(), false, Duration.ofSeconds(30));
        }

        public Options withBind(InetSocketAddress address) {
            return new Options(address, listExports, tls, tlsRequired, handshakeTimeout);
        }

        public Options withListExports(boolean list) {
            return new Options(bind, list, tls, tlsRequired, handshakeTimeout);
        }

        public Options withTls(SSLContext context, boolean required) {
            return new Options(bind, listExports, Optional.of(context), required, handshakeTimeout);
        }

        public Options withHandshakeTimeout(Duration timeout) {
            return new Options(bind, listExports, tls, tlsRequired, timeout);
        }
    }

    /** READ replies up to this size are read into pooled direct buffers (nbdcopy and Hearth's client ask 256 KiB). */
    static final int REPLY_BUFFER = 256 << 10;
    /** Reply buffers over all connections (64 MiB of direct memory); READs beyond them take the heap path. */
    private static final int MAX_REPLY_BUFFERS = 256;

    private final Options options;
    private final ServerSocket socket;
    private final Map<String, NbdExport> exports = new ConcurrentHashMap<>();
    private final Set<NbdConnection> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final LongAdder bytesRead = new LongAdder();
    private final BufferPool replyBuffers = new BufferPool(REPLY_BUFFER, MAX_REPLY_BUFFERS);

    private NbdServer(Options options, ServerSocket socket) {
        this.options = options;
        this.socket = socket;
        this.acceptor = Thread.ofVirtual().name("nbd-accept-" + socket.getLocalPort()).unstarted(this::acceptLoop);
    }

    public static NbdServer start(Options options) throws IOException {
        // A channel's socket: accepted connections then have a channel too, which sends READ replies from direct buffers.
        ServerSocket socket = ServerSocketChannel.open().socket();
        socket.setReuseAddress(true);
        socket.bind(options.bind());
        NbdServer server = new NbdServer(options, socket);
        server.acceptor.start();
        return server;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Serves {@code export} under {@code name}, replacing nothing: the name must be new. */
    public void addExport(String name, NbdExport export) {
        if (name.isEmpty() || name.length() > 4096) {
            throw new IllegalArgumentException("export names have 1 to 4096 characters");
        }
        if (exports.putIfAbsent(name, export) != null) {
            throw new IllegalStateException("export " + name + " already exists");
        }
    }

    /** Stops serving {@code name} and closes every connection to it; returns the export, if it existed. */
    public Optional<NbdExport> removeExport(String name) {
        NbdExport removed = exports.remove(name);
        if (removed != null) {
            for (NbdConnection connection : connections) {
                if (connection.serves(removed)) {
                    connection.close();
                }
            }
        }
        return Optional.ofNullable(removed);
    }

    /** How many clients are connected, in the handshake or transmitting. */
    public int connectionCount() {
        return connections.size();
    }

    /** Bytes of data sent in reply to READ requests since the server started, over all exports. */
    public long bytesRead() {
        return bytesRead.sum();
    }

    BufferPool replyBuffers() {
        return replyBuffers;
    }

    void countRead(long bytes) {
        bytesRead.add(bytes);
    }

    Optional<NbdExport> export(String name) {
        return Optional.ofNullable(exports.get(name));
    }

    List<String> exportNames() {
        return List.copyOf(exports.keySet());
    }

    Options options() {
        return options;
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                LOG.warn("NBD accept failed: {}", e.toString());
                continue;
            }
            NbdConnection connection = new NbdConnection(this, client);
            connections.add(connection);
            Thread.ofVirtual().name("nbd-" + client.getRemoteSocketAddress()).start(() -> {
                try {
                    connection.run();
                } finally {
                    connections.remove(connection);
                }
            });
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (NbdConnection connection : connections) {
            connection.close();
        }
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
