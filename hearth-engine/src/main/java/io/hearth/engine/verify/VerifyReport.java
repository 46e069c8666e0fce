package io.hearth.engine.verify;

import java.util.List;

/**
 * The outcome of a verify: what was checked and every problem found, each naming the backup and
 * the volume offset (or the object) concerned.
 */
public record VerifyReport(int backupsChecked, long blocksChecked, long bytesRead, List<String> problems) {
    public VerifyReport {
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return problems.isEmpty();
    }
}
