package io.hearth.engine.pack;

import io.hearth.engine.HearthException;
import io.hearth.engine.block.BlobFormat;
import io.hearth.engine.block.BlockCodec;
import io.hearth.engine.block.BlockHasher;
import io.hearth.engine.block.BlockId;
import io.hearth.engine.target.BackupTarget;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads single blobs and checks them: decompressed, hashed, compared with their id. Wrong data is
 * never returned. Not thread-safe (it owns a hasher and a codec): one per thread.
 */
public final class BlobReader implements AutoCloseable {
    private final BackupTarget target;
    private final BlockHasher hasher;
    private final BlockCodec codec;

    public BlobReader(BackupTarget target, BlobFormat format) {
        this.target = target;
        this.hasher = format.newHasher();
        this.codec = format.newDecoder();
    }

    /** Fetches, decompresses and verifies the blob; returns a new heap buffer with its plain data. */
    public ByteBuffer read(PackEntry entry) throws IOException {
        return decode(entry, fetch(entry));
    }

    /** Fetches the blob's stored bytes, unchecked. Unlike the rest of this class, safe to call from any thread. */
    public ByteBuffer fetch(PackEntry entry) throws IOException {
        return target.getRange(entry.pack().key(), entry.offset(), entry.storedLength());
    }

    /** Decompresses and verifies stored bytes from {@link #fetch}; returns a new heap buffer with the plain data. */
    public ByteBuffer decode(PackEntry entry, ByteBuffer stored) {
        ByteBuffer plain = ByteBuffer.allocate(entry.plainLength());
        decodeAndVerify(entry, stored, plain);
        return plain;
    }

    /**
     * Decompresses {@code stored} into {@code plain} (cleared, then flipped) and checks the hash.
     *
     * @throws HearthException CORRUPT if the data does not decompress or does not match its id
     */
    public void decodeAndVerify(PackEntry entry, ByteBuffer stored, ByteBuffer plain) {
        try {
            codec.decompress(entry.compression(), stored, plain, entry.plainLength());
        } catch (HearthException e) {
            throw HearthException.corrupt("blob " + entry.id() + " in pack " + entry.pack() + " at offset " + entry.offset()
                    + " is damaged: " + e.getMessage());
        }
        BlockId actual = hasher.hash(plain);
        if (!actual.equals(entry.id())) {
            throw HearthException.corrupt("blob " + entry.id() + " in pack " + entry.pack() + " at offset " + entry.offset()
                    + " is damaged: its data hashes to " + actual);
        }
    }

    @Override
    public void close() {
        codec.close();
    }
}
