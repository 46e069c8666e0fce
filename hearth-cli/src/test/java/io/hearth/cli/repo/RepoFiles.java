package io.hearth.cli.repo;

import io.hearth.engine.block.BlockId;
import io.hearth.engine.pack.PackEntry;
import io.hearth.engine.pack.PackFormat;
import io.hearth.engine.pack.PackId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Looks at a repository's files from outside the engine: listings, pack headers, which blobs a backup needs. */
final class RepoFiles {
    private RepoFiles() {}

    /** Every file under {@code root}: relative path to "size sha256". Equal snapshots mean an unchanged repository. */
    static Map<String, String> snapshot(Path root) {
        Map<String, String> files = new TreeMap<>();
        if (!Files.exists(root)) {
            return files;
        }
        for (Path file : files(root)) {
            byte[] bytes = Images.read(file);
            files.put(root.relativize(file).toString(), bytes.length + " " + sha256Hex(bytes));
        }
        return files;
    }

    static List<Path> files(Path root) {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> packs(Path repo) {
        return files(repo.resolve("packs")).stream().filter(p -> PackId.fromKey(repo.relativize(p).toString()) != null).toList();
    }

    static long totalSize(List<Path> files) {
        long total = 0;
        for (Path file : files) {
            try {
                total += Files.size(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return total;
    }

    /** The entries of a pack as its own header lists them (offsets within the pack). */
    static List<PackEntry> header(Path repo, Path pack) {
        PackId id = PackId.fromKey(repo.relativize(pack).toString());
        try (FileChannel channel = FileChannel.open(pack, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer trailer = ByteBuffer.allocate(PackFormat.TRAILER_BYTES);
            channel.read(trailer, size - PackFormat.TRAILER_BYTES);
            int headerLength = PackFormat.headerLength(trailer.flip(), id.key());
            ByteBuffer header = ByteBuffer.allocate(headerLength);
            channel.read(header, size - PackFormat.TRAILER_BYTES - headerLength);
            return PackFormat.parseHeader(header.flip(), id, size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The id of every block of {@code image} (all-zero blocks have the zero id), in volume order. */
    static List<BlockId> blockIds(byte[] image, int blockSize) {
        List<BlockId> ids = new ArrayList<>();
        for (int at = 0; at < image.length; at += blockSize) {
            int length = Math.min(blockSize, image.length - at);
            boolean zero = true;
            for (int i = at; i < at + length && zero; i++) {
                zero = image[i] == 0;
            }
            ids.add(zero ? BlockId.ZERO : BlockId.fromBytes(sha256(image, at, length)));
        }
        return ids;
    }

    /**
     * Every blob a backup of {@code image} needs: its non-zero blocks and the pages of its block list,
     * a tree of pages of up to 256 ids (DESIGN.md §3) rebuilt here independently of the engine.
     *
     * @return the blob ids; the last one is the block list's root
     */
    static Set<BlockId> neededBlobs(byte[] image, int blockSize) {
        List<BlockId> level = blockIds(image, blockSize);
        Set<BlockId> needed = new LinkedHashSet<>();
        level.stream().filter(id -> !id.isZero()).forEach(needed::add);
        while (true) {
            List<BlockId> next = new ArrayList<>();
            for (int i = 0; i < level.size(); i += 256) {
                List<BlockId> ids = level.subList(i, Math.min(level.size(), i + 256));
                ByteBuffer page = ByteBuffer.allocate(ids.size() * BlockId.BYTES);
                ids.forEach(id -> id.write(page));
                BlockId pageId = BlockId.fromBytes(sha256(page.array(), 0, page.capacity()));
                needed.remove(pageId);
                needed.add(pageId);
                next.add(pageId);
            }
            if (next.size() == 1) {
                return needed;
            }
            level = next;
        }
    }

    static BlockId root(Set<BlockId> neededBlobs) {
        return neededBlobs.stream().reduce((a, b) -> b).orElseThrow();
    }

    static byte[] sha256(byte[] bytes, int offset, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, offset, length);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256(bytes, 0, bytes.length));
    }

    static void flipByte(Path file, long offset) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x5A)).position(0);
            channel.write(one, offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void truncate(Path file, long size) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
