package io.hearth.service.quota;

import io.hearth.service.config.HearthConfig;
import io.hearth.service.db.Database;
import io.hearth.service.db.Transactions;
import io.hearth.service.error.ServiceException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Quotas charged to a project. A reservation is one transaction of conditional increments
 * ({@code in_use + n <= limit} in the UPDATE itself), so concurrent requests can never overshoot a limit.
 */
public final class QuotaService {
    private final Jdbi jdbi;
    private final Transactions transactions;
    private final Map<Resource, Long> defaults;

    public QuotaService(Jdbi jdbi, HearthConfig config, Transactions transactions) {
        this.jdbi = jdbi;
        this.transactions = transactions;
        Map<Resource, Long> limits = new EnumMap<>(Resource.class);
        limits.put(Resource.VOLUMES, (long) config.quotaVolumes());
        limits.put(Resource.GIGABYTES, (long) config.quotaGigabytes());
        limits.put(Resource.SNAPSHOTS, (long) config.quotaSnapshots());
        limits.put(Resource.BACKUPS, (long) config.quotaBackups());
        limits.put(Resource.BACKUP_GIGABYTES, (long) config.quotaBackupGigabytes());
        this.defaults = Map.copyOf(limits);
    }

    /** Charges every amount or none; throws OVER_LIMIT with cinder's message naming the first resource over. */
    public void reserve(String projectId, Map<Resource, Long> amounts) {
        // One order for every reservation (the enum's), so two reservations never lock rows in opposite orders.
        Map<Resource, Long> ordered = new EnumMap<>(amounts);
        transactions.run(() -> jdbi.useHandle(h -> {
            for (Resource resource : ordered.keySet()) {
                ensureRow(h, projectId, resource);
            }
            for (Map.Entry<Resource, Long> entry : ordered.entrySet()) {
                Resource resource = entry.getKey();
                long amount = entry.getValue();
                long limit = limit(h, projectId, resource);
                int updated = h.createUpdate("""
                        UPDATE quota_usages SET in_use = in_use + :amount
                        WHERE project_id = :project AND resource = :resource AND (:limit < 0 OR in_use + :amount <= :limit)""")
                        .bind("amount", amount).bind("project", projectId).bind("resource", resource.key()).bind("limit", limit)
                        .execute();
                if (updated != 1) {
                    // Thrown out of the transaction: what it charged already is rolled back.
                    throw ServiceException.overLimit(overLimitMessage(resource, amount, limit, inUse(h, projectId, resource)));
                }
            }
        }));
    }

    /** Gives back what a deleted or refused resource held; never below zero. */
    public void release(String projectId, Map<Resource, Long> amounts) {
        transactions.run(() -> jdbi.useHandle(h -> {
            for (Map.Entry<Resource, Long> entry : new EnumMap<>(amounts).entrySet()) {
                h.createUpdate("""
                        UPDATE quota_usages SET in_use = CASE WHEN in_use > :amount THEN in_use - :amount ELSE 0 END
                        WHERE project_id = :project AND resource = :resource""")
                        .bind("amount", entry.getValue()).bind("project", projectId).bind("resource", entry.getKey().key()).execute();
            }
        }));
    }

    public Map<Resource, QuotaUsage> usage(String projectId) {
        return jdbi.withHandle(h -> {
            Map<Resource, QuotaUsage> result = new LinkedHashMap<>();
            for (Resource resource : Resource.values()) {
                result.put(resource, new QuotaUsage(resource, limit(h, projectId, resource), inUse(h, projectId, resource)));
            }
            return result;
        });
    }

    public void setLimit(String projectId, Resource resource, long limit) {
        transactions.run(() -> jdbi.useHandle(h -> {
            int updated = h.createUpdate("UPDATE quotas SET hard_limit = :limit WHERE project_id = :project AND resource = :resource")
                    .bind("limit", limit).bind("project", projectId).bind("resource", resource.key()).execute();
            if (updated == 0) {
                h.createUpdate("INSERT INTO quotas (project_id, resource, hard_limit) VALUES (:project, :resource, :limit)")
                        .bind("limit", limit).bind("project", projectId).bind("resource", resource.key()).execute();
            }
        }));
    }

    private long limit(Handle h, String projectId, Resource resource) {
        return h.createQuery("SELECT hard_limit FROM quotas WHERE project_id = :project AND resource = :resource")
                .bind("project", projectId).bind("resource", resource.key()).mapTo(Long.class).findOne()
                .orElse(defaults.get(resource));
    }

    private static long inUse(Handle h, String projectId, Resource resource) {
        return h.createQuery("SELECT in_use FROM quota_usages WHERE project_id = :project AND resource = :resource")
                .bind("project", projectId).bind("resource", resource.key()).mapTo(Long.class).findOne().orElse(0L);
    }

    private static void ensureRow(Handle h, String projectId, Resource resource) {
        boolean exists = h.createQuery("SELECT COUNT(*) FROM quota_usages WHERE project_id = :project AND resource = :resource")
                .bind("project", projectId).bind("resource", resource.key()).mapTo(Integer.class).one() > 0;
        if (!exists) {
            // A savepoint, because PostgreSQL refuses every further statement of a transaction after a failed one.
            h.savepoint("usage_row");
            try {
                h.createUpdate("INSERT INTO quota_usages (project_id, resource, in_use) VALUES (:project, :resource, 0)")
                        .bind("project", projectId).bind("resource", resource.key()).execute();
                h.releaseSavepoint("usage_row");
            } catch (UnableToExecuteStatementException e) {
                if (Database.isUnavailable(e)) {
                    throw e;
                }
                // Another first reservation inserted the row a moment before: that is all we wanted.
                h.rollbackToSavepoint("usage_row");
            }
        }
    }

    private static String overLimitMessage(Resource resource, long amount, long limit, long inUse) {
        return switch (resource) {
            case BACKUPS -> "Maximum number of backups allowed (" + limit + ") exceeded";
            case BACKUP_GIGABYTES -> "Requested backup exceeds allowed Backup gigabytes quota. Requested " + amount
                    + "G, quota is " + limit + "G and " + inUse + "G has been consumed.";
            case VOLUMES -> "Maximum number of volumes allowed (" + limit + ") exceeded for quota 'volumes'.";
            case GIGABYTES -> "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested "
                    + amount + "G, quota is " + limit + "G and " + inUse + "G has been consumed.";
            case SNAPSHOTS -> "Maximum number of snapshots allowed (" + limit + ") exceeded";
        };
    }
}
