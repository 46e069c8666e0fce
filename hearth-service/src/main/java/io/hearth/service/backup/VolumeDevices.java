package io.hearth.service.backup;

import io.hearth.engine.restore.FileRestoreSink;
import io.hearth.engine.restore.RestoreSink;
import io.hearth.engine.source.BlockSource;
import io.hearth.engine.source.FileBlockSource;
import io.hearth.nbd.NbdBlockSource;
import io.hearth.nbd.NbdClient;
import io.hearth.nbd.NbdRestoreSink;
import io.hearth.service.nbd.VolumeExport;
import io.hearth.service.tls.PemFiles;
import io.hearth.service.volume.VolumeDevice;
import java.io.IOException;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Opens, on the backup host, the device the volume's host gave for a backup or a restore: the volume's file when the
 * two share a host, otherwise its NBD export through Hearth's own client (many requests in flight, holes skipped by
 * BLOCK_STATUS, restores written with WRITE_ZEROES for zero runs).
 */
public final class VolumeDevices {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private final Optional<Path> tlsCaFile;

    /** {@code tlsCaFile}: {@code nbd_tls_ca_file}, the CAs trusted for TLS exports (the JDK's own if absent). */
    public VolumeDevices(Optional<Path> tlsCaFile) {
        this.tlsCaFile = tlsCaFile;
    }

    public BlockSource source(VolumeDevice device, String description) throws IOException {
        if (device.path() != null) {
            return FileBlockSource.open(Path.of(device.path()));
        }
        return new NbdBlockSource(connect(device.export()), description + " over NBD at " + device.export().host() + ":"
                + device.export().port());
    }

    /** The device to restore onto; a local file is emptied at {@code size} bytes first (zero blocks stay holes). */
    public RestoreSink sink(VolumeDevice device, long size, String description) throws IOException {
        if (device.path() != null) {
            return FileRestoreSink.open(Path.of(device.path()), size);
        }
        return NbdRestoreSink.of(connect(device.export()), description + " over NBD at " + device.export().host() + ":"
                + device.export().port());
    }

    private NbdClient connect(VolumeExport.Connection export) throws IOException {
        Optional<SSLContext> tls = Optional.empty();
        if (export.tls()) {
            tls = Optional.of(tlsCaFile.map(file -> PemFiles.clientContext("nbd_tls_ca_file", file)).orElseGet(VolumeDevices::jdkDefault));
        }
        return NbdClient.connect(new NbdClient.Target(export.host(), export.port(), export.exportName(), tls), CONNECT_TIMEOUT);
    }

    private static SSLContext jdkDefault() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no TLS", e);
        }
    }
}
