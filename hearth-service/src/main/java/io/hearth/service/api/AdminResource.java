package io.hearth.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.error.ServiceException;
import io.hearth.service.quota.QuotaService;
import io.hearth.service.quota.QuotaUsage;
import io.hearth.service.quota.Resource;
import io.hearth.service.scheduler.ServiceRecord;
import io.hearth.service.scheduler.ServiceRegistry;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/** Quotas, limits, os-services, availability zones and the version documents. */
final class AdminResource {
    record Usage(@JsonProperty("limit") long limit, @JsonProperty("in_use") long inUse, @JsonProperty("reserved") long reserved,
            @JsonProperty("allocated") long allocated) {}

    record QuotaSet<T>(@JsonProperty("id") String id, @JsonProperty("volumes") T volumes, @JsonProperty("snapshots") T snapshots,
            @JsonProperty("gigabytes") T gigabytes, @JsonProperty("backups") T backups, @JsonProperty("backup_gigabytes") T backupGigabytes,
            @JsonProperty("per_volume_gigabytes") T perVolumeGigabytes, @JsonProperty("groups") T groups) {}

    record QuotaEnvelope<T>(@JsonProperty("quota_set") QuotaSet<T> quotaSet) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record QuotaUpdate(@JsonProperty("volumes") Long volumes, @JsonProperty("snapshots") Long snapshots,
            @JsonProperty("gigabytes") Long gigabytes, @JsonProperty("backups") Long backups,
            @JsonProperty("backup_gigabytes") Long backupGigabytes, @JsonProperty("per_volume_gigabytes") Long perVolumeGigabytes,
            @JsonProperty("groups") Long groups) {}

    record QuotaUpdateBody(@JsonProperty("quota_set") QuotaUpdate quotaSet) {}

    record Absolute(@JsonProperty("maxTotalVolumes") long maxTotalVolumes, @JsonProperty("maxTotalSnapshots") long maxTotalSnapshots,
            @JsonProperty("maxTotalVolumeGigabytes") long maxTotalVolumeGigabytes, @JsonProperty("maxTotalBackups") long maxTotalBackups,
            @JsonProperty("maxTotalBackupGigabytes") long maxTotalBackupGigabytes, @JsonProperty("totalVolumesUsed") long totalVolumesUsed,
            @JsonProperty("totalGigabytesUsed") long totalGigabytesUsed, @JsonProperty("totalSnapshotsUsed") long totalSnapshotsUsed,
            @JsonProperty("totalBackupsUsed") long totalBackupsUsed, @JsonProperty("totalBackupGigabytesUsed") long totalBackupGigabytesUsed) {}

    record Limits(@JsonProperty("rate") List<Object> rate, @JsonProperty("absolute") Absolute absolute) {}

    record LimitsEnvelope(@JsonProperty("limits") Limits limits) {}

    record Service(@JsonProperty("binary") String binary, @JsonProperty("host") String host, @JsonProperty("zone") String zone,
            @JsonProperty("status") String status, @JsonProperty("state") String state, @JsonProperty("updated_at") String updatedAt,
            @JsonProperty("disabled_reason") String disabledReason) {}

    record Services(@JsonProperty("services") List<Service> services) {}

    record ServiceChange(@JsonProperty("host") String host, @JsonProperty("binary") String binary,
            @JsonProperty("disabled_reason") String disabledReason) {}

    record ServiceChanged(@JsonProperty("host") String host, @JsonProperty("binary") String binary, @JsonProperty("status") String status,
            @JsonProperty("disabled") boolean disabled, @JsonProperty("disabled_reason") String disabledReason) {}

    record ZoneState(@JsonProperty("available") boolean available) {}

    record Zone(@JsonProperty("zoneName") String zoneName, @JsonProperty("zoneState") ZoneState zoneState) {}

    record Zones(@JsonProperty("availabilityZoneInfo") List<Zone> zones) {}

    record VersionLink(@JsonProperty("rel") String rel, @JsonProperty("href") String href,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("type") String type) {}

    record MediaType(@JsonProperty("base") String base, @JsonProperty("type") String type) {}

    record Version(@JsonProperty("id") String id, @JsonProperty("status") String status, @JsonProperty("version") String version,
            @JsonProperty("min_version") String minVersion, @JsonProperty("updated") String updated,
            @JsonProperty("links") List<VersionLink> links, @JsonProperty("media-types") List<MediaType> mediaTypes) {}

    record Versions(@JsonProperty("versions") List<Version> versions) {}

    private final QuotaService quotas;
    private final ServiceRegistry services;
    private final HearthConfig config;

    AdminResource(QuotaService quotas, ServiceRegistry services, HearthConfig config) {
        this.quotas = quotas;
        this.services = services;
        this.config = config;
    }

