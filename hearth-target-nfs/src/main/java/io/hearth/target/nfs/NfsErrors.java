package io.hearth.target.nfs;

import com.emc.ecs.nfsclient.nfs.NfsException;
import com.emc.ecs.nfsclient.nfs.NfsStatus;
import com.emc.ecs.nfsclient.rpc.RpcException;
import io.hearth.engine.HearthException;
import io.hearth.engine.target.TransientTargetException;
import java.io.IOException;

/** Turns the NFS client's failures into what the engine acts on: transient (retried), permissions (said plainly), other. */
final class NfsErrors {
    private NfsErrors() {}

    @FunctionalInterface
    interface Call<T> {
        T run() throws IOException;
    }

    static <T> T call(String what, Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (NfsException e) {
            NfsStatus status = e.getStatus();
            if (status == NfsStatus.NFS3ERR_JUKEBOX || status == NfsStatus.NFS3ERR_IO || status == NfsStatus.NFS3ERR_SERVERFAULT) {
                throw new TransientTargetException("NFS: " + what + " failed: " + status, e);
            }
            if (status == NfsStatus.NFS3ERR_ACCES || status == NfsStatus.NFS3ERR_PERM || status == NfsStatus.NFS3ERR_ROFS) {
                throw HearthException.badInput("NFS: " + what + " is not permitted (" + status + "): the export must be "
                        + "writable by backup_nfs_uid/backup_nfs_gid (or root without root squashing)");
            }
            if (status == NfsStatus.NFS3ERR_NOSPC || status == NfsStatus.NFS3ERR_DQUOT) {
                throw new IOException("NFS: " + what + " failed: the export is full (" + status + ")", e);
            }
            throw e;
        } catch (RpcException e) {
            throw new TransientTargetException("NFS: " + what + " failed: " + e.getMessage(), e);
        }
    }
}
