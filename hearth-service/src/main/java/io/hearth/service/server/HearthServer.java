package io.hearth.service.server;

import io.hearth.engine.HearthException;
import io.hearth.service.api.Api;
import io.hearth.service.api.AuditLog;
import io.hearth.service.auth.ProjectScope;
import io.hearth.service.backup.BackupApi;
import io.hearth.service.backup.BackupDao;
import io.hearth.service.backup.BackupEvents;
import io.hearth.service.backup.BackupEngine;
import io.hearth.service.backup.BackupManager;
import io.hearth.service.backup.BackupProgress;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.db.Database;
import io.hearth.service.db.Transactions;
import io.hearth.service.health.OpsEndpoints;
import io.hearth.service.message.MessageDao;
import io.hearth.service.message.UserMessages;
import io.hearth.service.metrics.HearthMetrics;
import io.hearth.service.notification.BackupNotifier;
import io.hearth.service.nbd.ChangeTracker;
import io.hearth.service.nbd.ExportDao;
import io.hearth.service.nbd.Tls;
import io.hearth.service.nbd.VolumeExports;
import io.micrometer.core.instrument.FunctionCounter;
import io.hearth.service.quota.QuotaService;
import io.hearth.service.backup.BackupMessage;
import io.hearth.service.backup.RepositoryBackupEngine;
import io.hearth.service.db.Json;
import io.hearth.service.rpc.AmqpBus;
import io.hearth.service.policy.Policy;
import io.hearth.service.policy.ReloadingPolicy;
import io.hearth.service.rpc.Bus;
import io.hearth.service.rpc.InProcessBus;
import io.hearth.service.rpc.MessageCodec;
import io.hearth.service.rpc.TransportUrl;
import io.hearth.service.rpc.Topics;
import io.hearth.service.scheduler.Scheduler;
import io.hearth.service.scheduler.VolumeCapacity;
import io.hearth.service.scheduler.ServiceRegistry;
import io.hearth.service.snapshot.SnapshotDao;
import io.hearth.service.tls.HttpsConnector;
import io.hearth.service.volume.AttachmentApi;
import io.hearth.service.volume.AttachmentDao;
import io.hearth.service.volume.SparseFileDriver;
import io.hearth.service.volume.VolumeApi;
import io.hearth.service.volume.VolumeDao;
import io.hearth.service.volume.VolumeManager;
import io.hearth.service.volume.VolumeMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import io.javalin.Javalin;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process running some or all of the parts: api, scheduler, volume and backup services, over the in-process bus
 * or, with {@code transport_url}, over RabbitMQ between processes; the database of {@code [database] connection}
 * (H2 under the state path by default); the backup repository that {@code backup_driver} names. The wiring is here
 * and only here.
 */
