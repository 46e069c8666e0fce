package io.hearth.cli.repo;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.engine.repository.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "rebuild-index", mixinStandardHelpOptions = true, description = "Rebuild the index from the pack headers.")
final class RebuildIndexCommand implements Callable<Integer> {
    @Mixin
    RepoOptions options;

    record Result(@JsonProperty("entries") long entries) {}

    @Override
    public Integer call() {
        try (Repository repository = options.open()) {
            long entries = repository.rebuildIndex();
            Output.print(options.json, new Result(entries), "index rebuilt from the packs: " + entries + " entries");
        }
        return 0;
    }
}
