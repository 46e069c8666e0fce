package io.hearth.service.message;

/** A predefined part of a user message (cinder's message_field): an id stored with the message, and its text. */
interface MessageField {
    String id();

    String text();

    /** The text of the field of {@code type} with this id (cinder's translate_action / translate_detail). */
    static <F extends Enum<F> & MessageField> String text(Class<F> type, String id, String unknown) {
        for (F field : type.getEnumConstants()) {
            if (field.id().equals(id)) {
                return field.text();
            }
        }
        return unknown;
    }
}
