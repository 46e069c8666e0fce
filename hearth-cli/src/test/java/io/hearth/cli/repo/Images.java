package io.hearth.cli.repo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Deterministic disk images of mixed content, built from 4 KiB segments: runs of zeros, a few
 * blocks that repeat all over the image, random (incompressible) data and text (compressible).
 */
final class Images {
    static final int SEGMENT = 4096;

    private Images() {}

    /** An image of {@code size} bytes (need not be a multiple of anything) made from {@code seed}. */
    static Path mixed(Path file, long size, long seed) {
        Random random = new Random(seed);
        byte[][] repeated = new byte[3][SEGMENT];
        for (byte[] block : repeated) {
            random.nextBytes(block);
        }
        byte[] image = new byte[Math.toIntExact(size)];
        for (int at = 0; at < image.length; at += SEGMENT) {
            int length = Math.min(SEGMENT, image.length - at);
            int kind = random.nextInt(10);
            if (kind < 2) {
                continue; // zeros
            } else if (kind < 4) {
                System.arraycopy(repeated[random.nextInt(repeated.length)], 0, image, at, length);
            } else if (kind < 7) {
                byte[] data = new byte[length];
                random.nextBytes(data);
                System.arraycopy(data, 0, image, at, length);
            } else {
                byte[] text = text(random, length);
                System.arraycopy(text, 0, image, at, length);
            }
        }
        return write(file, image);
    }

    /** A copy of {@code original} with {@code segments} random 4 KiB segments overwritten by new random data. */
    static Path mutated(Path original, Path file, int segments, long seed) {
        Random random = new Random(seed);
        byte[] image = read(original);
        int count = (image.length + SEGMENT - 1) / SEGMENT;
        for (int i = 0; i < segments; i++) {
            int at = random.nextInt(count) * SEGMENT;
            byte[] data = new byte[Math.min(SEGMENT, image.length - at)];
            random.nextBytes(data);
            System.arraycopy(data, 0, image, at, data.length);
        }
        return write(file, image);
    }

    /** {@code image} with bytes [offset, offset+length) overwritten by random data. */
    static Path overwrite(Path image, long offset, int length, long seed) {
        byte[] bytes = read(image);
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        System.arraycopy(data, 0, bytes, Math.toIntExact(offset), length);
        return write(image, bytes);
    }

    private static byte[] text(Random random, int length) {
        String[] words = {"hearth ", "block ", "backup ", "restore ", "pack ", "index ", "volume ", "snapshot\n"};
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            text.append(words[random.nextInt(words.length)]);
        }
        return Arrays.copyOf(text.toString().getBytes(StandardCharsets.US_ASCII), length);
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
