package io.hearth.service.quota;

/** The quota resources, with cinder's key names. */
public enum Resource {
    VOLUMES("volumes"),
    GIGABYTES("gigabytes"),
    SNAPSHOTS("snapshots"),
    BACKUPS("backups"),
    BACKUP_GIGABYTES("backup_gigabytes");

    private final String key;

    Resource(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
