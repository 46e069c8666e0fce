package io.hearth.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.service.snapshot.Snapshot;
import io.hearth.service.volume.Attachment;
import io.hearth.service.volume.Connection;
import io.hearth.service.volume.Volume;
import java.util.List;
import java.util.Map;

/** Cinder's volume, snapshot and attachment views. */
final class VolumeViews {
    private VolumeViews() {}

    record Summary(@JsonProperty("id") String id, @JsonProperty("name") String name, @JsonProperty("links") List<Link> links) {}

    record AttachmentItem(@JsonProperty("id") String id, @JsonProperty("attachment_id") String attachmentId,
            @JsonProperty("volume_id") String volumeId, @JsonProperty("server_id") String serverId,
            @JsonProperty("host_name") String hostName, @JsonProperty("device") String device,
            @JsonProperty("attached_at") String attachedAt) {}

    record Detail(
            @JsonProperty("id") String id,
            @JsonProperty("name") String name,
            @JsonProperty("description") String description,
            @JsonProperty("status") String status,
            @JsonProperty("size") int size,
            @JsonProperty("availability_zone") String availabilityZone,
            @JsonProperty("created_at") String createdAt,
            @JsonProperty("updated_at") String updatedAt,
            @JsonProperty("attachments") List<AttachmentItem> attachments,
            @JsonProperty("links") List<Link> links,
            @JsonProperty("metadata") Map<String, String> metadata,
            @JsonProperty("bootable") String bootable,
            @JsonProperty("encrypted") boolean encrypted,
            @JsonProperty("multiattach") boolean multiattach,
            @JsonProperty("replication_status") String replicationStatus,
            @JsonProperty("consistencygroup_id") String consistencygroupId,
            @JsonProperty("snapshot_id") String snapshotId,
            @JsonProperty("source_volid") String sourceVolid,
            @JsonProperty("user_id") String userId,
            @JsonProperty("volume_type") String volumeType,
            @JsonProperty("os-vol-mig-status-attr:migstat") String migrationStatus,
            @JsonProperty("os-vol-mig-status-attr:name_id") String nameId,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("os-vol-tenant-attr:tenant_id") String tenantId,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("os-vol-host-attr:host") String host) {}

    record One<T>(@JsonProperty("volume") T volume) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Many<T>(@JsonProperty("volumes") List<T> volumes, @JsonProperty("volumes_links") List<Link> links,
            @JsonProperty("count") Integer count) {}

    record SnapshotDetail(
            @JsonProperty("id") String id,
            @JsonProperty("name") String name,
            @JsonProperty("description") String description,
            @JsonProperty("status") String status,
            @JsonProperty("size") int size,
            @JsonProperty("volume_id") String volumeId,
            @JsonProperty("created_at") String createdAt,
            @JsonProperty("updated_at") String updatedAt,
            @JsonProperty("metadata") Map<String, String> metadata,
            @JsonProperty("os-extended-snapshot-attributes:progress") String progress,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("os-extended-snapshot-attributes:project_id") String projectId) {}

    record OneSnapshot(@JsonProperty("snapshot") SnapshotDetail snapshot) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ManySnapshots(@JsonProperty("snapshots") List<?> snapshots, @JsonProperty("snapshots_links") List<Link> links,
            @JsonProperty("count") Integer count) {}

    record SnapshotSummary(@JsonProperty("id") String id, @JsonProperty("name") String name, @JsonProperty("status") String status,
            @JsonProperty("size") int size, @JsonProperty("volume_id") String volumeId, @JsonProperty("created_at") String createdAt,
            @JsonProperty("description") String description, @JsonProperty("metadata") Map<String, String> metadata) {}

    record ConnectionInfo(@JsonProperty("driver_volume_type") String driverVolumeType, @JsonProperty("data") Map<String, Object> data) {}

    record AttachmentDetail(@JsonProperty("id") String id, @JsonProperty("status") String status, @JsonProperty("instance") String instance,
            @JsonProperty("volume_id") String volumeId, @JsonProperty("attached_at") String attachedAt,
            @JsonProperty("detached_at") String detachedAt, @JsonProperty("attach_mode") String attachMode,
            @JsonProperty("connection_info") ConnectionInfo connectionInfo) {}

    record OneAttachment(@JsonProperty("attachment") AttachmentDetail attachment) {}

    record ManyAttachments(@JsonProperty("attachments") List<AttachmentDetail> attachments) {}

    static Summary summary(RequestScope scope, Volume volume) {
        return new Summary(volume.id(), volume.name(), Link.of(scope, "volumes", volume.id()));
    }

    static Detail detail(RequestScope scope, Volume volume, List<Attachment> attachments) {
        boolean admin = scope.context().admin();
        List<AttachmentItem> items = attachments.stream().filter(a -> a.attachStatus().equals("attached"))
                .map(a -> new AttachmentItem(a.volumeId(), a.id(), a.volumeId(), a.instanceUuid(), a.attachedHost(), a.mountpoint(),
                        Bodies.time(a.updatedAt())))
                .toList();
        return new Detail(volume.id(), volume.name(), volume.description(), volume.status().wire(), volume.size(),
                volume.availabilityZone(), Bodies.time(volume.createdAt()), Bodies.time(volume.updatedAt()), items,
                Link.of(scope, "volumes", volume.id()), volume.metadata(), volume.bootable() ? "true" : "false", false, false, null, null,
                volume.snapshotId(), volume.sourceVolid(), volume.userId(), "__DEFAULT__", null, null,
                admin ? volume.projectId() : null, admin && volume.host() != null ? volume.host() + "@sparse#sparse" : null);
    }

    static SnapshotDetail snapshot(RequestScope scope, Snapshot snapshot) {
        return new SnapshotDetail(snapshot.id(), snapshot.name(), snapshot.description(), snapshot.status().wire(), snapshot.size(),
                snapshot.volumeId(), Bodies.time(snapshot.createdAt()), Bodies.time(snapshot.updatedAt()), snapshot.metadata(),
                snapshot.status().wire().equals("available") ? "100%" : "0%", scope.context().admin() ? snapshot.projectId() : null);
    }

    static SnapshotSummary snapshotSummary(Snapshot snapshot) {
        return new SnapshotSummary(snapshot.id(), snapshot.name(), snapshot.status().wire(), snapshot.size(), snapshot.volumeId(),
                Bodies.time(snapshot.createdAt()), snapshot.description(), snapshot.metadata());
    }

    static AttachmentDetail attachment(Attachment attachment, java.util.Optional<Connection> connection) {
        ConnectionInfo info = connection.map(c -> new ConnectionInfo(c.driverVolumeType(), c.data())).orElse(null);
        return new AttachmentDetail(attachment.id(), attachment.attachStatus(), attachment.instanceUuid(), attachment.volumeId(),
                attachment.attachStatus().equals("attached") ? Bodies.time(attachment.updatedAt()) : null, null, attachment.attachMode(), info);
    }
}
