package io.hearth.service.policy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cinder's default rules (cinder/policies/*.py) for the actions Hearth's API has, by their cinder names, so a cinder
 * policy file works unchanged. Readers may read their project's resources; members may also change them; admins may
 * do anything, and alone may reset statuses, force-delete, export and import backup records, see the services and
 * change quotas.
 */
public final class CinderPolicies {
    public static final String CONTEXT_IS_ADMIN = "context_is_admin";

    public static final String VOLUME_CREATE = "volume:create";
    public static final String VOLUME_GET = "volume:get";
    public static final String VOLUME_GET_ALL = "volume:get_all";
    public static final String VOLUME_UPDATE = "volume:update";
    public static final String VOLUME_DELETE = "volume:delete";
    public static final String VOLUME_EXTEND = "volume:extend";
    public static final String VOLUME_REVERT = "volume:revert_to_snapshot";
    public static final String VOLUME_RESET_STATUS = "volume_extension:volume_admin_actions:reset_status";

    public static final String SNAPSHOT_CREATE = "volume:create_snapshot";
    public static final String SNAPSHOT_GET = "volume:get_snapshot";
    public static final String SNAPSHOT_GET_ALL = "volume:get_all_snapshots";
    public static final String SNAPSHOT_DELETE = "volume:delete_snapshot";

    public static final String ATTACHMENT_CREATE = "volume:attachment_create";
    public static final String ATTACHMENT_UPDATE = "volume:attachment_update";
    public static final String ATTACHMENT_DELETE = "volume:attachment_delete";
    public static final String ATTACHMENT_COMPLETE = "volume:attachment_complete";

    public static final String BACKUP_CREATE = "backup:create";
    public static final String BACKUP_GET = "backup:get";
    public static final String BACKUP_GET_ALL = "backup:get_all";
    public static final String BACKUP_UPDATE = "backup:update";
    public static final String BACKUP_DELETE = "backup:delete";
    public static final String BACKUP_RESTORE = "backup:restore";
    public static final String BACKUP_IMPORT = "backup:backup-import";
    public static final String BACKUP_EXPORT = "backup:export-import";
    public static final String BACKUP_RESET_STATUS = "volume_extension:backup_admin_actions:reset_status";
    public static final String BACKUP_FORCE_DELETE = "volume_extension:backup_admin_actions:force_delete";
    /** Not an action: whether backup details show the owning project (3.18) and user (3.56). */
    public static final String BACKUP_ATTRIBUTES = "backup:backup_project_attribute";

    public static final String MESSAGE_GET = "message:get";
    public static final String MESSAGE_GET_ALL = "message:get_all";
    public static final String MESSAGE_DELETE = "message:delete";

    public static final String QUOTAS_SHOW = "volume_extension:quotas:show";
    public static final String QUOTAS_UPDATE = "volume_extension:quotas:update";
    public static final String LIMITS = "limits_extension:used_limits";
    public static final String SERVICES_INDEX = "volume_extension:services:index";
    public static final String SERVICES_UPDATE = "volume_extension:services:update";

    private static final String ADMIN_API = "rule:admin_api";
    private static final String READER = "rule:xena_system_admin_or_project_reader";
    private static final String MEMBER = "rule:xena_system_admin_or_project_member";

    private CinderPolicies() {}

    /** The check strings by rule name, in cinder's order. */
    public static Map<String, String> defaults() {
        Map<String, String> rules = new LinkedHashMap<>();
        rules.put(CONTEXT_IS_ADMIN, "role:admin");
        rules.put("admin_api", "is_admin:True or (role:admin and is_admin_project:True)");
        rules.put("admin_or_owner", "is_admin:True or (role:admin and is_admin_project:True) or project_id:%(project_id)s");
        rules.put("xena_system_admin_or_project_reader", "(role:admin) or (role:reader and project_id:%(project_id)s)");
        rules.put("xena_system_admin_or_project_member", "(role:admin) or (role:member and project_id:%(project_id)s)");

        rules.put(VOLUME_CREATE, MEMBER);
        rules.put(VOLUME_GET, READER);
        rules.put(VOLUME_GET_ALL, READER);
        rules.put(VOLUME_UPDATE, MEMBER);
        rules.put(VOLUME_DELETE, MEMBER);
        rules.put(VOLUME_EXTEND, MEMBER);
        rules.put(VOLUME_REVERT, MEMBER);
        rules.put(VOLUME_RESET_STATUS, ADMIN_API);

        rules.put(SNAPSHOT_CREATE, MEMBER);
        rules.put(SNAPSHOT_GET, READER);
        rules.put(SNAPSHOT_GET_ALL, READER);
        rules.put(SNAPSHOT_DELETE, MEMBER);

        rules.put(ATTACHMENT_CREATE, MEMBER);
        rules.put(ATTACHMENT_UPDATE, MEMBER);
        rules.put(ATTACHMENT_DELETE, MEMBER);
        rules.put(ATTACHMENT_COMPLETE, MEMBER);

        rules.put(BACKUP_CREATE, MEMBER);
        rules.put(BACKUP_GET, READER);
        rules.put(BACKUP_GET_ALL, READER);
        rules.put(BACKUP_UPDATE, MEMBER);
        rules.put(BACKUP_DELETE, MEMBER);
        rules.put(BACKUP_RESTORE, MEMBER);
        rules.put(BACKUP_IMPORT, ADMIN_API);
        rules.put(BACKUP_EXPORT, ADMIN_API);
        rules.put(BACKUP_RESET_STATUS, ADMIN_API);
        rules.put(BACKUP_FORCE_DELETE, ADMIN_API);
        rules.put(BACKUP_ATTRIBUTES, ADMIN_API);

        rules.put(MESSAGE_GET, READER);
        rules.put(MESSAGE_GET_ALL, READER);
        rules.put(MESSAGE_DELETE, MEMBER);

        rules.put(QUOTAS_SHOW, READER);
        rules.put(QUOTAS_UPDATE, ADMIN_API);
        rules.put(LIMITS, READER);
        rules.put(SERVICES_INDEX, ADMIN_API);
        rules.put(SERVICES_UPDATE, ADMIN_API);
        return rules;
    }
}
