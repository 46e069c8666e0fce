package io.hearth.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.engine.target.TransientTargetException;
import io.hearth.service.backup.BackupEvents;
import io.hearth.service.backup.BackupEvents.Operation;
import io.hearth.service.backup.BackupEvents.Outcome;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the registry shows for target errors and finished operations, and that two servers' registries are apart. */
class HearthMetricsTest {
    @Test
    void targetErrorsAreCountedByOperationAndOutcome() {
        HearthMetrics metrics = new HearthMetrics();
        metrics.failed("put", new TransientTargetException("503 Slow Down"), true);
        metrics.failed("put", new TransientTargetException("503 Slow Down"), true);
        metrics.failed("get", new IOException("403 Access Denied"), false);
        String text = metrics.scrape();
        assertThat(text).contains("hearth_target_errors_total{operation=\"put\",outcome=\"retried\"} 2.0")
                .contains("hearth_target_errors_total{operation=\"get\",outcome=\"failed\"} 1.0");
        metrics.close();
    }

    @Test
    void aFailedBackupCountsAsErrorWithoutThroughputAndEachServerHasItsOwnRegistry() {
        HearthMetrics one = new HearthMetrics();
        HearthMetrics other = new HearthMetrics();
        one.finished(Operation.CREATE, "b1", new BackupEvents.Result(Outcome.ERROR, Duration.ofSeconds(2), 4096, 0, 0, "target away"));
        one.finished(Operation.CREATE, "b2", new BackupEvents.Result(Outcome.SUCCESS, Duration.ofSeconds(2), 8192, 1000, 2000, null));
        String text = one.scrape();
        assertThat(text).contains("hearth_backup_operations_total{operation=\"create\",status=\"error\"} 1.0")
                .contains("hearth_backup_operations_total{operation=\"create\",status=\"success\"} 1.0")
                .contains("hearth_backup_read_bytes_total{operation=\"create\"} 12288.0")
                .contains("hearth_backup_uploaded_bytes_total{operation=\"create\"} 1000.0")
                .contains("hearth_backup_stored_bytes_total{operation=\"create\"} 2000.0")
                .contains("hearth_backup_throughput_bytes_per_second_count{operation=\"create\"} 1")
                .contains("hearth_backup_throughput_bytes_per_second_sum{operation=\"create\"} 4096.0");
        assertThat(other.scrape()).doesNotContain("hearth_backup_operations_total");
        one.close();
        other.close();
    }
}
