package io.hearth.nbd;

import static io.hearth.nbd.Nbd.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that break the protocol: each gets the protocol's error or a closed connection, and the server
 * goes on serving a well-behaved client and the volume is unchanged.
 */
class NbdHostileClientTest {
    private static final long SIZE = 8L << 20;

    @TempDir Path dir;
    private NbdServer server;
    private FileExport export;
    private FileExport readOnly;
    private Path volume;
    private byte[] before;

    @BeforeEach
    void serve() throws IOException {
        server = NbdServer.start(NbdServer.Options.loopback().withHandshakeTimeout(Duration.ofMillis(500)));
        volume = Volumes.create(dir, "volume", SIZE, 7);
        before = Volumes.bytes(volume, 0, (int) SIZE);
        export = FileExport.writable(volume);
        readOnly = FileExport.readOnly(volume);
        server.addExport("good", export);
        server.addExport("ro", readOnly);
    }

    @AfterEach
    void serverStillServes() throws Exception {
        try (NbdClient client = NbdClient.connect(NbdClient.Target.plain("127.0.0.1", server.port(), "good"), Duration.ofSeconds(10))) {
            ByteBuffer data = ByteBuffer.allocate(70_000);
            client.read(data, 1 << 20);
            assertThat(data.array()).isEqualTo(Volumes.bytes(volume, 1 << 20, 70_000));
        }
        server.close();
        export.close();
        readOnly.close();
    }

    /** A raw connection that speaks only as much protocol as each test wants. */
    private final class Raw implements AutoCloseable {
        final Socket socket = new Socket("127.0.0.1", server.port());
        final DataInputStream in = new DataInputStream(socket.getInputStream());
        final DataOutputStream out = new DataOutputStream(socket.getOutputStream());

        Raw() throws IOException {
            socket.setSoTimeout(10_000);
        }

        void greeting() throws IOException {
            assertThat(in.readLong()).isEqualTo(NBDMAGIC);
            assertThat(in.readLong()).isEqualTo(IHAVEOPT);
            assertThat(in.readUnsignedShort()).isEqualTo(FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES);
            out.writeInt(FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES);
        }

        void option(int option, byte[] data) throws IOException {
            out.writeLong(IHAVEOPT);
            out.writeInt(option);
            out.writeInt(data.length);
            out.write(data);
            out.flush();
        }

        /** Reads one option reply and returns its type. */
        int reply(int option) throws IOException {
            assertThat(in.readLong()).isEqualTo(OPTION_REPLY_MAGIC);
            assertThat(in.readInt()).isEqualTo(option);
            int type = in.readInt();
            in.skipNBytes(in.readInt());
            return type;
        }

        /** Negotiates {@code name} with NBD_OPT_GO (without structured replies); true if the server agreed. */
        boolean go(String name) throws IOException {
            greeting();
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            option(OPT_GO, ByteBuffer.allocate(6 + bytes.length).putInt(bytes.length).put(bytes).putShort((short) 0).array());
            while (true) {
                int type = reply(OPT_GO);
                if (type == REP_ACK) {
                    return true;
                }
                if (isError(type)) {
                    return false;
                }
            }
        }

        void request(int type, int flags, long cookie, long offset, long length) throws IOException {
            out.writeInt(REQUEST_MAGIC);
            out.writeShort(flags);
            out.writeShort(type);
            out.writeLong(cookie);
            out.writeLong(offset);
            out.writeInt((int) length);
            out.flush();
        }

        /** Reads a simple reply to {@code cookie} and returns its error. */
        int simpleReply(long cookie) throws IOException {
            assertThat(in.readInt()).isEqualTo(SIMPLE_REPLY_MAGIC);
            int error = in.readInt();
            assertThat(in.readLong()).isEqualTo(cookie);
            return error;
        }

