package io.hearth.target.nfs;

import com.emc.ecs.nfsclient.mount.MountException;
import com.emc.ecs.nfsclient.nfs.nfs3.Nfs3;
import com.emc.ecs.nfsclient.rpc.CredentialUnix;
import io.hearth.engine.HearthException;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.RetryPolicy;
import io.hearth.engine.target.RetryingTarget;
import io.hearth.engine.target.TargetErrorListener;
import io.hearth.engine.target.TargetFactory;
import io.hearth.engine.target.TargetLocation;
import io.hearth.engine.target.TargetOptions;
import io.hearth.engine.target.TargetProperties;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code nfs://host/export/path}, and cinder's {@code NFSBackupDriver} with {@code backup_share} ({@code host:/export})
 * and {@code backup_container} (the directory in it). Hearth's own options: {@code backup_nfs_export} (which part of the
 * URL's path is the export, when the server cannot tell), {@code backup_nfs_uid} and {@code backup_nfs_gid} (the
 * AUTH_SYS identity, default 0), {@code backup_nfs_max_connections} (requests in flight, default 8),
 * {@code backup_nfs_retry_attempts} and {@code backup_nfs_retry_backoff}.
 */
public final class NfsTargetFactory implements TargetFactory {
    @Override
    public String scheme() {
        return "nfs";
    }

    @Override
    public List<String> cinderDrivers() {
        return List.of("cinder.backup.drivers.nfs.NFSBackupDriver", "cinder.backup.drivers.nfs");
    }

    @Override
    public TargetLocation locationFromOptions(TargetOptions options) {
        Share share = Share.parse(options.required("backup_share", "the NFS share to keep backups on, host:/export"));
        String container = options.get("backup_container", "");
        String path = share.export().substring(1) + (container.isEmpty() ? "" : "/" + container);
        return TargetLocation.parse("nfs://" + share.host() + "/" + path);
    }

    /** cinder's {@code backup_share}: {@code host:/export}. */
    record Share(String host, String export) {
        static Share parse(String text) {
            int colon = text.indexOf(":/");
            if (colon <= 0) {
                throw HearthException.badInput("backup_share must be host:/export, not '" + text + "'");
            }
            String export = text.substring(colon + 1);
            return new Share(text.substring(0, colon), export.length() > 1 && export.endsWith("/")
                    ? export.substring(0, export.length() - 1) : export);
        }
    }

    @Override
    public BackupTarget open(TargetLocation location, TargetOptions options, TargetErrorListener errors) throws IOException {
        String host = location.authority();
        CredentialUnix credential = new CredentialUnix(options.integer("backup_nfs_uid", 0, 0, Integer.MAX_VALUE),
                options.integer("backup_nfs_gid", 0, 0, Integer.MAX_VALUE), null);
        int retries = options.integer("backup_nfs_retry_attempts", 3, 0, 100);
        Duration backoff = options.seconds("backup_nfs_retry_backoff", Duration.ofSeconds(1));
        int connections = options.integer("backup_nfs_max_connections", 8, 1, 256);

        List<String> candidates = exports(location, options);
        List<String> refused = new ArrayList<>();
        for (String export : candidates) {
            Nfs3 nfs;
            try {
                // The library retries each call itself; its count is kept low so the retry layer's backoff governs.
                nfs = new Nfs3(host, export, credential, 2);
            } catch (MountException e) {
                refused.add(export + " (" + e.getMessage() + ")");
                continue;
            } catch (IOException e) {
                throw new IOException("cannot reach the NFS server " + host + " (its portmapper, MOUNT and NFSv3 services): "
                        + e.getMessage(), e);
            }
            String directory = location.path().substring(Math.min(location.path().length(), export.length()));
            directory = directory.startsWith("/") ? directory.substring(1) : directory;
            NfsTarget target = new NfsTarget(nfs, directory, new TargetProperties(location.toString(), connections));
            return new RetryingTarget(target, new RetryPolicy(retries + 1, backoff, backoff.multipliedBy(32)), errors);
        }
        throw HearthException.badInput("the NFS server " + host + " exports none of " + String.join(", ", candidates)
                + " to this host: " + String.join("; ", refused) + ". Check the URL or backup_share"
                + " (and backup_nfs_export when the export is deeper than its first directory)");
    }

    /** The export paths to try, the given one or else each leading part of the URL's path, shortest first. */
    private static List<String> exports(TargetLocation location, TargetOptions options) {
        Optional<String> explicit = options.get("backup_nfs_export").or(() -> options.get("backup_share")
                .map(Share::parse).filter(share -> share.host().equals(location.authority())).map(Share::export));
        String path = "/" + location.path();
        if (explicit.isPresent()) {
            String export = explicit.get();
            if (!(path.equals(export) || path.startsWith(export.endsWith("/") ? export : export + "/"))) {
                throw HearthException.badInput("the repository " + location + " is not inside the export " + export);
            }
            return List.of(export);
        }
        if (location.path().isEmpty()) {
            throw HearthException.badInput("repository location " + location + " names no export; write nfs://host/export/path");
        }
        List<String> candidates = new ArrayList<>();
        StringBuilder prefix = new StringBuilder();
        for (String segment : location.path().split("/")) {
            prefix.append('/').append(segment);
            candidates.add(prefix.toString());
        }
        return candidates;
    }
}
