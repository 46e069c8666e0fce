package io.hearth.engine.block;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import io.hearth.engine.HearthException;
import io.hearth.engine.crypto.BlobSealer;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Turns a blob's plain data into its stored bytes and back: compression, then (in an encrypted repository) sealing.
 * Not thread-safe: each worker owns one, so that the native contexts and the cipher are reused instead of allocated
 * per block.
 */
public final class BlockCodec implements AutoCloseable {
    private static final int SAMPLE_BYTES = 4096;

    private final Compression compression;
    private final int level;
    /** Whether the last blob was stored raw: the next is then tried on a sample first. */
    private boolean lastIncompressible;
    private ZstdCompressCtx zstdCompress;
    private ZstdDecompressCtx zstdDecompress;
    private Deflater deflater;
    private Inflater inflater;
    private final BlobSealer sealer;
    private ByteBuffer unsealed;

    /** A codec that does not encrypt (a repository without a key). */
    public BlockCodec(Compression compression, int level) {
        this(compression, level, null);
    }

    /** @param sealer encrypts stored bytes; null for none */
    public BlockCodec(Compression compression, int level, BlobSealer sealer) {
        this.compression = compression;
        this.level = level;
        this.sealer = sealer;
    }

    /** The largest output {@link #compress} can produce for {@code plainLength} bytes (with room for sealing). */
    public static int maxCompressedLength(int plainLength) {
        return (int) Math.max(Zstd.compressBound(plainLength), plainLength + (plainLength >> 3) + 64) + BlobSealer.OVERHEAD;
    }

    private ByteBuffer unsealed(int capacity) {
        if (unsealed == null || unsealed.capacity() < capacity) {
            // Grown by doubling: blobs come in all sizes, and a direct buffer per new maximum would churn native memory.
            int current = unsealed == null ? 64 * 1024 : unsealed.capacity();
            unsealed = ByteBuffer.allocateDirect(Math.max(capacity, 2 * current));
        }
        return unsealed;
    }

    /**
     * Compresses {@code source} (position to limit, left unchanged) into {@code target} (cleared first).
     * A blob that does not shrink is copied raw.
     *
     * @return the compression actually used; {@code target} is flipped and holds the stored bytes
     */
    public Compression compress(ByteBuffer source, ByteBuffer target) {
        if (sealer == null) {
            return compressOnly(source, target);
        }
        ByteBuffer compressed = unsealed(maxCompressedLength(source.remaining()));
        Compression used = compressOnly(source, compressed);
        sealer.seal(compressed, target);
        return used;
    }

    private Compression compressOnly(ByteBuffer source, ByteBuffer target) {
        target.clear();
        int plainLength = source.remaining();
        int written = compression == Compression.NONE || (lastIncompressible && !sampleShrinks(source, target)) ? -1
                : compressWith(source, target);
        lastIncompressible = written < 0 || written >= plainLength;
        if (lastIncompressible) {
            target.clear();
            target.put(source.duplicate());
            target.flip();
            return Compression.NONE;
        }
        target.position(0).limit(written);
        return compression;
    }

    private int compressWith(ByteBuffer source, ByteBuffer target) {
        target.clear();
        return switch (compression) {
            case NONE -> -1;
            case ZSTD -> compressZstd(source, target);
            case ZLIB -> compressZlib(source, target);
        };
    }

    /**
     * After a blob that did not shrink, the next one is first tried on its first {@value #SAMPLE_BYTES} bytes: volumes
     * hold incompressible data (encrypted, media, already compressed) in long runs, and a sample costs an eighth of a
     * full attempt on a 32 KiB block. A block whose sample does not shrink by 1/32 is stored raw.
     */
    private boolean sampleShrinks(ByteBuffer source, ByteBuffer target) {
        if (source.remaining() < 4 * SAMPLE_BYTES) {
            return true;
        }
        int written = compressWith(source.slice(source.position(), SAMPLE_BYTES), target);
        return written >= 0 && written < SAMPLE_BYTES - SAMPLE_BYTES / 32;
    }

