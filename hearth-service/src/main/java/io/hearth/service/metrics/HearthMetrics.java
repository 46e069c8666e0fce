package io.hearth.service.metrics;

import io.hearth.engine.target.TargetErrorListener;
import io.hearth.service.backup.BackupEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * This process's metrics, in one registry of its own (a second server in the same JVM, as in the tests, has its own),
 * exposed at {@code /metrics} in the Prometheus text format. Every name starts with {@code hearth_}. It hears the
 * backup service's events and the backup target's failed requests.
 */
public final class HearthMetrics implements BackupEvents, TargetErrorListener {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** The registry, for tests and for meters of other parts. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /** A gauge read at each scrape (queue depths). */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    @Override
    public void finished(Operation operation, String backupId, Result result) {
        String op = operation.wire();
        String status = result.outcome().wire();
        Timer.builder("hearth.backup.duration").description("How long backups, restores and deletes took, queueing included")
                .tag("operation", op).tag("status", status).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(12))
                .register(registry).record(result.duration());
        bytes("hearth.backup.read", "Bytes read: from volumes by backups, from the repository by restores", op, result.bytesRead());
        bytes("hearth.backup.uploaded", "Bytes written to the backup target", op, result.bytesUploaded());
        bytes("hearth.backup.stored", "New data the repository keeps because of a backup (before compression)", op,
                result.bytesStored());
        double seconds = result.duration().toNanos() / 1e9;
        if (result.outcome() == Outcome.SUCCESS && result.bytesRead() > 0 && seconds > 0) {
            DistributionSummary.builder("hearth.backup.throughput").baseUnit("bytes_per_second")
                    .description("Bytes read per second of each successful backup or restore").tag("operation", op)
                    .register(registry).record(result.bytesRead() / seconds);
        }
        // Last, so that whoever sees the count move sees the figures of the same operation too.
        Counter.builder("hearth.backup.operations").description("Backups, restores and deletes by final status")
                .tag("operation", op).tag("status", status).register(registry).increment();
    }

    private void bytes(String name, String description, String operation, long value) {
        Counter counter = Counter.builder(name).baseUnit("bytes").description(description).tag("operation", operation)
                .register(registry);
        if (value > 0) {
            counter.increment(value);
        }
    }

    @Override
    public void failed(String operation, IOException error, boolean retried) {
        Counter.builder("hearth.target.errors").description("Failed requests to the backup target (retried or given up)")
                .tag("operation", operation).tag("outcome", retried ? "retried" : "failed").register(registry).increment();
    }

    public void close() {
        registry.close();
    }
}
