package io.hearth.cli.repo;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.cli.Sizes;
import io.hearth.engine.gc.GcReport;
import io.hearth.engine.repository.Repository;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "gc", mixinStandardHelpOptions = true,
        description = "Delete packs that no backup references. Safe beside running backups.")
final class GcCommand implements Callable<Integer> {
    @Mixin
    RepoOptions options;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "1h",
            description = "Keep unreferenced packs younger than this (default ${DEFAULT-VALUE}; 0 for none).")
    String grace;

    record Result(@JsonProperty("packs_deleted") long packsDeleted, @JsonProperty("bytes_deleted") long bytesDeleted,
            @JsonProperty("packs_pending") long packsPending, @JsonProperty("packs_kept") long packsKept,
            @JsonProperty("index_objects_compacted") long compacted) {}

    @Override
    public Integer call() {
        Duration duration = Sizes.parseDuration(grace);
        try (Repository repository = options.open()) {
            GcReport r = repository.gc(duration);
            Output.print(options.json, new Result(r.packsDeleted(), r.bytesDeleted(), r.packsPending(), r.packsKept(), r.indexObjectsCompacted()),
                    "deleted " + r.packsDeleted() + " packs (" + Sizes.format(r.bytesDeleted()) + "), kept " + r.packsKept()
                            + (r.packsPending() > 0 ? ", " + r.packsPending() + " unreferenced packs wait for running backups to end" : ""));
        }
        return 0;
    }
}