        /** True once the server has closed the connection (reads end). */
        boolean closedByServer() throws IOException {
            try {
                while (in.read() >= 0) {
                    // drain whatever came before the close
                }
                return true;
            } catch (java.net.SocketException reset) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private void assertVolumeUnchanged() throws IOException {
        assertThat(Volumes.bytes(volume, 0, (int) SIZE)).isEqualTo(before);
    }

    @Test
    void truncatedHandshakeIsDropped() throws Exception {
        try (Raw raw = new Raw()) {
            raw.greeting();
            raw.out.writeLong(IHAVEOPT);
            raw.out.writeShort(0); // half an option number, then nothing
            raw.out.flush();
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void silentClientTimesOut() throws Exception {
        try (Raw raw = new Raw()) {
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void unknownClientFlagsCloseTheConnection() throws Exception {
        try (Raw raw = new Raw()) {
            raw.in.skipNBytes(18);
            raw.out.writeInt(0x80);
            raw.out.flush();
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void hugeOptionLengthClosesTheConnection() throws Exception {
        try (Raw raw = new Raw()) {
            raw.greeting();
            raw.out.writeLong(IHAVEOPT);
            raw.out.writeInt(OPT_GO);
            raw.out.writeInt(0xfffffff0);
            raw.out.flush();
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void malformedOptionsGetErrorsAndTheHandshakeGoesOn() throws Exception {
        try (Raw raw = new Raw()) {
            raw.greeting();
            // A name length far beyond the option's data.
            raw.option(OPT_GO, ByteBuffer.allocate(6).putInt(1_000_000).putShort((short) 0).array());
            assertThat(raw.reply(OPT_GO)).isEqualTo(REP_ERR_INVALID);
            raw.option(OPT_LIST, new byte[] {1});
            assertThat(raw.reply(OPT_LIST)).isEqualTo(REP_ERR_INVALID);
            raw.option(OPT_LIST, new byte[0]);
            assertThat(raw.reply(OPT_LIST)).isEqualTo(REP_ERR_POLICY);
            raw.option(OPT_SET_META_CONTEXT, new byte[0]);
            assertThat(raw.reply(OPT_SET_META_CONTEXT)).as("structured replies first").isEqualTo(REP_ERR_INVALID);
            raw.option(OPT_STARTTLS, new byte[0]);
            assertThat(raw.reply(OPT_STARTTLS)).as("no TLS configured").isEqualTo(REP_ERR_UNSUP);
            raw.option(99, new byte[3]);
            assertThat(raw.reply(99)).isEqualTo(REP_ERR_UNSUP);
            raw.option(OPT_ABORT, new byte[0]);
            assertThat(raw.reply(OPT_ABORT)).isEqualTo(REP_ACK);
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void wrongSecretGetsUnknownOrAClosedConnection() throws Exception {
        try (Raw raw = new Raw()) {
            assertThat(raw.go("goo")).isFalse();
            raw.option(OPT_INFO, ByteBuffer.allocate(9).putInt(3).put("goo".getBytes(StandardCharsets.US_ASCII)).putShort((short) 0).array());
            assertThat(raw.reply(OPT_INFO)).isEqualTo(REP_ERR_UNKNOWN);
        }
        try (Raw raw = new Raw()) {
            raw.greeting();
            raw.option(OPT_EXPORT_NAME, "goo".getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void outOfRangeRequestsGetErrorsAndTheConnectionGoesOn() throws Exception {
        try (Raw raw = new Raw()) {
            assertThat(raw.go("good")).isTrue();
            raw.request(CMD_READ, 0, 1, SIZE - 10, 4096);
            assertThat(raw.simpleReply(1)).isEqualTo(EINVAL);
            raw.request(CMD_READ, 0, 2, -4096, 4096);
            assertThat(raw.simpleReply(2)).isEqualTo(EINVAL);
            raw.request(CMD_READ, 0, 3, 0, 0xffffffffL);
            assertThat(raw.simpleReply(3)).isEqualTo(EINVAL);
            raw.request(CMD_WRITE_ZEROES, 0, 4, SIZE, 1);
            assertThat(raw.simpleReply(4)).isEqualTo(ENOSPC);
            raw.request(CMD_TRIM, 0, 5, Long.MAX_VALUE, 4096);
            assertThat(raw.simpleReply(5)).isEqualTo(EINVAL);
            raw.request(CMD_BLOCK_STATUS, 0, 6, 0, 4096);
            assertThat(raw.simpleReply(6)).as("no meta context negotiated").isEqualTo(EINVAL);
            raw.request(42, 0, 7, 0, 4096);
            assertThat(raw.simpleReply(7)).isEqualTo(EINVAL);
            raw.request(CMD_READ, 0, 8, 1 << 20, 16);
            assertThat(raw.simpleReply(8)).isZero();
            assertThat(raw.in.readNBytes(16)).isEqualTo(Volumes.bytes(volume, 1 << 20, 16));
            raw.request(CMD_DISC, 0, 9, 0, 0);
            assertThat(raw.closedByServer()).isTrue();
        }
        assertVolumeUnchanged();
    }

    @Test
    void hugeWriteClosesTheConnection() throws Exception {
        try (Raw raw = new Raw()) {
            assertThat(raw.go("good")).isTrue();
            raw.request(CMD_WRITE, 0, 1, 0, 0xfffffff0L);
            raw.out.write(new byte[4096]);
            raw.out.flush();
            assertThat(raw.closedByServer()).isTrue();
        }
        assertVolumeUnchanged();
    }

    @Test
    void truncatedWriteChangesNothing() throws Exception {
        try (Raw raw = new Raw()) {
            assertThat(raw.go("good")).isTrue();
            raw.request(CMD_WRITE, 0, 1, 0, 65536);
            raw.out.write(new byte[1000]);
            raw.out.flush();
        }
        assertVolumeUnchanged();
    }

    @Test
    void writesToAReadOnlyExportArePermissionErrors() throws Exception {
        try (Raw raw = new Raw()) {
            assertThat(raw.go("ro")).isTrue();
            raw.request(CMD_WRITE, 0, 1, 0, 4);
            raw.out.write(new byte[] {1, 2, 3, 4});
            raw.out.flush();
            assertThat(raw.simpleReply(1)).isEqualTo(EPERM);
            raw.request(CMD_TRIM, 0, 2, 1 << 20, 4096);
            assertThat(raw.simpleReply(2)).isEqualTo(EPERM);
            raw.request(CMD_WRITE_ZEROES, 0, 3, 1 << 20, 4096);
            assertThat(raw.simpleReply(3)).isEqualTo(EPERM);
        }
        assertVolumeUnchanged();
    }

    /**
     * Seeded random protocol abuse, many connections of it: random bytes from the first one, random option streams
     * (valid and unknown options, lengths that lie, truncated data) after a proper greeting, and random command streams
     * (bad magic, unknown types and flags, offsets and lengths in and out of range, writes with too little data) after a
     * proper NBD_OPT_GO. Each connection must end (the server answers what it can, then closes once the client is done)
     * rather than hang, and the next connection must be served. {@code -Dfuzz.seed=N} replays a run,
     * {@code -Dfuzz.connections=N} sets how many.
     */
    @Test
    void randomHandshakesAndCommandStreamsEndInErrorsOrACloseAndNeverStopTheServer() throws Exception {
        long seed = Long.getLong("fuzz.seed", 20261124L);
        int connections = Integer.getInteger("fuzz.connections", 1500);
        System.out.println("NbdHostileClientTest: -Dfuzz.seed=" + seed + " -Dfuzz.connections=" + connections);
        for (int i = 0; i < connections; i++) {
            java.util.Random random = new java.util.Random(seed * 1_000_003L + i);
            String what = "connection " + i + " of -Dfuzz.seed=" + seed;
            try (Raw raw = new Raw()) {
                raw.socket.setSoTimeout(15_000);
                switch (random.nextInt(3)) {
                    case 0 -> raw.out.write(randomBytes(random, random.nextInt(0, 300)));
                    case 1 -> {
                        raw.greeting();
                        randomOptions(random, raw.out);
                    }
                    default -> {
                        assertThat(raw.go(random.nextBoolean() ? "good" : "ro")).as(what).isTrue();
                        randomCommands(random, raw.out);
                    }
                }
                raw.out.flush();
                raw.socket.shutdownOutput();
                // The client is done: whatever the server still answers, it must then close, not wait for more.
                assertThat(drainsToClose(raw)).as(what + ": the server neither answered nor closed within 15 s").isTrue();
            } catch (java.net.SocketException closedEarly) {
                // the server closed while the client was still writing: a refusal, as good as an error reply
            }
        }
    }

    private static boolean drainsToClose(Raw raw) throws IOException {
        try {
            byte[] sink = new byte[1 << 16];
            while (raw.in.read(sink) >= 0) {
                // discard replies
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    private static byte[] randomBytes(java.util.Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static final int[] OPTIONS = {OPT_EXPORT_NAME, OPT_ABORT, OPT_LIST, OPT_STARTTLS, OPT_INFO, OPT_GO, OPT_STRUCTURED_REPLY,
            OPT_LIST_META_CONTEXT, OPT_SET_META_CONTEXT, 0, 4, 11, 99, -1};

    /** Options with honest or lying lengths, real or random data, sometimes a stream cut mid-option. */
    private static void randomOptions(java.util.Random random, DataOutputStream out) throws IOException {
        for (int n = random.nextInt(1, 8); n > 0; n--) {
            int option = OPTIONS[random.nextInt(OPTIONS.length)];
            byte[] data = switch (random.nextInt(4)) {
                case 0 -> new byte[0];
                case 1 -> {
                    byte[] name = (random.nextBoolean() ? "good" : new String(randomBytes(random, random.nextInt(0, 20)),
                            StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.UTF_8);
                    int claimed = random.nextInt(4) == 0 ? random.nextInt() : name.length;
                    int infos = random.nextInt(3);
                    ByteBuffer go = ByteBuffer.allocate(6 + name.length + 2 * infos).putInt(claimed).put(name).putShort((short) infos);
                    for (int k = 0; k < infos; k++) {
                        go.putShort((short) random.nextInt(6));
                    }
                    yield go.array();
                }
                default -> randomBytes(random, random.nextInt(0, 64));
            };
            out.writeLong(random.nextInt(30) == 0 ? random.nextLong() : IHAVEOPT);
            out.writeInt(option);
            int length = switch (random.nextInt(6)) {
                case 0 -> random.nextInt();
                case 1 -> data.length + random.nextInt(1, 100);
                case 2 -> Math.max(0, data.length - random.nextInt(1, 10));
                default -> data.length;
            };
            out.writeInt(length);
            out.write(data);
            if (random.nextInt(10) == 0) {
                return; // cut mid-stream
            }
        }
    }

    private static final int[] COMMANDS = {CMD_READ, CMD_WRITE, CMD_FLUSH, CMD_TRIM, CMD_CACHE, CMD_WRITE_ZEROES, CMD_BLOCK_STATUS, 8, 42,
            0xffff, CMD_DISC};

    /** Requests of every kind at offsets and lengths at and past every edge; writes carry all, some or none of their data. */
    private static void randomCommands(java.util.Random random, DataOutputStream out) throws IOException {
        for (int n = random.nextInt(1, 12); n > 0; n--) {
            int type = COMMANDS[random.nextInt(COMMANDS.length)];
            long offset = switch (random.nextInt(6)) {
                case 0 -> random.nextLong();
                case 1 -> SIZE - random.nextInt(0, 8192);
                case 2 -> SIZE + random.nextInt(0, 8192);
                default -> random.nextLong(0, SIZE);
            };
            long length = switch (random.nextInt(6)) {
                case 0 -> random.nextInt() & 0xffffffffL;
                case 1 -> 0;
                case 2 -> random.nextInt(1, 64 << 10);
                default -> random.nextInt(1, 4096);
            };
            out.writeInt(random.nextInt(40) == 0 ? random.nextInt() : REQUEST_MAGIC);
            out.writeShort(random.nextInt(8) == 0 ? random.nextInt(1 << 16) : 0);
            out.writeShort(type);
            out.writeLong(random.nextLong());
            out.writeLong(offset);
            out.writeInt((int) length);
            if (type == CMD_WRITE) {
                long sent = random.nextInt(5) == 0 ? random.nextLong(0, Math.min(length, 1 << 16) + 1) : Math.min(length, 1 << 16);
                out.write(randomBytes(random, (int) sent));
                if (sent < length) {
                    return; // the rest of the stream would be taken as the write's data
                }
            }
        }
    }

    @Test
    void badRequestMagicClosesTheConnection() throws Exception {
        try (Raw raw = new Raw()) {
            assertThat(raw.go("good")).isTrue();
            raw.out.writeInt(0xdeadbeef);
            raw.out.write(new byte[24]);
            raw.out.flush();
            assertThat(raw.closedByServer()).isTrue();
        }
    }
}
