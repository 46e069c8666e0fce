package io.hearth.engine;

import io.hearth.engine.target.ForwardingTarget;
import io.hearth.engine.target.PosixTarget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** A posix target that counts ranged reads of packs: what restores, and backups reading their parent's list, do. */
public final class PackReadCounter extends ForwardingTarget {
    private final AtomicInteger reads = new AtomicInteger();

    public PackReadCounter(Path root) throws IOException {
        super(new PosixTarget(root));
    }

    @Override
    public void readInto(String key, long offset, ByteBuffer destination) throws IOException {
        if (key.startsWith("packs/")) {
            reads.incrementAndGet();
        }
        super.readInto(key, offset, destination);
    }

    public int reads() {
        return reads.get();
    }

    public void reset() {
        reads.set(0);
    }
}
