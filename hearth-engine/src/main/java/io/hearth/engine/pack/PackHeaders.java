package io.hearth.engine.pack;

import io.hearth.engine.HearthException;
import io.hearth.engine.target.BackupTarget;
import io.hearth.engine.target.ObjectNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** Reads a pack's header from the end of the pack object: the source from which the index can always be rebuilt. */
public final class PackHeaders {
    private PackHeaders() {}

    public static List<PackEntry> read(BackupTarget target, PackId pack) throws IOException {
        String key = pack.key();
        long size = target.stat(key).orElseThrow(() -> new ObjectNotFoundException(key)).size();
        if (size < PackFormat.TRAILER_BYTES + 8) {
            throw HearthException.corrupt("pack " + key + " is too short (" + size + " bytes)");
        }
        ByteBuffer trailer = target.getRange(key, size - PackFormat.TRAILER_BYTES, PackFormat.TRAILER_BYTES);
        int headerLength = PackFormat.headerLength(trailer, key);
        if (headerLength + PackFormat.TRAILER_BYTES > size) {
            throw HearthException.corrupt("pack " + key + " header length " + headerLength + " exceeds the pack");
        }
        ByteBuffer header = target.getRange(key, size - PackFormat.TRAILER_BYTES - headerLength, headerLength);
        return PackFormat.parseHeader(header, pack, size);
    }
}