    private int compressZstd(ByteBuffer source, ByteBuffer target) {
        if (zstdCompress == null) {
            zstdCompress = new ZstdCompressCtx();
            zstdCompress.setLevel(level);
            zstdCompress.setChecksum(false);
        }
        if (source.isDirect() && target.isDirect()) {
            return zstdCompress.compressDirectByteBuffer(target, 0, target.capacity(), source, source.position(), source.remaining());
        }
        byte[] plain = new byte[source.remaining()];
        source.duplicate().get(plain);
        byte[] packed = zstdCompress.compress(plain);
        if (packed.length >= plain.length) {
            return -1;
        }
        target.put(packed);
        return packed.length;
    }

    private int compressZlib(ByteBuffer source, ByteBuffer target) {
        if (deflater == null) {
            deflater = new Deflater(Math.clamp(level, 1, 9));
        }
        deflater.reset();
        deflater.setInput(source.duplicate());
        deflater.finish();
        int plainLength = source.remaining();
        ByteBuffer out = target.duplicate().clear().limit(Math.min(target.capacity(), plainLength));
        while (!deflater.finished()) {
            if (!out.hasRemaining()) {
                return -1;
            }
            deflater.deflate(out);
        }
        return out.position();
    }

    /**
     * Decompresses a stored blob into {@code target} (cleared first), which must hold {@code plainLength}.
     * The result is flipped.
     */
    public void decompress(Compression storedAs, ByteBuffer stored, ByteBuffer target, int plainLength) {
        if (sealer != null) {
            ByteBuffer opened = unsealed(stored.remaining());
            sealer.open(stored, opened, "a blob");
            stored = opened;
        }
        target.clear();
        switch (storedAs) {
            case NONE -> {
                if (stored.remaining() != plainLength) {
                    throw HearthException.corrupt("raw blob has " + stored.remaining() + " bytes, expected " + plainLength);
                }
                target.put(stored.duplicate());
            }
            case ZSTD -> decompressZstd(stored, target, plainLength);
            case ZLIB -> decompressZlib(stored, target, plainLength);
        }
        target.flip();
        if (target.remaining() != plainLength) {
            throw HearthException.corrupt("blob decompressed to " + target.remaining() + " bytes, expected " + plainLength);
        }
    }

    private void decompressZstd(ByteBuffer stored, ByteBuffer target, int plainLength) {
        if (zstdDecompress == null) {
            zstdDecompress = new ZstdDecompressCtx();
        }
        try {
            if (stored.isDirect() && target.isDirect()) {
                int n = zstdDecompress.decompressDirectByteBuffer(target, 0, plainLength, stored, stored.position(), stored.remaining());
                target.position(n);
            } else {
                byte[] packed = new byte[stored.remaining()];
                stored.duplicate().get(packed);
                target.put(zstdDecompress.decompress(packed, plainLength));
            }
        } catch (RuntimeException e) {
            throw HearthException.corrupt("zstd blob does not decompress: " + e.getMessage());
        }
    }

    private void decompressZlib(ByteBuffer stored, ByteBuffer target, int plainLength) {
        if (inflater == null) {
            inflater = new Inflater();
        }
        inflater.reset();
        inflater.setInput(stored.duplicate());
        ByteBuffer out = target.duplicate().clear().limit(plainLength);
        try {
            while (!inflater.finished() && out.hasRemaining()) {
                if (inflater.inflate(out) == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
            }
        } catch (DataFormatException e) {
            throw HearthException.corrupt("zlib blob does not decompress: " + e.getMessage());
        }
        target.position(out.position());
    }

    @Override
    public void close() {
        if (zstdCompress != null) {
            zstdCompress.close();
        }
        if (zstdDecompress != null) {
            zstdDecompress.close();
        }
        if (deflater != null) {
            deflater.end();
        }
        if (inflater != null) {
            inflater.end();
        }
    }
}
