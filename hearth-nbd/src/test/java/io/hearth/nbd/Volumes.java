package io.hearth.nbd;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Sparse test volumes with seeded data in a few places. */
final class Volumes {
    private Volumes() {}

    static final int MIB = 1 << 20;

    /** A sparse file of {@code size} bytes with random data at 1 MiB (70 000 bytes) and at 5 MiB (1 MiB). */
    static Path create(Path dir, String name, long size, long seed) throws IOException {
        Path file = dir.resolve(name);
        Random random = new Random(seed);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
            write(raf, random, MIB, 70_000);
            write(raf, random, 5 * MIB, MIB);
        }
        return file;
    }

    private static void write(RandomAccessFile raf, Random random, long offset, int length) throws IOException {
        byte[] data = new byte[length];
        random.nextBytes(data);
        raf.seek(offset);
        raf.write(data);
    }

    static byte[] bytes(Path file, long offset, int length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] data = new byte[length];
            raf.seek(offset);
            raf.readFully(data);
            return data;
        }
    }

    static boolean sameContent(Path a, Path b) throws IOException {
        return Files.mismatch(a, b) == -1;
    }
}
