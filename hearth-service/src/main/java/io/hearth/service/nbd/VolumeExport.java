package io.hearth.service.nbd;

/**
 * The NBD export of one attachment: its secret name, whether it may be written, and where it is served: the volume
 * service's host and the address, port and TLS of its NBD server.
 */
public record VolumeExport(String attachmentId, String volumeId, String exportName, boolean readOnly, String servedBy, String address,
        int port, boolean tls) {
    /** What a client needs to connect. */
    public Connection connection() {
        return new Connection(address, port, exportName, readOnly, tls);
    }

    /**
     * Cinder's connection info data for {@code driver_volume_type: nbd}. With TLS the URI is libnbd's {@code nbds://};
     * qemu takes the same host, port and export with {@code tls-creds}.
     */
    public record Connection(String host, int port, String exportName, boolean readOnly, boolean tls) {
        public String uri() {
            String literal = host.contains(":") ? "[" + host + "]" : host;
            return (tls ? "nbds://" : "nbd://") + literal + ":" + port + "/" + exportName;
        }
    }
}
