package io.hearth.cli.repo;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.cli.Sizes;
import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.repository.Repository;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ls", mixinStandardHelpOptions = true, description = "List the backups in the repository, oldest first.")
final class ListCommand implements Callable<Integer> {
    @Mixin
    RepoOptions options;

    record Result(@JsonProperty("backups") List<BackupManifest> backups) {}

    @Override
    public Integer call() {
        try (Repository repository = options.open()) {
            List<BackupManifest> backups = repository.listBackups();
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%-36s  %-24s  %10s  %10s  %s%n", "ID", "CREATED", "SIZE", "STORED", "PARENT"));
            for (BackupManifest b : backups) {
                text.append(String.format(Locale.ROOT, "%-36s  %-24s  %10s  %10s  %s%n", b.id(), b.createdAt(), Sizes.format(b.sourceSize()),
                        b.stats() == null ? "-" : Sizes.format(b.stats().bytesStored()), b.parentId() == null ? "-" : b.parentId()));
            }
            text.append(backups.size()).append(" backups");
            Output.print(options.json, new Result(backups), text.toString());
        }
        return 0;
    }
}
