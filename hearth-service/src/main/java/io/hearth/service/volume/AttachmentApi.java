package io.hearth.service.volume;

import io.hearth.service.auth.ProjectScope;
import io.hearth.service.auth.RequestContext;
import io.hearth.service.db.Transactions;
import io.hearth.service.error.ServiceException;
import io.hearth.service.nbd.ExportDao;
import io.hearth.service.nbd.VolumeExport;
import io.hearth.service.rpc.Bus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Cinder's attachments API (3.27+). The volume's own volume service gives the connector access (over the bus, as all
 * work on a volume): a connector on that host gets connection info {@code local} with the volume file's path, which any
 * program on the host can open (and whose writes the changed-block map cannot see, so it is invalidated); a connector
 * on another host gets {@code nbd}: an export of its own on the volume's host, closed on detach. The connection info
 * comes from the export's row, so any api process can give it.
 */
public final class AttachmentApi {
    public static final String RESERVED = "reserved";
    public static final String ATTACHING = "attaching";
    public static final String ATTACHED = "attached";
    /** Making or closing an export is quick; a volume service that does not answer in this time is taken as down. */
    private static final Duration VOLUME_CALL_TIMEOUT = Duration.ofSeconds(60);

    private final AttachmentDao attachments;
    private final VolumeDao volumes;
    private final VolumeApi volumeApi;
    private final SparseFileDriver driver;
    private final ProjectScope scope;
    private final Transactions transactions;
    private final ExportDao exports;
    private final Bus bus;
    private final Function<String, String> volumeTopicOfHost;

    public AttachmentApi(AttachmentDao attachments, VolumeDao volumes, VolumeApi volumeApi, SparseFileDriver driver, ProjectScope scope,
            Transactions transactions, ExportDao exports, Bus bus, Function<String, String> volumeTopicOfHost) {
        this.transactions = transactions;
        this.attachments = attachments;
        this.volumes = volumes;
        this.volumeApi = volumeApi;
        this.driver = driver;
        this.scope = scope;
        this.exports = exports;
        this.bus = bus;
        this.volumeTopicOfHost = volumeTopicOfHost;
    }

    public Attachment create(RequestContext context, String volumeId, String instanceUuid, String connectorJson, String mode) {
        Volume volume = volumeApi.get(context, volumeId);
        VolumeStatus next = connectorJson == null ? VolumeStatus.RESERVED : VolumeStatus.ATTACHING;
        Attachment attachment = new Attachment(UUID.randomUUID().toString(), volumeId, volume.projectId(), instanceUuid, host(connectorJson),
                null, mode == null ? "rw" : mode, connectorJson == null ? RESERVED : ATTACHING, connectorJson, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS), null);
        transactions.run(() -> {
            if (volume.status() != VolumeStatus.AVAILABLE || !volumes.compareAndSetStatus(volumeId, VolumeStatus.AVAILABLE, next)) {
                throw ServiceException.invalidVolume("Volume " + volumeId + " status must be available or downloading to reserve, but the current status is "
                        + volumes.find(volumeId).map(v -> v.status().wire()).orElse("deleted") + ".");
            }
            attachments.insert(attachment);
        });
        if (connectorJson != null) {
            try {
                connect(attachment);
            } catch (RuntimeException e) {
                transactions.run(() -> {
                    attachments.markDeleted(attachment.id());
                    volumes.compareAndSetStatus(volumeId, next, VolumeStatus.AVAILABLE);
                });
                throw e;
            }
        }
        return attachment;
    }

    /** The volume's host exports it to a remote connector, or lets a local one at the file. */
    private void connect(Attachment attachment) {
        bus.call(volumeTopic(attachment.volumeId()), new VolumeMessage.Connect(attachment.id()), Boolean.class, VOLUME_CALL_TIMEOUT);
    }

    private String volumeTopic(String volumeId) {
        return volumeTopicOfHost.apply(volumes.find(volumeId).map(Volume::host).orElse(null));
    }

    public Attachment get(RequestContext context, String id) {
        return attachments.find(id).filter(a -> scope.canSee(context, a.projectId()))
                .orElseThrow(() -> ServiceException.notFound("VolumeAttachment " + id + " could not be found."));
    }

    public List<Attachment> list(RequestContext context, boolean allTenants) {
        return attachments.list(scope.listScope(context, allTenants));
    }

    /** Gives a reserved attachment its connector: the volume moves to attaching. */
    public Attachment update(RequestContext context, String id, String connectorJson) {
        Attachment attachment = get(context, id);
        transactions.run(() -> {
            if (attachment.attachStatus().equals(RESERVED)) {
                volumes.compareAndSetStatus(attachment.volumeId(), VolumeStatus.RESERVED, VolumeStatus.ATTACHING);
            }
            attachments.connect(id, connectorJson, host(connectorJson));
        });
        Attachment updated = get(context, id);
        connect(updated);
        return updated;
    }

    public void complete(RequestContext context, String id) {
        Attachment attachment = get(context, id);
        transactions.run(() -> {
            attachments.compareAndSetStatus(id, ATTACHING, ATTACHED);
            if (!volumes.compareAndSetStatus(attachment.volumeId(), VolumeStatus.ATTACHING, VolumeStatus.IN_USE)) {
                volumes.compareAndSetStatus(attachment.volumeId(), VolumeStatus.RESERVED, VolumeStatus.IN_USE);
            }
        });
    }

    public void delete(RequestContext context, String id) {
        Attachment attachment = get(context, id);
        Volume volume = volumes.find(attachment.volumeId()).orElseThrow(() -> ServiceException.notFound("Volume " + attachment.volumeId() + " could not be found."));
        if (volume.status() == VolumeStatus.BACKING_UP) {
            throw ServiceException.invalidVolume("Volume " + volume.id() + " is being backed up; detach it when the backup has finished.");
        }
        bus.call(volumeTopic(volume.id()), new VolumeMessage.Disconnect(id), Boolean.class, VOLUME_CALL_TIMEOUT);
        transactions.run(() -> {
            attachments.markDeleted(id);
            // An admin's os-reset_status may have moved the volume anywhere meanwhile: only a status that can become
            // available does; any other stays as the admin left it.
            if (attachments.ofVolume(volume.id()).isEmpty() && volume.status().canMoveTo(VolumeStatus.AVAILABLE)) {
                volumes.compareAndSetStatus(volume.id(), volume.status(), VolumeStatus.AVAILABLE);
            }
        });
    }

    /** The attachment's connection info, or empty while it has no connector. */
    public Optional<Connection> connection(Attachment attachment) {
        if (attachment.connector() == null) {
            return Optional.empty();
        }
        Optional<VolumeExport.Connection> nbd = exports.find(attachment.id()).map(VolumeExport::connection);
        if (nbd.isPresent()) {
            VolumeExport.Connection c = nbd.get();
            return Optional.of(new Connection("nbd", Map.of("host", c.host(), "port", c.port(), "export_name", c.exportName(),
                    "uri", c.uri(), "read_only", c.readOnly(), "tls", c.tls())));
        }
        return Optional.of(new Connection("local", Map.of("device_path", driver.volumePath(attachment.volumeId()).toString())));
    }

    private static String host(String connectorJson) {
        if (connectorJson == null) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode host = io.hearth.service.db.Json.MAPPER.readTree(connectorJson).get("host");
            return host == null || !host.isTextual() ? null : host.asText();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }
}
