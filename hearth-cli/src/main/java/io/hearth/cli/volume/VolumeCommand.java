package io.hearth.cli.volume;

import io.hearth.cli.CommandGroup;
import io.hearth.cli.server.RoleOptions;
import io.hearth.service.server.Role;
import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.cli.client.ApiClient;
import io.hearth.cli.client.ClientOptions;
import io.hearth.cli.ProgressBar;
import io.hearth.cli.client.ClientOutput;
import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import io.hearth.nbd.NbdClient;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hearth volume ...}: create and list volumes, and copy disk images in and out through an attachment. */
@Command(name = "volume", mixinStandardHelpOptions = true, description = {"Create and list volumes; write a disk image into one or read it out.",
                "With --config FILE and no subcommand: run the volume service (needs transport_url)."})
public final class VolumeCommand implements Callable<Integer>, CommandGroup {
    @Spec
    CommandSpec groupSpec;
    @Mixin
    RoleOptions service;

    @Override
    public List<Class<?>> subcommands() {
        return List.of(Create.class, ListVolumes.class, Write.class, Read.class);
    }

    /** {@code hearth volume --config FILE}: the volume service alone, talking to the other roles over transport_url. */
    @Override
    public Integer call() throws Exception {
        return service.runOrUsage(groupSpec, Role.VOLUME);
    }

    private static final int CHUNK = 1 << 20;

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an empty volume and wait until it is available.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Option(names = "--size", required = true, description = "Size in GiB.")
        int size;
        @Option(names = "--name")
        String name;

        @Override
        public Integer call() {
            ApiClient api = options.client();
            Map<String, Object> volume = new LinkedHashMap<>();
            volume.put("size", size);
            volume.put("name", name);
            String id = api.post("/volumes", Map.of("volume", volume)).at("/volume/id").asText();
            JsonNode done = api.await("/volumes/" + id, v -> v != null && !v.at("/volume/status").asText().equals("creating"),
                    Duration.ofMinutes(10), () -> {});
            ClientOutput.fields(spec, options, done, "volume");
            return done.at("/volume/status").asText().equals("available") ? 0 : 1;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List volumes.")
    static final class ListVolumes implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() {
            ClientOutput.rows(spec, options, options.client().get("/volumes/detail?sort=created_at:asc"), "volumes",
                    List.of("id", "name", "status", "size", "created_at"));
            return 0;
        }
    }

    @Command(name = "write", mixinStandardHelpOptions = true, description = "Copy FILE (a raw disk image) into VOLUME: attach, copy, detach.")
    static final class Write implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", paramLabel = "VOLUME")
        String volume;
        @Parameters(index = "1", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws IOException {
            ApiClient api = options.client();
            try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = api.get("/volumes/" + volume).at("/volume/size").asLong() << 30;
                if (source.size() > size) {
                    throw HearthException.badInput(file + " has " + source.size() + " bytes, more than the volume's " + size
                            + ": extend the volume first");
                }
                try (Attached attached = Attached.attach(api, volume)) {
                    if (attached.nbd() != null) {
                        try (NbdClient device = NbdClient.connect(attached.nbd(), NBD_TIMEOUT)) {
                            NbdCopy.write(source, device, source.size(), new ProgressBar("write", true));
                        }
                    } else {
                        try (FileChannel device = FileChannel.open(attached.device(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                            copy(source, device, source.size(), true, new ProgressBar("write", true));
                        }
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "read", mixinStandardHelpOptions = true, description = "Copy VOLUME into FILE (sparse): attach, copy, detach.")
    static final class Read implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", paramLabel = "VOLUME")
        String volume;
        @Parameters(index = "1", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws IOException {
            ApiClient api = options.client();
            try (Attached attached = Attached.attach(api, volume);
                    FileChannel target = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING)) {
                long size;
                if (attached.nbd() != null) {
                    try (NbdClient device = NbdClient.connect(attached.nbd(), NBD_TIMEOUT)) {
                        size = device.size();
                        NbdCopy.read(device, target, new ProgressBar("read", true));
                    }
                } else {
                    try (FileChannel device = FileChannel.open(attached.device(), StandardOpenOption.READ)) {
                        size = device.size();
                        copy(device, target, size, false, new ProgressBar("read", true));
                    }
                }
                target.truncate(size);
                if (target.size() < size) {
                    // Trailing zeros are a hole: give the file its full length.
                    target.write(ByteBuffer.allocate(1), size - 1);
                }
            }
            return 0;
        }
    }

    /**
     * Copies in 1 MiB chunks with bounded memory. All-zero chunks are not written where the target already reads zeros
     * (holes stay holes); {@code checkTarget} says whether the target may hold old data that must be overwritten.
     */
    static void copy(FileChannel source, FileChannel target, long length, boolean checkTarget, ProgressBar progress) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        ByteBuffer existing = checkTarget ? ByteBuffer.allocateDirect(CHUNK) : null;
        for (long position = 0; position < length; position += CHUNK) {
            int n = (int) Math.min(CHUNK, length - position);
            buffer.clear().limit(n);
            readFully(source, buffer, position);
            buffer.flip();
            boolean zero = isZero(buffer);
            if (zero && checkTarget) {
                existing.clear().limit(n);
                int read = target.read(existing, position);
                existing.flip();
                zero = read <= 0 || isZero(existing);
            } else if (zero) {
                zero = true;
            }
            if (!zero) {
                buffer.rewind();
                while (buffer.hasRemaining()) {
                    target.write(buffer, position + buffer.position());
                }
            }
            progress.progress(position + n, length);
        }
        target.force(false);
        progress.close();
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("unexpected end of file at " + (position + buffer.position()));
            }
        }
    }

    private static boolean isZero(ByteBuffer buffer) {
        for (int i = buffer.position(); i < buffer.limit(); i++) {
            if (buffer.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static final Duration NBD_TIMEOUT = Duration.ofSeconds(30);

    /**
     * An attachment made through the API: reserved with a connector, completed, and deleted on close whatever happened.
     * On the volume service's host it is the volume file ({@code device}); elsewhere an NBD export ({@code nbd}).
     */
    record Attached(ApiClient api, String attachmentId, Path device, NbdClient.Target nbd) implements AutoCloseable {
        static Attached attach(ApiClient api, String volume) throws IOException {
            Map<String, Object> connector = Map.of("host", InetAddress.getLocalHost().getHostName(), "initiator", "hearth-cli",
                    "platform", "x86_64", "os_type", "linux");
            Map<String, Object> attachment = new LinkedHashMap<>();
            attachment.put("volume_uuid", volume);
            attachment.put("connector", connector);
            attachment.put("mode", "rw");
            JsonNode created = api.post("/attachments", Map.of("attachment", attachment)).get("attachment");
            String id = created.get("id").asText();
            String type = created.at("/connection_info/driver_volume_type").asText();
            if (!type.equals("local") && !type.equals("nbd")) {
                api.delete("/attachments/" + id);
                throw new HearthException(ErrorCategory.BAD_INPUT, "volume " + volume + " is exported as '" + type
                        + "', which this command cannot open");
            }
            api.post("/attachments/" + id + "/action", Map.of("os-complete", Map.of()));
            if (type.equals("nbd")) {
                return new Attached(api, id, null, NbdClient.Target.parse(created.at("/connection_info/data/uri").asText()));
            }
            return new Attached(api, id, Path.of(created.at("/connection_info/data/device_path").asText()), null);
        }

        @Override
        public void close() {
            api.delete("/attachments/" + attachmentId);
        }
    }
}
