package io.hearth.service.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.service.backup.Backup;
import io.hearth.service.backup.BackupApi;
import io.hearth.service.backup.BackupProgress;
import io.hearth.service.error.ServiceException;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/** HTTP handlers for /backups: parse the request, call {@link BackupApi}, render cinder's view. */
final class BackupResource {
    record CreateFields(@JsonProperty("volume_id") String volumeId, @JsonProperty("container") String container,
            @JsonProperty("name") String name, @JsonProperty("description") String description,
            @JsonProperty("incremental") JsonNode incremental, @JsonProperty("force") JsonNode force,
            @JsonProperty("snapshot_id") String snapshotId, @JsonProperty("metadata") Map<String, String> metadata,
            @JsonProperty("availability_zone") String availabilityZone) {}

    record CreateBody(@JsonProperty("backup") CreateFields backup) {}

    record UpdateFields(@JsonProperty("name") String name, @JsonProperty("description") String description,
            @JsonProperty("metadata") Map<String, String> metadata) {}

    record UpdateBody(@JsonProperty("backup") UpdateFields backup) {}

    record RestoreFields(@JsonProperty("volume_id") String volumeId, @JsonProperty("name") String name) {}

    record RestoreBody(@JsonProperty("restore") RestoreFields restore) {}

    record ResetStatus(@JsonProperty("status") String status) {}

    record ActionBody(@JsonProperty("os-reset_status") ResetStatus resetStatus, @JsonProperty("os-force_delete") JsonNode forceDelete) {}

    record ImportFields(@JsonProperty("backup_service") String backupService, @JsonProperty("backup_url") String backupUrl) {}

    record ImportBody(@JsonProperty("backup-record") ImportFields record) {}

    /** Filters a non-admin may use (cinder's resource_filters.json), by query name → column. */
    private static final Map<String, String> USER_FILTERS = Map.of("name", "name", "status", "status", "volume_id", "volume_id");
    private static final Set<String> ADMIN_FILTERS = Set.of("name", "status", "volume_id", "project_id", "host", "parent_id",
            "availability_zone", "snapshot_id", "container", "user_id", "id");

    private final BackupApi backups;
    private final BackupProgress progress;
    private final int maxLimit;
    /** Whether the caller may see who owns a backup (cinder's {@code backup:backup_project_attribute}). */
    private final Predicate<RequestScope> seesOwner;

    BackupResource(BackupApi backups, BackupProgress progress, int maxLimit, Predicate<RequestScope> seesOwner) {
        this.backups = backups;
        this.progress = progress;
        this.maxLimit = maxLimit;
        this.seesOwner = seesOwner;
    }

    void create(Context ctx, RequestScope scope) throws Exception {
        CreateFields fields = Bodies.required(Bodies.read(ctx, CreateBody.class).backup(), "backup");
        Bodies.notBefore(fields.metadata(), ApiVersion.BACKUP_METADATA, scope.version(), "backup", "metadata");
        Bodies.notBefore(fields.availabilityZone(), ApiVersion.BACKUP_AZ, scope.version(), "backup", "availability_zone");
        Backup backup = backups.create(scope.context(), new BackupApi.CreateBackup(
                Bodies.uuid(Bodies.required(fields.volumeId(), "volume_id"), "volume_id"), Bodies.text(fields.container(), "container"),
                Bodies.text(fields.name(), "name"), Bodies.text(fields.description(), "description"),
                Bodies.bool(fields.incremental(), "incremental"), Bodies.bool(fields.force(), "force"),
                Bodies.uuid(fields.snapshotId(), "snapshot_id"), Bodies.metadata(fields.metadata()),
                Bodies.text(fields.availabilityZone(), "availability_zone")));
        Api.json(ctx, 202, new BackupViews.One<>(BackupViews.summary(scope, backup)));
    }

