package io.hearth.service.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What a file the service reads again when it changes (policy file, certificates, key stores) looked like when last
 * read: modification time, size and file key, which together tell an edited or a replaced file. A missing or
 * unreadable file has a stamp of its own, so its loss is noticed once and its return too.
 */
public record FileStamp(Path file, FileTime modified, long size, Object fileKey) {
    public static FileStamp of(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(file, attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        } catch (IOException e) {
            return new FileStamp(file, FileTime.fromMillis(0), -1, null);
        }
    }
}
