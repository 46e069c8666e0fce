package io.hearth.cli.repo;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.cli.ExitCodes;
import io.hearth.cli.ProgressBar;
import io.hearth.engine.ErrorCategory;
import io.hearth.engine.repository.Repository;
import io.hearth.engine.verify.VerifyReport;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check the structure of one backup or all; with --read-data read and hash every block. Exits 5 on any problem.")
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    RepoOptions options;

    @Parameters(paramLabel = "BACKUP_ID", arity = "0..1")
    String backupId;

    @Option(names = "--read-data", description = "Read every block and check its hash.")
    boolean readData;

    record Result(@JsonProperty("ok") boolean ok, @JsonProperty("backups_checked") int backups,
            @JsonProperty("blocks_checked") long blocks, @JsonProperty("bytes_read") long bytes,
            @JsonProperty("problems") List<String> problems) {}

    @Override
    public Integer call() {
        try (Repository repository = options.open(); ProgressBar bar = new ProgressBar("verify", !options.json)) {
            VerifyReport report = repository.verify(Optional.ofNullable(backupId), readData, bar);
            bar.close();
            StringBuilder text = new StringBuilder();
            report.problems().forEach(problem -> text.append("problem: ").append(problem).append('\n'));
            text.append(report.ok() ? "ok: " : "FAILED: ").append(report.backupsChecked()).append(" backups, ")
                    .append(report.blocksChecked()).append(" blocks checked").append(readData ? ", data read and hashed" : "")
                    .append(report.ok() ? "" : ", " + report.problems().size() + " problems");
            Output.print(options.json, new Result(report.ok(), report.backupsChecked(), report.blocksChecked(), report.bytesRead(),
                    report.problems()), text.toString());
            return report.ok() ? 0 : ExitCodes.of(ErrorCategory.CORRUPT);
        }
    }
}
