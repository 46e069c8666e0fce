package io.hearth.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/** Every file of a repository with its size and content hash: to show that a failed request changed nothing. */
final class RepositoryFiles {
    private RepositoryFiles() {}

    static List<String> listing(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).sorted().map(path -> {
                try {
                    byte[] bytes = Files.readAllBytes(path);
                    return root.relativize(path) + " " + bytes.length + " "
                            + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }
}
