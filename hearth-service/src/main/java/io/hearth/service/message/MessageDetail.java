package io.hearth.service.message;

/** Why a user message was recorded: cinder's message_field.Detail, by id and text. */
public enum MessageDetail implements MessageField {
    UNKNOWN_ERROR("001", "An unknown error occurred."),
    DRIVER_NOT_INITIALIZED("002", "Driver is not initialized at present."),
    NO_BACKEND_AVAILABLE("003", "Could not find any available weighted backend."),
    FAILED_TO_UPLOAD_VOLUME("004", "Failed to upload volume to image at backend."),
    VOLUME_ATTACH_MODE_INVALID("005", "Volume's attach mode is invalid."),
    QUOTA_EXCEED("006", "Not enough quota resource for operation."),
    NOT_ENOUGH_SPACE_FOR_IMAGE("007", "Image used for creating volume exceeds available space."),
    UNMANAGE_ENC_NOT_SUPPORTED("008", "Unmanaging encrypted volumes is not supported."),
    NOTIFY_COMPUTE_SERVICE_FAILED("009", "Compute service failed to extend volume."),
    DRIVER_FAILED_EXTEND("010", "Volume Driver failed to extend volume."),
    SIGNATURE_VERIFICATION_FAILED("011", "Image signature verification failed."),
    DRIVER_FAILED_CREATE("012", "Driver failed to create the volume."),
    SNAPSHOT_CREATE_ERROR("013", "Snapshot failed to create."),
    SNAPSHOT_UPDATE_METADATA_FAILED("014", "Volume snapshot update metadata failed."),
    SNAPSHOT_IS_BUSY("015", "Snapshot is busy."),
    SNAPSHOT_DELETE_ERROR("016", "Snapshot failed to delete."),
    BACKUP_INVALID_STATE("017", "Backup status is invalid."),
    BACKUP_SERVICE_DOWN("018", "Backup service is down."),
    BACKUP_CREATE_DEVICE_ERROR("019", "Failed to get backup device from the volume service."),
    BACKUP_CREATE_DRIVER_ERROR("020", "Backup driver failed to create backup."),
    ATTACH_ERROR("021", "Failed to attach volume."),
    DETACH_ERROR("022", "Failed to detach volume."),
    BACKUP_CREATE_CLEANUP_ERROR("023", "Cleanup of temporary volume/snapshot failed."),
    BACKUP_SCHEDULE_ERROR("024", "Backup failed to schedule. Service not found for creating backup."),
    BACKUP_DELETE_DRIVER_ERROR("025", "Backup driver failed to delete backup."),
    BACKUP_RESTORE_ERROR("026", "Backup driver failed to restore backup."),
    VOLUME_INVALID_STATE("027", "Volume status is invalid."),
    REIMAGE_VOLUME_FAILED("028", "Compute service failed to reimage volume."),
    IMAGE_FORMAT_UNACCEPTABLE("029", "The image disk format must be the same as the volume format for the volume type you are requesting."),
    INCREMENTAL_BACKUP_FORCES_FULL_BACKUP("030", "Incremental backup not possible, forcing full backup.");

    private final String id;
    private final String text;

    MessageDetail(String id, String text) {
        this.id = id;
        this.text = text;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String text() {
        return text;
    }

    /** Cinder's translate_detail: the text of an id, the unknown error's for one it does not know. */
    public static String text(String id) {
        return MessageField.text(MessageDetail.class, id, UNKNOWN_ERROR.text);
    }
}
