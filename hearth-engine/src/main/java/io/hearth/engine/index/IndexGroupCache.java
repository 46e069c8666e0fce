package io.hearth.engine.index;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Groups of index entries (the {@value IndexRun#FENCE_EVERY} entries from one fence word to the next, 4 KiB) read
 * lately from the index objects of one repository, up to a fixed number. A restore looks up every block of its backup:
 * the 40,000 lookups of a 2 GiB volume's full backup read its index object's 625 groups once each, not 40,000 times.
 * Bounded, so the dedup index still never lives wholly in memory; which group leaves when the cache is full is
 * arbitrary, as lookups of hashes have no locality to keep.
 */
public final class IndexGroupCache {
    /** 16 MiB of entries. */
    public static final int DEFAULT_GROUPS = 4096;

    private final ConcurrentHashMap<Long, ByteBuffer> groups = new ConcurrentHashMap<>();
    private final int capacity;
    private final AtomicInteger runs = new AtomicInteger();

    /** @param capacity how many groups it keeps; 0 keeps none */
    public IndexGroupCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.capacity = capacity;
    }

    /** A number for a newly opened index object, never given out before. */
    int newRun() {
        return runs.getAndIncrement();
    }

    ByteBuffer get(int run, int group) {
        return capacity == 0 ? null : groups.get(key(run, group));
    }

    /** Keeps {@code entries} (not to be changed afterwards), making room first if the cache is full. */
    void put(int run, int group, ByteBuffer entries) {
        if (capacity == 0) {
            return;
        }
        if (groups.size() >= capacity) {
            Iterator<Long> any = groups.keySet().iterator();
            while (groups.size() >= capacity && any.hasNext()) {
                any.next();
                any.remove();
            }
        }
        groups.put(key(run, group), entries);
    }

    /** Drops the groups of an index object that was closed. */
    void forget(int run) {
        if (capacity > 0) {
            groups.keySet().removeIf(key -> (int) (key >>> 32) == run);
        }
    }

    int size() {
        return groups.size();
    }

    private static long key(int run, int group) {
        return (long) run << 32 | Integer.toUnsignedLong(group);
    }
}