    void list(Context ctx, RequestScope scope, boolean detail) {
        ListParams params = ListParams.parse(ctx.queryParamMap(), maxLimit, scope.version());
        Map<String, String> columns = new LinkedHashMap<>();
        boolean empty = false;
        for (Map.Entry<String, String> filter : params.filters().entrySet()) {
            if (scope.context().admin()) {
                if (ADMIN_FILTERS.contains(filter.getKey())) {
                    columns.put(filter.getKey(), filter.getValue());
                } else {
                    empty = true;
                }
            } else if (USER_FILTERS.containsKey(filter.getKey())) {
                columns.put(USER_FILTERS.get(filter.getKey()), filter.getValue());
            } else if (scope.version().atLeast(ApiVersion.RESOURCE_FILTER)) {
                throw ServiceException.badRequest("Invalid filters " + filter.getKey() + " are found in query options.");
            }
        }
        List<Backup> rows = empty ? List.of() : backups.list(scope.context(), params.allTenants(), columns);
        Map<String, Function<Backup, Comparable<?>>> sortable = new LinkedHashMap<>();
        sortable.put("created_at", Backup::createdAt);
        sortable.put("updated_at", b -> b.updatedAt() == null ? Instant.EPOCH : b.updatedAt());
        sortable.put("id", Backup::id);
        sortable.put("status", b -> b.status().wire());
        sortable.put("size", Backup::size);
        sortable.put("volume_id", Backup::volumeId);
        sortable.put("display_name", b -> b.name() == null ? "" : b.name());
        sortable.put("data_timestamp", Backup::dataTimestamp);
        sortable.put("availability_zone", b -> b.availabilityZone() == null ? "" : b.availabilityZone());
        sortable.put("project_id", Backup::projectId);
        if (scope.version().atLeast(ApiVersion.BACKUP_SORT_NAME)) {
            sortable.put("name", b -> b.name() == null ? "" : b.name());
        }
        ListParams.Page<Backup> page = params.page(rows, sortable, Backup::id, "backup");
        boolean owner = detail && seesOwner.test(scope);
        List<?> items = detail
                ? page.items().stream().map(b -> BackupViews.detail(scope, b, backups.dependents(b.id()), owner)).toList()
                : page.items().stream().map(b -> BackupViews.summary(scope, b)).toList();
        List<Link> next = null;
        if (page.more() && !page.items().isEmpty()) {
            next = List.of(new Link(Api.nextLink(ctx, scope, "backups" + (detail ? "/detail" : ""), page.items().getLast().id()), "next"));
        }
        Api.json(ctx, 200, new BackupViews.Many<>(items, next, params.withCount() ? page.total() : null));
    }

    void show(Context ctx, RequestScope scope, String id) {
        Backup backup = backups.get(scope.context(), id);
        Api.json(ctx, 200, new BackupViews.One<>(BackupViews.detail(scope, backup, backups.dependents(id), seesOwner.test(scope))));
    }

    void progress(Context ctx, RequestScope scope, String id) {
        Backup backup = backups.get(scope.context(), id);
        BackupProgress.Snapshot now = progress.of(backup.id()).orElse(new BackupProgress.Snapshot(backup.status().wire(), 0, 0));
        Api.json(ctx, 200, new BackupViews.ProgressEnvelope(new BackupViews.Progress(now.operation(), now.bytesDone(), now.bytesTotal())));
    }

    void update(Context ctx, RequestScope scope, String id) throws Exception {
        if (!scope.version().atLeast(ApiVersion.BACKUP_UPDATE)) {
            throw ServiceException.notFound("The resource could not be found.");
        }
        UpdateFields fields = Bodies.required(Bodies.read(ctx, UpdateBody.class).backup(), "backup");
        Bodies.notBefore(fields.metadata(), ApiVersion.BACKUP_METADATA, scope.version(), "backup", "metadata");
        Backup backup = backups.update(scope.context(), id, Optional.ofNullable(Bodies.text(fields.name(), "name")),
                Optional.ofNullable(Bodies.text(fields.description(), "description")), Optional.ofNullable(Bodies.metadata(fields.metadata())),
                fields.name() != null, fields.description() != null);
        Api.json(ctx, 200, new BackupViews.One<>(BackupViews.summary(scope, backup)));
    }

    void delete(Context ctx, RequestScope scope, String id) {
        backups.delete(scope.context(), id);
        ctx.status(202);
    }

    void restore(Context ctx, RequestScope scope, String id) throws Exception {
        RestoreFields fields = Bodies.read(ctx, RestoreBody.class).restore();
        if (fields == null) {
            fields = new RestoreFields(null, null);
        }
        BackupApi.Restored restored = backups.restore(scope.context(), id, Bodies.uuid(fields.volumeId(), "volume_id"),
                Bodies.text(fields.name(), "name"));
        Api.json(ctx, 202, new BackupViews.RestoreEnvelope(new BackupViews.Restore(restored.backupId(), restored.volumeId(), restored.volumeName())));
    }

    void action(Context ctx, RequestScope scope, String id) throws Exception {
        ActionBody body = Bodies.read(ctx, ActionBody.class);
        if (body.resetStatus() != null && body.forceDelete() == null) {
            backups.resetStatus(scope.context(), id, Bodies.required(body.resetStatus().status(), "status"));
        } else if (body.forceDelete() != null && body.resetStatus() == null) {
            backups.forceDelete(scope.context(), id);
        } else {
            throw ServiceException.badRequest("There is no such action: the body must hold exactly one of os-reset_status and os-force_delete.");
        }
        ctx.status(202);
    }

    void export(Context ctx, RequestScope scope, String id) {
        BackupApi.ExportedRecord record = backups.export(scope.context(), id);
        Api.json(ctx, 200, new BackupViews.RecordEnvelope(new BackupViews.Record(record.backupService(), record.backupUrl())));
    }

    void importRecord(Context ctx, RequestScope scope) throws Exception {
        ImportFields fields = Bodies.required(Bodies.read(ctx, ImportBody.class).record(), "backup-record");
        Backup backup = backups.importRecord(scope.context(), Bodies.required(fields.backupService(), "backup_service"),
                Bodies.required(fields.backupUrl(), "backup_url"));
        Api.json(ctx, 201, new BackupViews.One<>(new BackupViews.Summary(backup.id(), null, Link.of(scope, "backups", backup.id()))));
    }
}
