package io.hearth.service.nbd;

import io.hearth.nbd.DirtyMap;
import io.hearth.nbd.FileExport;
import io.hearth.nbd.NbdExport;
import io.hearth.nbd.NbdServer;
import io.hearth.nbd.TrackedExport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves this volume service's attached volumes to other hosts over NBD: one export per attachment, named by 128 random
 * bits that only the attachment's connection info tells, recorded with this host's address and port so that any api
 * process can give that connection info. Writable exports mark the volume's changed-block map.
 *
 * <p>A backup service on another host gets an export of its own for each backup or restore ({@link #openDevice}): kept
 * only in memory, since it serves one operation of a live backup host and is useless after a restart of either side.
 */
public final class VolumeExports implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeExports.class);

    private record Served(VolumeExport record, FileExport file, Optional<DirtyMap> map) {}

    private final NbdServer server;
    private final ExportDao exports;
    private final ChangeTracker tracker;
    private final Function<String, Path> volumePath;
    private final String host;
    private final String advertisedHost;
    private final boolean tls;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Served> served = new ConcurrentHashMap<>();
    /** Exports of backup and restore devices, by backup id. */
    private final Map<String, Device> devices = new ConcurrentHashMap<>();

    private record Device(String exportName, FileExport file, VolumeExport.Connection connection) {}

    private VolumeExports(NbdServer server, ExportDao exports, ChangeTracker tracker, Function<String, Path> volumePath, String host,
            String advertisedHost, boolean tls) {
        this.server = server;
        this.host = host;
        this.tls = tls;
        this.exports = exports;
        this.tracker = tracker;
        this.volumePath = volumePath;
        this.advertisedHost = advertisedHost;
    }

    /**
     * Starts the NBD server of volume service {@code host} (requiring TLS when {@code tls} is given) and serves again
     * every export of this host that existed when the service stopped, at the new port if it changed.
     */
    public static VolumeExports start(String host, String address, int port, Optional<SSLContext> tls, ExportDao exports,
            ChangeTracker tracker, Function<String, Path> volumePath) throws IOException {
        NbdServer.Options options = NbdServer.Options.loopback().withBind(new InetSocketAddress(address, port));
        NbdServer server = NbdServer.start(tls.map(context -> options.withTls(context, true)).orElse(options));
        VolumeExports started = new VolumeExports(server, exports, tracker, volumePath, host, address, tls.isPresent());
        for (VolumeExport export : exports.claim(host, address, server.port(), tls.isPresent())) {
            try {
                started.serve(export);
            } catch (IOException | RuntimeException e) {
                LOG.error("cannot serve the export of attachment {} again; it is removed", export.attachmentId(), e);
                exports.delete(export.attachmentId());
            }
        }
        LOG.info("NBD exports on {}:{}", address, server.port());
        return started;
    }

    /** Creates the attachment's export, or returns the one it has. */
    public VolumeExport.Connection open(String attachmentId, String volumeId, boolean readOnly) {
        Optional<VolumeExport> existing = exports.find(attachmentId);
        if (existing.isPresent()) {
            return existing.get().connection();
        }
        VolumeExport export = new VolumeExport(attachmentId, volumeId, newExportName(), readOnly, host, advertisedHost,
                server.port(), tls);
        try {
            serve(export);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export volume " + volumeId, e);
        }
        exports.insert(export);
        return export.connection();
    }

    private void serve(VolumeExport export) throws IOException {
        Path file = volumePath.apply(export.volumeId());
        NbdExport nbd;
        Served entry;
        if (export.readOnly()) {
            FileExport readOnly = FileExport.readOnly(file);
            nbd = readOnly;
            entry = new Served(export, readOnly, Optional.empty());
        } else {
            FileExport writable = FileExport.writable(file);
            DirtyMap map = tracker.map(export.volumeId());
            map.openWriter();
            nbd = new TrackedExport(writable, map);
            entry = new Served(export, writable, Optional.of(map));
        }
        served.put(export.attachmentId(), entry);
        server.addExport(export.exportName(), nbd);
    }

    /**
     * Exports {@code file} for the backup's device, read-only for a backup and writable (not marking the changed-block
     * map: a restore invalidates it first) for a restore; the backup's export if it has one already.
     */
    public VolumeExport.Connection openDevice(String backupId, Path file, boolean readOnly) throws IOException {
        Device existing = devices.get(backupId);
        if (existing != null) {
            return existing.connection();
        }
        String name = newExportName();
        FileExport export = readOnly ? FileExport.readOnly(file) : FileExport.writable(file);
        Device device = new Device(name, export, new VolumeExport.Connection(advertisedHost, server.port(), name, readOnly, tls));
        devices.put(backupId, device);
        server.addExport(name, export);
        return device.connection();
    }

    /** The backup's device export goes, with its connections; nothing happens if it has none. */
    public void closeDevice(String backupId) {
        Device device = devices.remove(backupId);
        if (device != null) {
            server.removeExport(device.exportName());
            try {
                device.file().close();
            } catch (IOException e) {
                LOG.warn("closing the device export of backup {} failed", backupId, e);
            }
        }
    }

    /** How many backup and restore devices are exported now. */
    public int deviceCount() {
        return devices.size();
    }

    /** 128 random bits in hex: an export's name is its only secret. */
    private String newExportName() {
        byte[] secret = new byte[16];
        random.nextBytes(secret);
        return HexFormat.of().formatHex(secret);
    }

    /** Whether this service serves an export for the attachment. */
    public boolean serves(String attachmentId) {
        return served.containsKey(attachmentId);
    }

    /** Stops serving the attachment's export and closes its connections. */
    public void close(String attachmentId) {
        Served entry = served.remove(attachmentId);
        exports.delete(attachmentId);
        if (entry != null) {
            server.removeExport(entry.record().exportName());
            release(entry);
        }
    }

    private static void release(Served entry) {
        try {
            entry.file().close();
            if (entry.map().isPresent()) {
                entry.map().get().closeWriter();
            }
        } catch (IOException e) {
            LOG.warn("closing the export of attachment {} failed", entry.record().attachmentId(), e);
        }
    }

    public int port() {
        return server.port();
    }

    /** Bytes served to READ requests since start, over all exports: what remote readers actually fetched. */
    public long bytesRead() {
        return server.bytesRead();
    }

    @Override
    public void close() throws IOException {
        server.close();
        served.values().forEach(VolumeExports::release);
        served.clear();
        devices.keySet().forEach(this::closeDevice);
    }
}