    void showQuota(Context ctx, RequestScope request, String project, boolean defaults) {
        Map<Resource, QuotaUsage> usage = quotas.usage(defaults ? "__defaults__" : project);
        if (!defaults && ListParams.bool("usage", ctx.queryParam("usage"))) {
            Api.json(ctx, 200, new QuotaEnvelope<>(new QuotaSet<>(project, usage(usage, Resource.VOLUMES), usage(usage, Resource.SNAPSHOTS),
                    usage(usage, Resource.GIGABYTES), usage(usage, Resource.BACKUPS), usage(usage, Resource.BACKUP_GIGABYTES),
                    new Usage(-1, 0, 0, 0), new Usage(10, 0, 0, 0))));
        } else {
            Api.json(ctx, 200, new QuotaEnvelope<>(new QuotaSet<>(project, usage.get(Resource.VOLUMES).limit(),
                    usage.get(Resource.SNAPSHOTS).limit(), usage.get(Resource.GIGABYTES).limit(), usage.get(Resource.BACKUPS).limit(),
                    usage.get(Resource.BACKUP_GIGABYTES).limit(), -1L, 10L)));
        }
    }

    void updateQuota(Context ctx, RequestScope request, String project) throws Exception {
        QuotaUpdate update = Bodies.required(Bodies.read(ctx, QuotaUpdateBody.class).quotaSet(), "quota_set");
        set(project, Resource.VOLUMES, update.volumes());
        set(project, Resource.SNAPSHOTS, update.snapshots());
        set(project, Resource.GIGABYTES, update.gigabytes());
        set(project, Resource.BACKUPS, update.backups());
        set(project, Resource.BACKUP_GIGABYTES, update.backupGigabytes());
        showQuota(ctx, request, project, false);
    }

    private void set(String project, Resource resource, Long limit) {
        if (limit == null) {
            return;
        }
        if (limit < -1) {
            throw ServiceException.badRequest("Invalid input received: Quota limit " + limit + " for " + resource.key()
                    + " must be greater than or equal to -1.");
        }
        quotas.setLimit(project, resource, limit);
    }

    private static Usage usage(Map<Resource, QuotaUsage> usage, Resource resource) {
        QuotaUsage value = usage.get(resource);
        return new Usage(value.limit(), value.inUse(), 0, 0);
    }

    void limits(Context ctx, RequestScope request) {
        Map<Resource, QuotaUsage> usage = quotas.usage(request.context().projectId());
        Api.json(ctx, 200, new LimitsEnvelope(new Limits(List.of(), new Absolute(usage.get(Resource.VOLUMES).limit(),
                usage.get(Resource.SNAPSHOTS).limit(), usage.get(Resource.GIGABYTES).limit(), usage.get(Resource.BACKUPS).limit(),
                usage.get(Resource.BACKUP_GIGABYTES).limit(), usage.get(Resource.VOLUMES).inUse(), usage.get(Resource.GIGABYTES).inUse(),
                usage.get(Resource.SNAPSHOTS).inUse(), usage.get(Resource.BACKUPS).inUse(), usage.get(Resource.BACKUP_GIGABYTES).inUse()))));
    }

    void listServices(Context ctx, RequestScope request) {
        String binary = ctx.queryParam("binary");
        String host = ctx.queryParam("host");
        List<Service> list = services.list().stream()
                .filter(s -> (binary == null || binary.equals(s.binary())) && (host == null || host.equals(s.host())))
                .map(AdminResource::view).toList();
        Api.json(ctx, 200, new Services(list));
    }

    void changeService(Context ctx, RequestScope request, String action) throws Exception {
        ServiceChange change = Bodies.read(ctx, ServiceChange.class);
        boolean disable = switch (action) {
            case "enable" -> false;
            case "disable", "disable-log-reason" -> true;
            default -> throw ServiceException.notFound("Unknown action " + action + ".");
        };
        String host = Bodies.required(change.host(), "host");
        String binary = Bodies.required(change.binary(), "binary");
        if (!services.setDisabled(host, binary, disable, disable ? change.disabledReason() : null)) {
            throw ServiceException.notFound("Service " + binary + " on host " + host + " could not be found.");
        }
        Api.json(ctx, 200, new ServiceChanged(host, binary, disable ? "disabled" : "enabled", disable, disable ? change.disabledReason() : null));
    }

    private static Service view(ServiceRecord s) {
        return new Service(s.binary(), s.host(), s.availabilityZone(), s.disabled() ? "disabled" : "enabled", s.up() ? "up" : "down",
                Bodies.time(s.updatedAt()), s.disabledReason());
    }

    void zones(Context ctx) {
        Api.json(ctx, 200, new Zones(List.of(new Zone(config.storageAvailabilityZone(), new ZoneState(true)))));
    }

    static Versions versions(String baseUrl) {
        return new Versions(List.of(new Version("v3.0", "CURRENT", ApiVersion.MAX.toString(), ApiVersion.MIN.toString(),
                "2023-08-31T00:00:00Z", List.of(new VersionLink("describedby", "https://docs.openstack.org/", "text/html"),
                        new VersionLink("self", baseUrl + "/v3/", null)),
                List.of(new MediaType("application/json", "application/vnd.openstack.volume+json;version=3")))));
    }
}
