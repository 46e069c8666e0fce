package io.hearth.cli.repo;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.cli.ProgressBar;
import io.hearth.cli.Sizes;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.restore.RestoreResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore a backup into a file (written sparse) or a block device; every block is verified.")
final class RestoreCommand implements Callable<Integer> {
    @Mixin
    RepoOptions options;

    @Parameters(paramLabel = "BACKUP_ID")
    String backupId;

    @Option(names = "--target", required = true, paramLabel = "FILE_OR_DEVICE_OR_NBD_URI",
            description = "Where to restore: a file, a block device, or a writable NBD export (nbd://HOST:PORT/EXPORT).")
    String target;

    record Result(@JsonProperty("backup_id") String backupId, @JsonProperty("bytes_total") long bytesTotal,
            @JsonProperty("bytes_written") long bytesWritten, @JsonProperty("blocks_zero") long blocksZero,
            @JsonProperty("seconds") double seconds) {}

    @Override
    public Integer call() throws java.io.IOException {
        try (Repository repository = options.open(); ProgressBar bar = new ProgressBar("restore", !options.json)) {
            RestoreResult r = Locations.restore(repository, backupId, target, bar);
            bar.close();
            Output.print(options.json, new Result(backupId, r.bytesTotal(), r.bytesWritten(), r.blocksZero(), r.seconds()),
                    "restored backup " + backupId + " to " + target + ": " + Sizes.format(r.bytesTotal()) + " ("
                            + Sizes.format(r.bytesWritten()) + " written, " + r.blocksZero() + " zero blocks left as holes) in "
                            + String.format(java.util.Locale.ROOT, "%.2f s", r.seconds()));
        }
        return 0;
    }
}
