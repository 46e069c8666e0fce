package io.hearth.engine.verify;

import io.hearth.engine.HearthException;
import io.hearth.engine.ProgressListener;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.block.BlobFormat;
import io.hearth.engine.block.BlockCodec;
import io.hearth.engine.block.BlockId;
import io.hearth.engine.block.Compression;
import io.hearth.engine.blocklist.BlockListReader;
import io.hearth.engine.index.RepositoryIndex;
import io.hearth.engine.pack.BlobReader;
import io.hearth.engine.pack.PackEntry;
import io.hearth.engine.pack.PackFormat;
import io.hearth.engine.pack.PackHeaders;
import io.hearth.engine.pack.PackId;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.ObjectInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Checks backups without trusting anything: block lists readable, every block indexed, its pack
 * present with a sound header that covers it, and (with read-data) every block's hash.
 * Problems are collected, not thrown, each naming the backup and the volume offset.
 */
public final class Verifier {
    static final int MAX_PROBLEMS_PER_BACKUP = 50;

    /** Loads the index (leniently: damaged objects are reported by the index). */
    @FunctionalInterface
    public interface IndexLoader {
        RepositoryIndex load() throws IOException;
    }

    private final BackupTarget target;
    private final IndexLoader indexLoader;
    private final BlobFormat format;
    private final Supplier<List<BackupManifest>> allBackups;
    private final Function<String, Optional<BackupManifest>> findBackup;

    public Verifier(BackupTarget target, BlobFormat format, IndexLoader indexLoader, Supplier<List<BackupManifest>> allBackups,
            Function<String, Optional<BackupManifest>> findBackup) {
        this.target = target;
        this.format = format;
        this.indexLoader = indexLoader;
        this.allBackups = allBackups;
        this.findBackup = findBackup;
    }

    public VerifyReport verify(Optional<String> backupId, boolean readData, ProgressListener progress) {
        List<BackupManifest> manifests = backupId
                .map(id -> List.of(findBackup.apply(id).orElseThrow(() -> HearthException.notFound("backup " + id + " does not exist in this repository"))))
                .orElseGet(allBackups);
        return check(manifests, readData, progress);
    }

    /** Checks one manifest that need not be committed yet (import). */
    public VerifyReport verifyManifest(BackupManifest manifest, boolean readData) {
        return check(List.of(manifest), readData, ProgressListener.NONE);
    }

    private VerifyReport check(List<BackupManifest> manifests, boolean readData, ProgressListener progress) {
        List<String> problems = new ArrayList<>();
        long blocks = 0;
        long bytes = 0;
        long total = manifests.stream().mapToLong(BackupManifest::sourceSize).sum();
        long done = 0;
        try (RepositoryIndex index = indexLoader.load();
                BlobReader reader = new BlobReader(target, format)) {
            for (String damaged : index.damaged()) {
                problems.add(damaged);
            }
            Map<PackId, Long> packSizes = new HashMap<>();
            try (Stream<ObjectInfo> listing = target.list("packs/")) {
                listing.forEach(info -> {
                    PackId id = PackId.fromKey(info.key());
                    if (id != null) {
                        packSizes.put(id, info.size());
                    }
                });
            }
            Map<PackId, String> packProblems = new HashMap<>();
            Map<PackId, Long> packDataLength = new HashMap<>();
            ByteBuffer plain = null;
            for (BackupManifest manifest : manifests) {
                List<String> found = new ArrayList<>();
                BlockListReader list = new BlockListReader(manifest.blockList(), pageId -> {
                    PackEntry entry = index.find(pageId).orElseThrow(() -> HearthException.corrupt(
                            "block list page " + pageId + " is not in the index"));
                    return reader.read(entry);
                });
                if (plain == null || plain.capacity() < manifest.blockSize()) {
                    plain = ByteBuffer.allocateDirect(manifest.blockSize());
                }
                long offset = 0;
                try {
                    while (list.hasNext() && found.size() < MAX_PROBLEMS_PER_BACKUP) {
                        BlockId id = list.next();
                        long at = offset;
                        offset += manifest.blockSize();
                        blocks++;
                        if (id.isZero()) {
                            continue;
                        }
                        Optional<PackEntry> located = index.find(id);
                        if (located.isEmpty()) {
                            found.add("backup " + manifest.id() + ": block at volume offset " + at + " (" + id + ") is not in the index");
                            continue;
                        }
                        PackEntry entry = located.get();
                        String packProblem = packProblem(entry.pack(), packSizes, packProblems, packDataLength);
                        if (packProblem != null) {
                            found.add("backup " + manifest.id() + ": block at volume offset " + at + " lies in pack " + entry.pack() + ", which " + packProblem);
                            continue;
                        }
                        if (entry.offset() + entry.storedLength() > packDataLength.get(entry.pack())) {
                            found.add("backup " + manifest.id() + ": block at volume offset " + at + " lies beyond the data of pack " + entry.pack());
                            continue;
                        }
                        if (readData) {
                            try {
                                ByteBuffer stored = target.getRange(entry.pack().key(), entry.offset(), entry.storedLength());
                                reader.decodeAndVerify(entry, stored, plain);
                                bytes += entry.storedLength();
                            } catch (HearthException | IOException e) {
                                found.add("backup " + manifest.id() + ": block at volume offset " + at + " is damaged: " + e.getMessage());
                            }
                        }
                        progress.progress(done + Math.min(offset, manifest.sourceSize()), total);
                    }
                } catch (HearthException | IOException e) {
                    found.add("backup " + manifest.id() + ": block list unreadable near volume offset " + offset + ": " + e.getMessage());
                }
                if (found.size() >= MAX_PROBLEMS_PER_BACKUP) {
                    found.add("backup " + manifest.id() + ": more problems not listed");
                }
                problems.addAll(found);
                done += manifest.sourceSize();
            }
        } catch (IOException e) {
            problems.add("cannot read the repository: " + e.getMessage());
        }
        return new VerifyReport(manifests.size(), blocks, bytes, problems);
    }

    private String packProblem(PackId pack, Map<PackId, Long> sizes, Map<PackId, String> problems, Map<PackId, Long> dataLength) {
        if (problems.containsKey(pack)) {
            return problems.get(pack);
        }
        if (dataLength.containsKey(pack)) {
            return null;
        }
        String problem = null;
        Long size = sizes.get(pack);
        if (size == null) {
            problem = "is missing";
        } else {
            try {
                List<PackEntry> header = PackHeaders.read(target, pack);
                dataLength.put(pack, size - PackFormat.TRAILER_BYTES - PackFormat.headerLength(header.size()));
            } catch (HearthException | IOException e) {
                problem = "is damaged (" + e.getMessage() + ")";
            }
        }
        if (problem != null) {
            problems.put(pack, problem);
        }
        return problem;
    }
}
