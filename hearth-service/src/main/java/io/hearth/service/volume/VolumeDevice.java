package io.hearth.service.volume;

import io.hearth.service.nbd.VolumeExport;

/**
 * What a backup host is given to read a volume or write a restore onto it: the file itself when the backup service runs
 * on the volume's own host ({@code path}), otherwise an NBD export of it made for this one operation ({@code export}).
 * Exactly one of the two is set.
 */
public record VolumeDevice(String path, VolumeExport.Connection export) {
    public VolumeDevice {
        if ((path == null) == (export == null)) {
            throw new IllegalArgumentException("a volume device is a path or an export, not both or neither");
        }
    }

    public static VolumeDevice local(java.nio.file.Path path) {
        return new VolumeDevice(path.toString(), null);
    }

    public static VolumeDevice remote(VolumeExport.Connection export) {
        return new VolumeDevice(null, export);
    }
}
