package io.hearth.service.message;

/** What was being done when a user message was recorded: cinder's message_field.Action, by id and text. */
public enum MessageAction implements MessageField {
    SCHEDULE_ALLOCATE_VOLUME("001", "schedule allocate volume"),
    ATTACH_VOLUME("002", "attach volume"),
    COPY_VOLUME_TO_IMAGE("003", "copy volume to image"),
    UPDATE_ATTACHMENT("004", "update attachment"),
    COPY_IMAGE_TO_VOLUME("005", "copy image to volume"),
    UNMANAGE_VOLUME("006", "unmanage volume"),
    EXTEND_VOLUME("007", "extend volume"),
    CREATE_VOLUME_FROM_BACKEND("008", "create volume from backend storage"),
    SNAPSHOT_CREATE("009", "create snapshot"),
    SNAPSHOT_DELETE("010", "delete snapshot"),
    SNAPSHOT_UPDATE("011", "update snapshot"),
    SNAPSHOT_METADATA_UPDATE("012", "update snapshot metadata"),
    BACKUP_CREATE("013", "create backup"),
    BACKUP_DELETE("014", "delete backup"),
    BACKUP_RESTORE("015", "restore backup"),
    REIMAGE_VOLUME("016", "reimage volume");

    private final String id;
    private final String text;

    MessageAction(String id, String text) {
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

    /** Cinder's translate_action: the text of an id, {@code unknown action} for one it does not know. */
    public static String text(String id) {
        return MessageField.text(MessageAction.class, id, "unknown action");
    }
}
