package io.hearth.cli.repo;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.cli.ProgressBar;
import io.hearth.cli.Sizes;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.BackupRequest;
import io.hearth.engine.backup.BackupStats;
import io.hearth.engine.backup.ByteRange;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.source.BlockSource;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backup", mixinStandardHelpOptions = true, description = "Back up a file or block device into the repository.")
final class BackupCommand implements Callable<Integer> {
    @Mixin
    RepoOptions options;

    @Option(names = "--source", required = true, paramLabel = "FILE_OR_DEVICE_OR_NBD_URI",
            description = "What to back up: a file, a block device, or an NBD export (nbd://HOST:PORT/EXPORT).")
    String source;

    @Option(names = "--parent", paramLabel = "BACKUP_ID", description = "Build on this backup: its unchanged blocks cost nothing.")
    String parent;

    @Option(names = "--changed-ranges", paramLabel = "FILE",
            description = "With --parent: read only these byte ranges ('OFFSET LENGTH' per line); the rest comes from the parent.")
    Path changedRanges;

    @Option(names = "--id", paramLabel = "BACKUP_ID", description = "The new backup's id (default: a random UUID).")
    String id;

    @Option(names = "--name", description = "A name recorded in the manifest.")
    String name;

    record Result(@JsonProperty("backup_id") String backupId, @JsonProperty("parent_id") String parentId,
            @JsonProperty("source_size") long sourceSize, @JsonProperty("bytes_read") long bytesRead,
            @JsonProperty("bytes_new") long bytesNew, @JsonProperty("bytes_stored") long bytesStored,
            @JsonProperty("objects_written") long objectsWritten, @JsonProperty("blocks_total") long blocksTotal,
            @JsonProperty("blocks_zero") long blocksZero, @JsonProperty("blocks_new") long blocksNew,
            @JsonProperty("seconds") double seconds) {}

    @Override
    public Integer call() throws Exception {
        String backupId = id != null ? id : UUID.randomUUID().toString();
        Optional<java.util.List<ByteRange>> ranges = Optional.ofNullable(changedRanges).map(ByteRange::parseFile);
        try (Repository repository = options.open();
                BlockSource file = Locations.source(source);
                ProgressBar bar = new ProgressBar("backup", !options.json)) {
            BackupRequest request = new BackupRequest(backupId, file, Optional.ofNullable(parent), ranges,
                    new BackupRequest.BackupLabels(null, null, null, name, null, Map.of(), Instant.now()));
            BackupManifest manifest = repository.backup(request, bar);
            bar.close();
            BackupStats s = manifest.stats();
            Output.print(options.json, new Result(manifest.id(), manifest.parentId(), manifest.sourceSize(), s.bytesRead(), s.bytesNew(),
                    s.bytesStored(), s.objectsWritten(), s.blocksTotal(), s.blocksZero(), s.blocksNew(), s.seconds()),
                    "backup " + manifest.id() + " committed\n"
                            + "  read     " + Sizes.format(s.bytesRead()) + " of " + Sizes.format(manifest.sourceSize()) + "\n"
                            + "  new      " + Sizes.format(s.bytesNew()) + " (" + s.blocksNew() + " blocks; " + s.blocksZero() + " zero blocks skipped)\n"
                            + "  stored   " + Sizes.format(s.bytesStored()) + " in " + s.objectsWritten() + " objects\n"
                            + String.format(java.util.Locale.ROOT, "  time     %.2f s (%s/s)", s.seconds(),
                                    Sizes.format((long) (manifest.sourceSize() / Math.max(1e-3, s.seconds())))));
        }
        return 0;
    }
}
