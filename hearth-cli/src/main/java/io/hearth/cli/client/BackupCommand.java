package io.hearth.cli.client;

import io.hearth.cli.CommandGroup;
import io.hearth.cli.server.RoleOptions;
import io.hearth.service.server.Role;
import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.cli.ProgressBar;
import io.hearth.engine.ErrorCategory;
import io.hearth.engine.HearthException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hearth backup ...}: the backup lifecycle against the API. */
@Command(name = "backup", mixinStandardHelpOptions = true, description = {"Create, list, show, restore, delete, export and import backups.",
                "With --config FILE and no subcommand: run the backup service (needs transport_url)."})
public final class BackupCommand implements Callable<Integer>, CommandGroup {
    private static final Duration WAIT = Duration.ofHours(24);
    private static final List<String> COLUMNS = List.of("id", "name", "status", "size", "volume_id", "is_incremental", "created_at");

    @Spec
    CommandSpec groupSpec;
    @Mixin
    RoleOptions service;

    @Override
    public List<Class<?>> subcommands() {
        return List.of(Create.class, ListBackups.class, Show.class, Restore.class, Delete.class, Export.class, Import.class);
    }

    /** {@code hearth backup --config FILE}: the backup service alone, talking to the other roles over transport_url. */
    @Override
    public Integer call() throws Exception {
        return service.runOrUsage(groupSpec, Role.BACKUP);
    }

    /** Waits for a backup to leave {@code working}, drawing its progress; fails with the backup's fail_reason. */
    static JsonNode awaitBackup(ApiClient api, String id, String working, String label, boolean bar) {
        ProgressBar progress = new ProgressBar(label, bar);
        JsonNode done = api.await("/backups/" + id, b -> b == null || !b.at("/backup/status").asText().equals(working), WAIT, () -> {
            JsonNode p = api.getOrNull("/backups/" + id + "/progress");
            if (p != null) {
                progress.progress(p.at("/progress/bytes_done").asLong(), p.at("/progress/bytes_total").asLong());
            }
        });
        progress.close();
        if (done == null) {
            throw HearthException.notFound("backup " + id + " is gone");
        }
        if (done.at("/backup/status").asText().equals("error")) {
            throw new HearthException(ErrorCategory.INTERNAL, "backup " + id + " failed: " + done.at("/backup/fail_reason").asText());
        }
        return done;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Back up a volume and wait until the backup is available.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "VOLUME", description = "Volume id.")
        String volume;
        @Option(names = "--name")
        String name;
        @Option(names = "--description")
        String description;
        @Option(names = "--incremental", description = "Only what changed since the latest backup of the volume.")
        boolean incremental;
        @Option(names = "--force", description = "Back up an in-use volume (through a temporary snapshot).")
        boolean force;
        @Option(names = "--snapshot", paramLabel = "SNAPSHOT", description = "Back up this snapshot of the volume.")
        String snapshot;
        @Option(names = "--container")
        String container;
        @Option(names = "--no-wait", description = "Return as soon as the API accepted the request.")
        boolean noWait;

        @Override
        public Integer call() {
            ApiClient api = options.client();
            Map<String, Object> backup = new LinkedHashMap<>();
            backup.put("volume_id", volume);
            backup.put("name", name);
            backup.put("description", description);
            backup.put("incremental", incremental);
            backup.put("force", force);
            backup.put("snapshot_id", snapshot);
            backup.put("container", container);
            String id = api.post("/backups", Map.of("backup", backup)).at("/backup/id").asText();
            JsonNode result = noWait ? api.get("/backups/" + id) : awaitBackup(api, id, "creating", "backup", !options.json());
            ClientOutput.fields(spec, options, result, "backup");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List backups.")
    static final class ListBackups implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Option(names = "--volume", description = "Only backups of this volume.")
        String volume;
        @Option(names = "--all-projects", description = "Every project's backups (admin).")
        boolean all;

        @Override
        public Integer call() {
            StringBuilder query = new StringBuilder("/backups/detail?sort=created_at:asc");
            if (volume != null) {
                query.append("&volume_id=").append(volume);
            }
            if (all) {
                query.append("&all_tenants=1");
            }
            ClientOutput.rows(spec, options, options.client().get(query.toString()), "backups", COLUMNS);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one backup.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "BACKUP")
        String id;

        @Override
        public Integer call() {
            ClientOutput.fields(spec, options, options.client().get("/backups/" + id), "backup");
            return 0;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Restore a backup to a new volume, or onto an existing one with --volume, and wait until it is done.")
    static final class Restore implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "BACKUP")
        String id;
        @Option(names = "--volume", description = "An existing available volume to overwrite.")
        String volume;
        @Option(names = "--name", description = "Name of the new volume.")
        String name;
        @Option(names = "--no-wait")
        boolean noWait;

        @Override
        public Integer call() {
            ApiClient api = options.client();
            Map<String, Object> restore = new LinkedHashMap<>();
            restore.put("volume_id", volume);
            restore.put("name", name);
            JsonNode accepted = api.post("/backups/" + id + "/restore", Map.of("restore", restore));
            String target = accepted.at("/restore/volume_id").asText();
            if (!noWait) {
                awaitBackup(api, id, "restoring", "restore", !options.json());
                JsonNode volumeNow = api.await("/volumes/" + target,
                        v -> v != null && !List.of("restoring-backup", "creating").contains(v.at("/volume/status").asText()), WAIT, () -> {});
                String status = volumeNow.at("/volume/status").asText();
                if (!status.equals("available")) {
                    throw new HearthException(ErrorCategory.INTERNAL, "restore of backup " + id + " to volume " + target + " failed: volume is " + status);
                }
            }
            ClientOutput.fields(spec, options, accepted, "restore");
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a backup and wait until it is gone.")
    static final class Delete implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "BACKUP")
        String id;
        @Option(names = "--force", description = "Admin force delete: any status, cancels a running backup.")
        boolean force;

        @Override
        public Integer call() {
            ApiClient api = options.client();
            if (force) {
                api.post("/backups/" + id + "/action", Map.of("os-force_delete", Map.of()));
            } else {
                api.delete("/backups/" + id);
            }
            JsonNode left = api.await("/backups/" + id, b -> b == null || b.at("/backup/status").asText().startsWith("error"), WAIT, () -> {});
            if (left != null) {
                throw new HearthException(ErrorCategory.INTERNAL, "deleting backup " + id + " failed: " + left.at("/backup/fail_reason").asText());
            }
            spec.commandLine().getOut().println("deleted " + id);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Print a backup's record (JSON); 'backup import' brings it back, even into a new database.")
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "BACKUP")
        String id;
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the record here instead of to standard output.")
        Path output;

        @Override
        public Integer call() throws IOException {
            JsonNode record = options.client().get("/backups/" + id + "/export_record").get("backup-record");
            String text = ApiClient.pretty(record);
            if (output != null) {
                Files.writeString(output, text + "\n");
            } else {
                spec.commandLine().getOut().println(text);
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, description = "Import a record written by 'backup export' and wait until it is available.")
    static final class Import implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "FILE", description = "The exported record, or - for standard input.")
        String file;

        @Override
        public Integer call() throws IOException {
            String text = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : Files.readString(Path.of(file));
            JsonNode record = ApiClient.parse(text);
            if (record.has("backup-record")) {
                record = record.get("backup-record");
            }
            ApiClient api = options.client();
            String id = api.post("/backups/import_record", Map.of("backup-record", record)).at("/backup/id").asText();
            ClientOutput.fields(spec, options, awaitBackup(api, id, "creating", "import", false), "backup");
            return 0;
        }
    }
}
