package io.hearth.service.nbd;

/** The NBD export of one attachment: its secret name and whether it may be written. */
public record VolumeExport(String attachmentId, String volumeId, String exportName, boolean readOnly) {}