public final class HearthServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HearthServer.class);
    /** How long a cast keeps trying while the broker is away (a broker restart takes seconds). */
    private static final Duration PUBLISH_RETRY = Duration.ofSeconds(60);

    private final Database database;
    private final Bus bus;
    private final BackupEngine engine;
    private final Api api;
    private final ScheduledExecutorService heartbeat;
    private final VolumeExports exports;
    private final HearthMetrics metrics;
    private final Javalin metricsListener;

    private HearthServer(Database database, Bus bus, BackupEngine engine, Api api, ScheduledExecutorService heartbeat, VolumeExports exports,
            HearthMetrics metrics, Javalin metricsListener) {
        this.database = database;
        this.bus = bus;
        this.engine = engine;
        this.api = api;
        this.heartbeat = heartbeat;
        this.exports = exports;
        this.metrics = metrics;
        this.metricsListener = metricsListener;
    }

    /** Every part in this process. */
    public static HearthServer start(HearthConfig config, Function<HearthConfig, BackupEngine> engines) throws IOException {
        return start(config, EnumSet.allOf(Role.class), engines);
    }

    /**
     * Starts the given roles. {@code engines} opens the backup engine from the configuration (the repository in
     * production, a fake in tests of the service's rules); only a backup role opens one.
     */
    public static HearthServer start(HearthConfig config, Set<Role> roles, Function<HearthConfig, BackupEngine> engines)
            throws IOException {
        return start(config, roles, engines, AuditLog.toLogger());
    }

    /** Every part in this process, with the audit lines going to {@code audit}. */
    public static HearthServer start(HearthConfig config, Function<HearthConfig, BackupEngine> engines, AuditLog audit) throws IOException {
        return start(config, EnumSet.allOf(Role.class), engines, audit);
    }

    /** The given roles, with the audit lines going to {@code audit}. */
    public static HearthServer start(HearthConfig config, Set<Role> roles, Function<HearthConfig, BackupEngine> engines, AuditLog audit)
            throws IOException {
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("no role to run");
        }
        if (config.transportUrl() == null && !roles.containsAll(EnumSet.allOf(Role.class))) {
            throw HearthException.badInput("Running " + roles + " alone needs transport_url (the message broker the other"
                    + " roles listen on); without it every role runs in one process.");
        }
        // A bad policy file stops the start before anything is opened.
        Supplier<Policy> policy = policy(config);
        // And so do bad [ssl] files (read again by the api when it builds its listener).
        if (roles.contains(Role.API)) {
            config.ssl().ifPresent(HttpsConnector::new);
        }
        Files.createDirectories(config.statePath());
        Database database = Database.open(config.database());
        Bus bus;
        BackupEngine engine = null;
        try {
            bus = config.transportUrl() == null ? new InProcessBus()
                    : new AmqpBus(TransportUrl.parse(config.transportUrl()), config.controlExchange(), config.rabbitQosPrefetchCount(),
                            PUBLISH_RETRY, new MessageCodec(Json.MAPPER, List.of(BackupMessage.class, VolumeMessage.class)),
                            "hearth " + roles + " on " + config.host());
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        HearthMetrics metrics = new HearthMetrics();
        try {
            if (roles.contains(Role.BACKUP)) {
                BackupEngine opened = engines.apply(config);
                engine = opened == null ? null : opened.withTargetErrors(metrics);
            }
            return wire(config, roles, database, bus, engine, policy, audit, metrics);
        } catch (RuntimeException | IOException e) {
            bus.close();
            if (engine != null) {
                engine.close();
            }
            database.close();
            throw e;
        }
    }

    /** Runs {@code work} every {@code interval} after the previous run ended; a failure is logged, the next run comes. */
    private static void repeat(ScheduledExecutorService executor, Duration interval, String what, Runnable work) {
        executor.scheduleWithFixedDelay(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.warn("{} failed", what, e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Cinder's defaults, or the policy file's rules, read again whenever the file changes. */
    private static Supplier<Policy> policy(HearthConfig config) {
        if (config.auth().policyFile().isPresent()) {
            return ReloadingPolicy.load(config.auth().policyFile().get());
        }
        Policy defaults = Policy.defaults();
        return () -> defaults;
    }

    private static HearthServer wire(HearthConfig config, Set<Role> roles, Database database, Bus bus, BackupEngine engine,
            Supplier<Policy> policy, AuditLog audit, HearthMetrics metrics)
            throws IOException {
        var jdbi = database.jdbi();
        VolumeDao volumes = new VolumeDao(jdbi);
        SnapshotDao snapshots = new SnapshotDao(jdbi);
        BackupDao backups = new BackupDao(jdbi);
        AttachmentDao attachments = new AttachmentDao(jdbi);
        Transactions transactions = new Transactions(jdbi);
        QuotaService quotas = new QuotaService(jdbi, config, transactions);
        // While the database is away the API answers 503 at once; the services' background work waits for it instead,
        // so what finishes during an outage is recorded when it is back (Database.patientJdbi).
        var patient = database.patientJdbi();
        VolumeDao workVolumes = new VolumeDao(patient);
        SnapshotDao workSnapshots = new SnapshotDao(patient);
        BackupDao workBackups = new BackupDao(patient);
        Transactions workTransactions = new Transactions(patient);
        QuotaService workQuotas = new QuotaService(patient, config, workTransactions);
        ProjectScope scope = new ProjectScope();
        ServiceRegistry services = new ServiceRegistry(jdbi, config.serviceDownTime(), Clock.systemUTC());
        SparseFileDriver driver = new SparseFileDriver(config.volumesPath());
        BackupProgress progress = new BackupProgress();
        // NBD exports and the changed-block map live where volumes are written: on each volume's volume service, which
        // the api asks over the bus to attach and detach.
        ChangeTracker tracker = new ChangeTracker(driver::volumePath, config.nbd().changedBlockGranularity());
        VolumeExports exports = roles.contains(Role.VOLUME)
                ? VolumeExports.start(config.host(), config.nbd().address(), config.nbd().port(),
                        config.nbd().tlsKeystore().map(keystore -> Tls.serverContext(keystore, config.nbd().tlsKeystorePassword())),
                        new ExportDao(jdbi), tracker, driver::volumePath)
                : null;
        UserMessages messages = new UserMessages(new MessageDao(jdbi), scope, config.messages().ttl(), Clock.systemUTC());
        UserMessages workMessages = new UserMessages(new MessageDao(patient), scope, config.messages().ttl(), Clock.systemUTC());
        // The api asks the scheduler's host choice directly; only a scheduler role takes its messages.
        Scheduler scheduler = new Scheduler(services, backups, volumes, snapshots, bus, messages, config.backupUseSameHost());
        String host = config.host();

        List<Role> beating = roles.stream().filter(r -> r.topic() != null).toList();
        // A volume service beats with its capacity (cinder's volume stats), from its first beat on: the scheduler can
        // place volumes on it as soon as it is registered.
        Runnable beat = () -> {
            for (Role role : beating) {
                if (role == Role.VOLUME) {
                    services.heartbeat(host, role.topic(), VolumeCapacity.of(config.volumesPath(), config.reservedPercentage()));
                } else {
                    services.heartbeat(host, role.topic());
                }
            }
        };
        // A restarted service is up again before it takes a message: a backup host still seen down would have the work it
        // takes from its queue ended by its live peers (recoverStoppedHosts). A first start has no row to beat yet; it is
        // registered below, once its queues exist for the scheduler to send to.
        beat.run();

        if (roles.contains(Role.VOLUME)) {
            VolumeManager volumeManager = new VolumeManager(workVolumes, workSnapshots, workBackups, new AttachmentDao(patient), driver,
                    workQuotas, workTransactions, tracker, exports,
                    // Volumes without a volume host of their own (from before hosts were chosen) are any volume service's.
                    volumeHost -> scheduler.volumeTopic(volumeHost).equals(Topics.VOLUME) || volumeHost.equals(host), host);
            volumeManager.cleanupAfterRestart();
            bus.subscribe(Topics.VOLUME, volumeManager::handle);
            bus.subscribe(Topics.onHost(Topics.VOLUME, host), volumeManager::handle);
        }
        if (roles.contains(Role.SCHEDULER)) {
            Scheduler schedulerService = new Scheduler(new ServiceRegistry(patient, config.serviceDownTime(), Clock.systemUTC()),
                    workBackups, workVolumes, workSnapshots, bus, workMessages, config.backupUseSameHost());
            bus.subscribe(Topics.SCHEDULER, schedulerService::handle);
        }
        BackupManager backupManager = null;
        if (roles.contains(Role.BACKUP)) {
            backupManager = new BackupManager(workBackups, workVolumes, workSnapshots, workQuotas, engine, bus, config, progress,
                    // The metrics last: once an operation is counted, its notifications are out.
                    workTransactions, BackupEvents.all(List.of(
                            new BackupNotifier(workBackups, bus, config.ops(), host, BackupNotifier.toLogger(), Clock.systemUTC()),
                            metrics)), workMessages, scheduler::volumeTopic);
            BackupManager counted = backupManager;
            metrics.gauge("hearth.backup.operations.waiting", "Backups and restores waiting for a turn (backup_max_operations)",
                    counted::waitingOperations);
            metrics.gauge("hearth.backup.operations.running", "Backups and restores working now", counted::runningOperations);
            backupManager.cleanupAfterRestart();
            bus.subscribe(Topics.BACKUP, backupManager::handle);
            bus.subscribe(Topics.onHost(Topics.BACKUP, host), backupManager::handle);
            backupManager.resumeWork();
        }

        if (exports != null) {
            FunctionCounter.builder("hearth.nbd.read", exports, VolumeExports::bytesRead).baseUnit("bytes")
                    .description("Bytes sent in reply to NBD READ requests, over all exports").register(metrics.registry());
        }
        metrics.gauge("hearth.bus.messages.in.flight", "Messages this process is handling now", bus::inFlight);
        OpsEndpoints ops = new OpsEndpoints(metrics, Map.of("database", database::unavailableReason, "bus", bus::unavailableReason));

        String zone = config.storageAvailabilityZone();
        for (Role role : beating) {
            services.register(host, role.topic(), role.topic(), zone);
        }
        beat.run();
        ScheduledExecutorService heartbeat = Executors.newScheduledThreadPool(2, Thread.ofVirtual().factory());
        long interval = config.reportInterval().toMillis();
        heartbeat.scheduleAtFixedRate(() -> {
            try {
                beat.run();
            } catch (RuntimeException e) {
                LOG.warn("heartbeat failed", e);
            }
        }, interval, interval, TimeUnit.MILLISECONDS);
        if (backupManager != null) {
            BackupManager recovering = backupManager;
            // Not on the heartbeat's thread: recovering waits for the volume service, and heartbeats must not.
            repeat(heartbeat, config.reportInterval(), "recovering the work of stopped backup hosts",
                    () -> recovering.recoverStoppedHosts(services.downHosts(Scheduler.BACKUP_BINARY)));
        }
        if (roles.contains(Role.SCHEDULER)) {
            // Cinder's scheduler reaps expired user messages (message_reap_interval).
            repeat(heartbeat, config.messages().reapInterval(), "removing expired user messages", workMessages::reapExpired);
        }

        Api api = null;
        if (roles.contains(Role.API)) {
            VolumeApi volumeApi = new VolumeApi(volumes, snapshots, backups, attachments, quotas, scope, scheduler, bus, config,
                    transactions, messages);
            AttachmentApi attachmentApi = new AttachmentApi(attachments, volumes, volumeApi, driver, scope, transactions, new ExportDao(jdbi), bus,
                    scheduler::volumeTopic);
            BackupApi backupApi = new BackupApi(backups, volumes, snapshots, volumeApi, quotas, scheduler, scope, bus, config,
                    engine != null ? engine.serviceName() : RepositoryBackupEngine.serviceName(config.backupTarget()), transactions);
            api = new Api(config.auth().authenticator(Clock.systemUTC()), scope, policy, audit, backupApi, progress, volumeApi, attachmentApi, quotas, services, config,
                    ops, messages);
            api.start();
            LOG.info("hearth api listening on {}://{}:{}", config.ssl().isPresent() ? "https" : "http", config.listenHost(), api.port());
        }
        LOG.info("hearth {} on host {} (state {}, database {}, backups {}, bus {})", roles, host, config.statePath(), config.database(),
                config.backupTarget().driver(), config.transportUrl() == null ? "in-process" : TransportUrl.parse(config.transportUrl()));
        // A process without the api has no HTTP listener unless metrics_listen_port asks for one.
        Javalin metricsListener = api == null && config.ops().metricsListenPort() >= 0
                ? ops.serve(config.listenHost(), config.ops().metricsListenPort()) : null;
        return new HearthServer(database, bus, engine, api, heartbeat, exports, metrics, metricsListener);
    }

    /** This process's metrics. */
    public HearthMetrics metrics() {
        return metrics;
    }

    /** The bus this process talks on (tests listen to its events). */
    public Bus bus() {
        return bus;
    }

    /** The port of /metrics and the health checks in a process without the api (metrics_listen_port); -1 if none. */
    public int metricsPort() {
        return metricsListener != null ? metricsListener.port() : port();
    }

    /** The api's port; -1 in a process without the api. */
    public int port() {
        return api == null ? -1 : api.port();
    }

    /** The port of this volume service's NBD exports (a process with the volume role only). */
    public int nbdPort() {
        return exports.port();
    }

    /** Bytes this volume service's exports sent to READ requests since start (what remote readers fetched). */
    public long nbdBytesRead() {
        return exports.bytesRead();
    }

    /** How many exports for backup hosts' backups and restores this volume service serves now. */
    public int nbdDeviceExports() {
        return exports.deviceCount();
    }

    @Override
    public void close() {
        if (api != null) {
            api.close();
        }
        if (exports != null) {
            try {
                exports.close();
            } catch (IOException e) {
                LOG.warn("closing the NBD exports failed", e);
            }
        }
        if (metricsListener != null) {
            metricsListener.stop();
        }
        heartbeat.shutdownNow();
        bus.close();
        if (engine != null) {
            engine.close();
        }
        database.close();
        metrics.close();
    }
}
