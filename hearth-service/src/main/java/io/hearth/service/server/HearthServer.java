package io.hearth.service.server;

import io.hearth.service.api.Api;
import io.hearth.service.api.AuditLog;
import io.hearth.service.auth.ProjectScope;
import io.hearth.service.backup.BackupApi;
import io.hearth.service.backup.BackupDao;
import io.hearth.service.backup.BackupEngine;
import io.hearth.service.backup.BackupManager;
import io.hearth.service.backup.BackupProgress;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.db.Database;
import io.hearth.service.quota.QuotaService;
import io.hearth.service.policy.Policy;
import io.hearth.service.policy.PolicyFile;
import io.hearth.service.rpc.Bus;
import io.hearth.service.rpc.InProcessBus;
import io.hearth.service.rpc.Topics;
import io.hearth.service.scheduler.Scheduler;
import io.hearth.service.scheduler.ServiceRegistry;
import io.hearth.service.snapshot.SnapshotDao;
import io.hearth.service.volume.AttachmentApi;
import io.hearth.service.volume.AttachmentDao;
import io.hearth.service.volume.SparseFileDriver;
import io.hearth.service.volume.VolumeApi;
import io.hearth.service.volume.VolumeDao;
import io.hearth.service.volume.VolumeManager;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process running every part: api, scheduler, volume and backup services over the in-process bus, H2 under the
 * state path, and the backup repository at {@code backup_posix_path}. The wiring is here and only here.
 */
public final class HearthServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HearthServer.class);
    private static final String VOLUME_BINARY = "cinder-volume";
    private static final String SCHEDULER_BINARY = "cinder-scheduler";

    private final Database database;
    private final Bus bus;
    private final BackupEngine engine;
    private final Api api;
    private final ScheduledExecutorService heartbeat;

    private HearthServer(Database database, Bus bus, BackupEngine engine, Api api, ScheduledExecutorService heartbeat) {
        this.database = database;
        this.bus = bus;
        this.engine = engine;
        this.api = api;
        this.heartbeat = heartbeat;
    }

    /**
     * Starts everything. {@code engines} opens the backup engine from the configuration (the repository in
     * production, a fake in tests of the service's rules).
     */
    public static HearthServer start(HearthConfig config, Function<HearthConfig, BackupEngine> engines) throws IOException {
        return start(config, engines, AuditLog.toLogger());
    }

    /** As {@link #start(HearthConfig, Function)}, with the audit lines going to {@code audit}. */
    public static HearthServer start(HearthConfig config, Function<HearthConfig, BackupEngine> engines, AuditLog audit) throws IOException {
        // A bad policy file stops the start before anything is opened.
        Policy policy = config.auth().policyFile().map(PolicyFile::load).orElseGet(Policy::defaults);
        Files.createDirectories(config.statePath());
        Database database = Database.open(config.databaseUrl());
        Bus bus = new InProcessBus();
        BackupEngine engine;
        try {
            engine = engines.apply(config);
        } catch (RuntimeException e) {
            bus.close();
            database.close();
            throw e;
        }
        var jdbi = database.jdbi();
        VolumeDao volumes = new VolumeDao(jdbi);
        SnapshotDao snapshots = new SnapshotDao(jdbi);
        BackupDao backups = new BackupDao(jdbi);
        AttachmentDao attachments = new AttachmentDao(jdbi);
        QuotaService quotas = new QuotaService(jdbi, config);
        ProjectScope scope = new ProjectScope();
        ServiceRegistry services = new ServiceRegistry(jdbi, config.serviceDownTime(), Clock.systemUTC());
        SparseFileDriver driver = new SparseFileDriver(config.volumesPath());
        BackupProgress progress = new BackupProgress();

        VolumeManager volumeManager = new VolumeManager(volumes, snapshots, backups, attachments, driver, quotas);
        Scheduler scheduler = new Scheduler(services, backups, volumes, snapshots, bus);
        BackupManager backupManager = new BackupManager(backups, volumes, snapshots, quotas, engine, bus, config, progress);
        bus.subscribe(Topics.VOLUME, volumeManager::handle);
        bus.subscribe(Topics.SCHEDULER, scheduler::handle);
        bus.subscribe(Topics.BACKUP, backupManager::handle);

        volumeManager.cleanupAfterRestart();
        backupManager.cleanupAfterRestart();
        String zone = config.storageAvailabilityZone();
        services.register(config.host(), VOLUME_BINARY, Topics.VOLUME, zone);
        services.register(config.host(), SCHEDULER_BINARY, Topics.SCHEDULER, zone);
        services.register(config.host(), Scheduler.BACKUP_BINARY, Topics.BACKUP, zone);
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
        long interval = config.reportInterval().toMillis();
        heartbeat.scheduleAtFixedRate(() -> {
            try {
                services.heartbeat(config.host(), VOLUME_BINARY);
                services.heartbeat(config.host(), SCHEDULER_BINARY);
                services.heartbeat(config.host(), Scheduler.BACKUP_BINARY);
            } catch (RuntimeException e) {
                LOG.warn("heartbeat failed", e);
            }
        }, interval, interval, TimeUnit.MILLISECONDS);

        VolumeApi volumeApi = new VolumeApi(volumes, snapshots, backups, attachments, quotas, scope, bus, config);
        AttachmentApi attachmentApi = new AttachmentApi(attachments, volumes, volumeApi, driver, scope);
        BackupApi backupApi = new BackupApi(backups, volumes, snapshots, volumeApi, quotas, scheduler, scope, bus, config, engine.serviceName());
        Api api = new Api(config.auth().authenticator(Clock.systemUTC()), scope, policy, audit, backupApi, progress, volumeApi, attachmentApi, quotas, services, config);
        api.start();
        LOG.info("hearth listening on http://{}:{} (state {}, backups {})", config.listenHost(), api.port(), config.statePath(),
                config.backupTarget().driver());
        return new HearthServer(database, bus, engine, api, heartbeat);
    }

    public int port() {
        return api.port();
    }

    @Override
    public void close() {
        api.close();
        heartbeat.shutdownNow();
        bus.close();
        engine.close();
        database.close();
    }
}
