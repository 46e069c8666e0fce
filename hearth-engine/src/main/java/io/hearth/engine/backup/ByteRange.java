package io.hearth.engine.backup;

import io.hearth.engine.HearthException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A range of bytes of a volume that may have changed since the parent backup. */
public record ByteRange(long offset, long length) {
    public ByteRange {
        if (offset < 0 || length < 0) {
            throw HearthException.badInput("a changed range cannot have a negative offset or length: " + offset + " " + length);
        }
    }

    public long end() {
        return offset + length;
    }

    /**
     * Reads a changed-ranges file: one range per line, {@code OFFSET LENGTH} in bytes (decimal),
     * blank lines and lines starting with {@code #} ignored.
     */
    public static List<ByteRange> parseFile(Path file) {
        List<ByteRange> ranges = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] parts = trimmed.split("\\s+");
                if (parts.length != 2) {
                    throw HearthException.badInput(file + " line " + number + ": expected 'OFFSET LENGTH', got '" + trimmed + "'");
                }
                try {
                    ranges.add(new ByteRange(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
                } catch (NumberFormatException e) {
                    throw HearthException.badInput(file + " line " + number + ": not a number in '" + trimmed + "'");
                }
            }
        } catch (NoSuchFileException e) {
            throw HearthException.badInput("changed-ranges file " + file + " does not exist");
        } catch (IOException e) {
            throw HearthException.badInput("changed-ranges file " + file + " cannot be read: " + e.getMessage());
        }
        return ranges;
    }
}
