package io.hearth.cli.repo;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.engine.HearthException;
import io.hearth.engine.repository.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete a backup. Other backups never depend on it; its space returns with 'repo gc'.")
final class DeleteCommand implements Callable<Integer> {
    @Mixin
    RepoOptions options;

    @Parameters(paramLabel = "BACKUP_ID")
    String backupId;

    record Result(@JsonProperty("backup_id") String backupId, @JsonProperty("deleted") boolean deleted) {}

    @Override
    public Integer call() {
        try (Repository repository = options.open()) {
            if (!repository.deleteBackup(backupId)) {
                throw HearthException.notFound("backup " + backupId + " does not exist in this repository");
            }
            Output.print(options.json, new Result(backupId, true), "deleted backup " + backupId + " (run 'hearth repo gc' to reclaim its space)");
        }
        return 0;
    }
}
