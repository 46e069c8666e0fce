package io.hearth.service.volume;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The default volume driver (DESIGN §5): each volume is a sparse raw file, like cinder's NFS driver.
 * Snapshots and clones are copies made by {@code cp --reflink=auto --sparse=always}, so they cost what the
 * volume has allocated (nothing at all where the filesystem can share extents), not the volume's size.
 */
public final class SparseFileDriver {
    private static final long GIB = 1L << 30;

    private final Path root;

    public SparseFileDriver(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the volumes directory " + root, e);
        }
    }

    public Path volumePath(String volumeId) {
        return root.resolve("volume-" + volumeId);
    }

    public Path snapshotPath(String snapshotId) {
        return root.resolve("snapshot-" + snapshotId);
    }

    public void createVolume(String volumeId, int sizeGb) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(volumePath(volumeId).toFile(), "rw")) {
            file.setLength(sizeGb * GIB);
        }
    }

    public void createFromSnapshot(String snapshotId, String volumeId, int sizeGb) throws IOException {
        copy(snapshotPath(snapshotId), volumePath(volumeId));
        extend(volumeId, sizeGb);
    }

    public void cloneVolume(String sourceId, String volumeId, int sizeGb) throws IOException {
        copy(volumePath(sourceId), volumePath(volumeId));
        extend(volumeId, sizeGb);
    }

    public void createSnapshot(String volumeId, String snapshotId) throws IOException {
        copy(volumePath(volumeId), snapshotPath(snapshotId));
    }

    /**
     * Puts the snapshot's data back onto the volume: a sparse copy beside the volume file, renamed over it, so a
     * failure part-way leaves the volume's data as it was.
     */
    public void revertToSnapshot(String snapshotId, String volumeId) throws IOException {
        copy(snapshotPath(snapshotId), volumePath(volumeId));
    }

    public void extend(String volumeId, int sizeGb) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(volumePath(volumeId).toFile(), "rw")) {
            if (file.length() < sizeGb * GIB) {
                file.setLength(sizeGb * GIB);
            }
        }
    }

    public void deleteVolume(String volumeId) throws IOException {
        Files.deleteIfExists(volumePath(volumeId));
    }

    public void deleteSnapshot(String snapshotId) throws IOException {
        Files.deleteIfExists(snapshotPath(snapshotId));
    }

    private static void copy(Path source, Path target) throws IOException {
        if (!Files.isRegularFile(source)) {
            throw new IOException(source + " does not exist");
        }
        Path temporary = target.resolveSibling(target.getFileName() + ".partial");
        Process process = new ProcessBuilder("cp", "--reflink=auto", "--sparse=always", source.toString(), temporary.toString())
                .redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(1, TimeUnit.HOURS) || process.exitValue() != 0) {
                Files.deleteIfExists(temporary);
                throw new IOException("copying " + source + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted copying " + source);
        }
        Files.move(temporary, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
