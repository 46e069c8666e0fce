package io.hearth.service.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.service.db.Json;
import io.hearth.service.error.ServiceException;
import io.hearth.service.snapshot.Snapshot;
import io.hearth.service.volume.Attachment;
import io.hearth.service.volume.AttachmentApi;
import io.hearth.service.volume.Volume;
import io.hearth.service.volume.VolumeApi;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** HTTP handlers for /volumes, /snapshots and /attachments. */
final class VolumeResource {
    /** Clients send more keys than the service uses (volume_type, imageRef, consistencygroup_id...): those are tolerated. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record CreateFields(@JsonProperty("size") Integer size, @JsonProperty("name") String name,
            @JsonProperty("description") String description, @JsonProperty("display_name") String displayName,
            @JsonProperty("display_description") String displayDescription, @JsonProperty("metadata") Map<String, String> metadata,
            @JsonProperty("availability_zone") String availabilityZone, @JsonProperty("snapshot_id") String snapshotId,
            @JsonProperty("source_volid") String sourceVolid, @JsonProperty("backup_id") String backupId,
            @JsonProperty("imageRef") String imageRef, @JsonProperty("multiattach") JsonNode multiattach) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record CreateBody(@JsonProperty("volume") CreateFields volume) {}

    record UpdateFields(@JsonProperty("name") String name, @JsonProperty("description") String description,
            @JsonProperty("display_name") String displayName, @JsonProperty("display_description") String displayDescription,
            @JsonProperty("metadata") Map<String, String> metadata) {}

    record UpdateBody(@JsonProperty("volume") UpdateFields volume) {}

    record Extend(@JsonProperty("new_size") Integer newSize) {}

    record ResetStatus(@JsonProperty("status") String status, @JsonProperty("attach_status") String attachStatus,
            @JsonProperty("migration_status") String migrationStatus) {}

    record Revert(@JsonProperty("snapshot_id") String snapshotId) {}

    record ActionBody(@JsonProperty("os-extend") Extend extend, @JsonProperty("os-reset_status") ResetStatus resetStatus,
            @JsonProperty("revert") Revert revert) {}

    record SnapshotFields(@JsonProperty("volume_id") String volumeId, @JsonProperty("name") String name,
            @JsonProperty("description") String description, @JsonProperty("display_name") String displayName,
            @JsonProperty("display_description") String displayDescription, @JsonProperty("force") JsonNode force,
            @JsonProperty("metadata") Map<String, String> metadata) {}

    record SnapshotBody(@JsonProperty("snapshot") SnapshotFields snapshot) {}

    record AttachmentFields(@JsonProperty("volume_uuid") String volumeUuid, @JsonProperty("instance_uuid") String instanceUuid,
            @JsonProperty("connector") JsonNode connector, @JsonProperty("mode") String mode) {}

    record AttachmentBody(@JsonProperty("attachment") AttachmentFields attachment) {}

    record AttachmentActionBody(@JsonProperty("os-complete") JsonNode complete) {}

    private final VolumeApi volumes;
    private final AttachmentApi attachments;
    private final int maxLimit;

    VolumeResource(VolumeApi volumes, AttachmentApi attachments, int maxLimit) {
        this.volumes = volumes;
        this.attachments = attachments;
        this.maxLimit = maxLimit;
    }

    void create(Context ctx, RequestScope scope) throws Exception {
        CreateFields fields = Bodies.required(Bodies.read(ctx, CreateBody.class).volume(), "volume");
        if (fields.imageRef() != null) {
            throw new ServiceException(io.hearth.service.error.ErrorKind.BAD_REQUEST,
                    "Invalid input received: creating a volume from an image is not supported: there is no image service.");
        }
        Bodies.notBefore(fields.backupId(), ApiVersion.VOLUME_FROM_BACKUP, scope.version(), "volume", "backup_id");
        Volume volume = volumes.create(scope.context(), new VolumeApi.CreateVolume(fields.size(),
                Bodies.text(fields.name() != null ? fields.name() : fields.displayName(), "name"),
                Bodies.text(fields.description() != null ? fields.description() : fields.displayDescription(), "description"),
                Bodies.metadata(fields.metadata()), fields.availabilityZone(), Bodies.uuid(fields.snapshotId(), "snapshot_id"),
                Bodies.uuid(fields.sourceVolid(), "source_volid"), Bodies.uuid(fields.backupId(), "backup_id")));
        Api.json(ctx, 202, new VolumeViews.One<>(VolumeViews.detail(scope, volume, List.of())));
    }

    void list(Context ctx, RequestScope scope, boolean detail) {
        ListParams params = ListParams.parse(ctx.queryParamMap(), maxLimit, scope.version());
        List<Volume> rows = volumes.list(scope.context(), params.allTenants()).stream()
                .filter(v -> matches(params.filters(), v)).toList();
        Map<String, Function<Volume, Comparable<?>>> sortable = new LinkedHashMap<>();
        sortable.put("created_at", Volume::createdAt);
        sortable.put("updated_at", v -> v.updatedAt() == null ? Instant.EPOCH : v.updatedAt());
        sortable.put("id", Volume::id);
        sortable.put("name", v -> v.name() == null ? "" : v.name());
        sortable.put("display_name", v -> v.name() == null ? "" : v.name());
        sortable.put("status", v -> v.status().wire());
        sortable.put("size", Volume::size);
        ListParams.Page<Volume> page = params.page(rows, sortable, Volume::id, "volume");
        List<?> items = detail
                ? page.items().stream().map(v -> VolumeViews.detail(scope, v, volumes.attachmentsOf(v.id()))).toList()
                : page.items().stream().map(v -> VolumeViews.summary(scope, v)).toList();
        List<Link> next = page.more() && !page.items().isEmpty()
                ? List.of(new Link(Api.nextLink(ctx, scope, "volumes" + (detail ? "/detail" : ""), page.items().getLast().id()), "next"))
                : null;
        Api.json(ctx, 200, new VolumeViews.Many<>(items, next, params.withCount() ? page.total() : null));
    }

    private static boolean matches(Map<String, String> filters, Volume volume) {
        for (Map.Entry<String, String> filter : filters.entrySet()) {
            String value = filter.getValue();
            boolean ok = switch (filter.getKey()) {
                case "name", "display_name" -> value.equals(volume.name());
                case "status" -> value.equalsIgnoreCase(volume.status().wire());
                case "availability_zone" -> value.equals(volume.availabilityZone());
                case "bootable" -> ListParams.bool("bootable", value) == volume.bootable();
                case "project_id" -> value.equals(volume.projectId());
                default -> true;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    void show(Context ctx, RequestScope scope, String id) {
        Volume volume = volumes.get(scope.context(), id);
        Api.json(ctx, 200, new VolumeViews.One<>(VolumeViews.detail(scope, volume, volumes.attachmentsOf(id))));
    }

    void update(Context ctx, RequestScope scope, String id) throws Exception {
        UpdateFields fields = Bodies.required(Bodies.read(ctx, UpdateBody.class).volume(), "volume");
        String name = fields.name() != null ? fields.name() : fields.displayName();
        String description = fields.description() != null ? fields.description() : fields.displayDescription();
        Volume volume = volumes.update(scope.context(), id, Optional.ofNullable(Bodies.text(name, "name")),
                Optional.ofNullable(Bodies.text(description, "description")), Optional.ofNullable(Bodies.metadata(fields.metadata())),
                name != null, description != null);
        Api.json(ctx, 200, new VolumeViews.One<>(VolumeViews.detail(scope, volume, volumes.attachmentsOf(id))));
    }

    void delete(Context ctx, RequestScope scope, String id) {
        volumes.delete(scope.context(), id);
        ctx.status(202);
    }

    void action(Context ctx, RequestScope scope, String id) throws Exception {
        ActionBody body = Bodies.read(ctx, ActionBody.class);
        int actions = (body.extend() != null ? 1 : 0) + (body.resetStatus() != null ? 1 : 0) + (body.revert() != null ? 1 : 0);
        if (actions != 1) {
            throw ServiceException.badRequest("There is no such action: the body must hold exactly one of os-extend, os-reset_status and revert.");
        }
        if (body.extend() != null) {
            int size = Bodies.required(body.extend().newSize(), "new_size");
            volumes.extend(scope.context(), id, size);
        } else if (body.resetStatus() != null) {
            volumes.resetStatus(scope.context(), id, Bodies.required(body.resetStatus().status(), "status"));
        } else {
            // Before 3.40 cinder has no revert action at all.
            if (!scope.version().atLeast(ApiVersion.VOLUME_REVERT)) {
                throw ServiceException.notFound("The resource could not be found.");
            }
            volumes.revertToSnapshot(scope.context(), id, Bodies.uuid(Bodies.required(body.revert().snapshotId(), "snapshot_id"), "snapshot_id"));
        }
        ctx.status(202);
    }

    void createSnapshot(Context ctx, RequestScope scope) throws Exception {
        SnapshotFields fields = Bodies.required(Bodies.read(ctx, SnapshotBody.class).snapshot(), "snapshot");
        Snapshot snapshot = volumes.createSnapshot(scope.context(), Bodies.uuid(Bodies.required(fields.volumeId(), "volume_id"), "volume_id"),
                Bodies.text(fields.name() != null ? fields.name() : fields.displayName(), "name"),
                Bodies.text(fields.description() != null ? fields.description() : fields.displayDescription(), "description"),
                Bodies.metadata(fields.metadata()), Bodies.bool(fields.force(), "force") || scope.version().atLeast(new ApiVersion(66)));
        Api.json(ctx, 202, new VolumeViews.OneSnapshot(VolumeViews.snapshot(scope, snapshot)));
    }

    void listSnapshots(Context ctx, RequestScope scope, boolean detail) {
        ListParams params = ListParams.parse(ctx.queryParamMap(), maxLimit, scope.version());
        List<Snapshot> rows = volumes.listSnapshots(scope.context(), params.allTenants()).stream().filter(s -> {
            String volumeId = params.filters().get("volume_id");
            String status = params.filters().get("status");
            String name = params.filters().get("name");
            return (volumeId == null || volumeId.equals(s.volumeId())) && (status == null || status.equals(s.status().wire()))
                    && (name == null || name.equals(s.name()));
        }).toList();
        Map<String, Function<Snapshot, Comparable<?>>> sortable = new LinkedHashMap<>();
        sortable.put("created_at", Snapshot::createdAt);
        sortable.put("id", Snapshot::id);
        sortable.put("name", s -> s.name() == null ? "" : s.name());
        sortable.put("status", s -> s.status().wire());
        ListParams.Page<Snapshot> page = params.page(rows, sortable, Snapshot::id, "snapshot");
        List<?> items = detail ? page.items().stream().map(s -> VolumeViews.snapshot(scope, s)).toList()
                : page.items().stream().map(VolumeViews::snapshotSummary).toList();
        Api.json(ctx, 200, new VolumeViews.ManySnapshots(items, null, params.withCount() ? page.total() : null));
    }

    void showSnapshot(Context ctx, RequestScope scope, String id) {
        Api.json(ctx, 200, new VolumeViews.OneSnapshot(VolumeViews.snapshot(scope, volumes.getSnapshot(scope.context(), id))));
    }

    void deleteSnapshot(Context ctx, RequestScope scope, String id) {
        volumes.deleteSnapshot(scope.context(), id);
        ctx.status(202);
    }

    void createAttachment(Context ctx, RequestScope scope) throws Exception {
        requireAttachments(scope);
        AttachmentFields fields = Bodies.required(Bodies.read(ctx, AttachmentBody.class).attachment(), "attachment");
        String volumeId = Bodies.uuid(Bodies.required(fields.volumeUuid(), "volume_uuid"), "volume_uuid");
        String mode = fields.mode();
        if (mode != null && !mode.equals("rw") && !mode.equals("ro")) {
            throw ServiceException.badRequest("Invalid input received: Invalid attach mode " + mode + ", it must be rw or ro.");
        }
        Attachment attachment = attachments.create(scope.context(), volumeId, Bodies.uuid(fields.instanceUuid(), "instance_uuid"),
                connector(fields.connector()), mode);
        Api.json(ctx, 200, new VolumeViews.OneAttachment(VolumeViews.attachment(attachment, attachments.connection(attachment))));
    }

    void updateAttachment(Context ctx, RequestScope scope, String id) throws Exception {
        requireAttachments(scope);
        AttachmentFields fields = Bodies.required(Bodies.read(ctx, AttachmentBody.class).attachment(), "attachment");
        String connector = Bodies.required(connector(fields.connector()), "connector");
        Attachment attachment = attachments.update(scope.context(), id, connector);
        Api.json(ctx, 200, new VolumeViews.OneAttachment(VolumeViews.attachment(attachment, attachments.connection(attachment))));
    }

    void showAttachment(Context ctx, RequestScope scope, String id) {
        requireAttachments(scope);
        Attachment attachment = attachments.get(scope.context(), id);
        Api.json(ctx, 200, new VolumeViews.OneAttachment(VolumeViews.attachment(attachment, attachments.connection(attachment))));
    }

    void listAttachments(Context ctx, RequestScope scope) {
        requireAttachments(scope);
        ListParams params = ListParams.parse(ctx.queryParamMap(), maxLimit, scope.version());
        Api.json(ctx, 200, new VolumeViews.ManyAttachments(attachments.list(scope.context(), params.allTenants()).stream()
                .map(a -> VolumeViews.attachment(a, attachments.connection(a))).toList()));
    }

    void attachmentAction(Context ctx, RequestScope scope, String id) throws Exception {
        if (!scope.version().atLeast(ApiVersion.ATTACHMENT_COMPLETE)) {
            throw ServiceException.notFound("The resource could not be found.");
        }
        AttachmentActionBody body = Bodies.read(ctx, AttachmentActionBody.class);
        if (body.complete() == null) {
            throw ServiceException.badRequest("There is no such action: the body must hold os-complete.");
        }
        attachments.complete(scope.context(), id);
        ctx.status(204);
    }

    void deleteAttachment(Context ctx, RequestScope scope, String id) {
        requireAttachments(scope);
        attachments.delete(scope.context(), id);
        Api.json(ctx, 200, new VolumeViews.ManyAttachments(List.of()));
    }

    private static void requireAttachments(RequestScope scope) {
        if (!scope.version().atLeast(ApiVersion.ATTACHMENTS)) {
            throw ServiceException.notFound("The resource could not be found.");
        }
    }

    private static String connector(JsonNode connector) {
        if (connector == null || connector.isNull()) {
            return null;
        }
        if (!connector.isObject()) {
            throw ServiceException.badRequest("Invalid input for field/attribute connector. Value: " + connector + ". It is not of type 'object'");
        }
        return Json.write(connector);
    }
}
