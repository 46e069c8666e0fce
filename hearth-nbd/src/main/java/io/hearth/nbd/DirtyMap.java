package io.hearth.nbd;

import io.hearth.engine.backup.ByteRange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32C;

/**
 * Which parts of a volume changed since its last committed backup (the base), one bit per granule, kept in a
 * file beside the volume. The map is either valid, with a base, or invalid; an invalid map makes the next
 * incremental read everything. It becomes invalid whenever a change may have bypassed it:
 * <ul>
 *   <li>the volume file is not the one the map last saw (size, modification and change times, inode) —
 *       it was written, replaced or restored outside the service while no writer held the map;</li>
 *   <li>the map was open for writing when the process stopped (a crash: writes may have reached the volume
 *       after the map was last saved);</li>
 *   <li>the service says so ({@link #invalidate}): a restore onto the volume, a snapshot revert, a local attachment;</li>
 *   <li>the file is missing, damaged, or of another granularity or volume size.</li>
 * </ul>
 * A backup {@linkplain #capture captures} the map and starts a fresh one; only its {@linkplain #commit commit}
 * makes it the new base, and an {@linkplain #abort abort} puts the captured bits back. Until the commit the
 * captured bits stay in the file too, so a restart in the middle of a backup loses none of them.
 */
public final class DirtyMap {
    /** The granularity is a multiple of this. */
    public static final long UNIT = 64 << 10;
    private static final long MAGIC = 0x4845415254484342L; // "HEARTHCB"
    private static final int VERSION = 1;
    private static final int CLEAN = 0;
    private static final int OPEN = 1;

    /** What identifies the volume file's content as the map last saw it. */
    record Fingerprint(long size, long modifiedNanos, long changedNanos, long inode) {
        static Fingerprint of(Path file) throws IOException {
            var attributes = Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,ino");
            return new Fingerprint((Long) attributes.get("size"), nanos((FileTime) attributes.get("lastModifiedTime")),
                    nanos((FileTime) attributes.get("ctime")), ((Number) attributes.get("ino")).longValue());
        }

        private static long nanos(FileTime time) {
            return time.to(java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** What a backup took: the base, the changed ranges (empty when the map was invalid), and the map's generation. */
    public record Capture(Optional<String> base, Optional<List<ByteRange>> ranges, long generation) {}

    private final Path file;
    private final Path volume;
    private final long granularity;
    private long volumeSize;
    private BitSet bits;
    /** Bits a backup captured and has not committed yet. */
    private BitSet pending = new BitSet();
    private Optional<String> base;
    private String invalidReason;
    private int writers;
    /** The volume file as the map last saw it with no writer open. */
    private Fingerprint seen;
    /** Bumped by every invalidation, so that a backup captured before one does not make the map valid. */
    private long generation;
    /** Changes hold it shared from marking until done; a capture holds it alone, so no change straddles one. */
    private final ReadWriteLock changes = new ReentrantReadWriteLock();

    /** A change to the volume's data. */
    @FunctionalInterface
    public interface Change {
        void run() throws IOException;
    }

    private DirtyMap(Path file, Path volume, long granularity, long volumeSize, BitSet bits, Optional<String> base, String invalidReason) {
        this.file = file;
        this.volume = volume;
        this.granularity = granularity;
        this.volumeSize = volumeSize;
        this.bits = bits;
        this.base = base;
        this.invalidReason = invalidReason;
    }

    /** Loads the map of {@code volume} from {@code file}; whatever is wrong with it makes it invalid, never an error. */
    public static DirtyMap load(Path file, Path volume, long granularity) throws IOException {
        if (granularity <= 0 || granularity % UNIT != 0) {
            throw new IllegalArgumentException("the changed-block granularity must be a positive multiple of 64 KiB, not " + granularity);
        }
        Fingerprint current = Fingerprint.of(volume);
        String problem;
        try {
            ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(file));
            problem = check(data, granularity, current);
            if (problem == null) {
                data.position(8 + 4 + 4 + 8 + 8 + 32);
                byte[] id = new byte[data.getInt()];
                data.get(id);
                long[] words = new long[data.getInt()];
                data.asLongBuffer().get(words);
                DirtyMap map = new DirtyMap(file, volume, granularity, current.size(), BitSet.valueOf(words),
                        Optional.of(new String(id, StandardCharsets.UTF_8)), null);
                map.seen = current;
                return map;
            }
        } catch (NoSuchFileException e) {
            problem = "the volume has no changed-block map yet";
        }
        DirtyMap invalid = new DirtyMap(file, volume, granularity, current.size(), new BitSet(), Optional.empty(), problem);
        invalid.save(CLEAN);
        return invalid;
    }

    /** Why the stored map cannot be trusted, or null. */
    private static String check(ByteBuffer data, long granularity, Fingerprint current) {
        if (data.remaining() < 72) {
            return "the changed-block map is truncated";
        }
        CRC32C crc = new CRC32C();
        crc.update(data.array(), 0, data.remaining() - 4);
        if ((int) crc.getValue() != data.getInt(data.remaining() - 4) || data.getLong() != MAGIC || data.getInt() != VERSION) {
            return "the changed-block map is damaged";
        }
        int state = data.getInt();
        long storedGranularity = data.getLong();
        long storedSize = data.getLong();
        Fingerprint seen = new Fingerprint(data.getLong(), data.getLong(), data.getLong(), data.getLong());
        if (state == OPEN) {
            return "the service stopped while the volume was open for writing";
        }
        if (storedGranularity != granularity) {
            return "the changed-block granularity changed from " + storedGranularity + " to " + granularity;
        }
        if (storedSize != current.size() || !seen.equals(current)) {
            return "the volume file changed outside the service";
        }
        if (data.getInt(data.position()) <= 0) {
            return "the changed-block map has no base backup";
        }
        return null;
    }

    public long granularity() {
        return granularity;
    }

    /** The backup the map is relative to, if the map is valid. */
    public synchronized Optional<String> base() {
        return invalidReason == null ? base : Optional.empty();
    }

    /** Why the map is invalid, if it is. */
    public synchronized Optional<String> invalidReason() {
        return Optional.ofNullable(invalidReason);
    }

    /** Marks the granules under the range as changed, then makes the change. */
    public void change(long offset, long length, Change change) throws IOException {
        changes.readLock().lock();
        try {
            mark(offset, length);
            change.run();
        } finally {
            changes.readLock().unlock();
        }
    }

    private synchronized void mark(long offset, long length) {
        if (length <= 0) {
            return;
        }
        long first = offset / granularity;
        long last = (Math.min(offset + length, volumeSize) - 1) / granularity;
        bits.set((int) first, (int) last + 1);
    }

    /** A writer (a writable export) starts: until every writer has {@linkplain #closeWriter closed}, a crash invalidates the map. */
    public synchronized void openWriter() throws IOException {
        if (writers == 0) {
            noticeOutsideChange();
        }
        if (writers++ == 0) {
            save(OPEN);
        }
    }

    /**
     * With no writer open the volume file must be as the map last saw it. Checked before every save that records
     * the file afresh (a writer opening then closing, a commit, an abort): otherwise that save would take a change
     * made outside the service for the map's own and the next incremental would miss it.
     */
    private void noticeOutsideChange() throws IOException {
        if (writers == 0 && invalidReason == null && !Fingerprint.of(volume).equals(seen)) {
            invalidate("the volume file changed outside the service");
        }
    }

    /** A writer is done; the last one saves the map with the volume file's fingerprint. */
    public synchronized void closeWriter() throws IOException {
        if (writers > 0 && --writers == 0) {
            save(CLEAN);
        }
    }

    /** Something may have changed the volume without marking the map: the next backup reads everything. */
    public synchronized void invalidate(String reason) throws IOException {
        invalidReason = reason;
        generation++;
        bits.clear();
        pending.clear();
        save(writers > 0 ? OPEN : CLEAN);
    }

    /**
     * For a backup: what changed since the base (empty if the map is invalid), and a fresh map for what
     * changes from now on. Waits for the changes in progress; the caller then copies or reads the volume,
     * and whatever changes meanwhile is marked in the fresh map.
     */
    public Capture capture() throws IOException {
        changes.writeLock().lock();
        try {
            return captureAlone();
        } finally {
            changes.writeLock().unlock();
        }
    }

    private synchronized Capture captureAlone() throws IOException {
        long size = java.nio.file.Files.size(volume);
        if (size != volumeSize) {
            volumeSize = size;
            invalidate("the volume's size changed");
        }
        noticeOutsideChange();
        pending.or(bits);
        bits = new BitSet();
        Optional<List<ByteRange>> ranges = invalidReason == null ? Optional.of(ranges(pending)) : Optional.empty();
        Capture capture = new Capture(base(), ranges, generation);
        save(writers > 0 ? OPEN : CLEAN);
        return capture;
    }

    /** The backup committed: it is the new base, unless the map was invalidated since the capture. */
    public synchronized void commit(Capture capture, String backupId) throws IOException {
        noticeOutsideChange();
        if (capture.generation() == generation) {
            base = Optional.of(backupId);
            invalidReason = null;
        }
        pending.clear();
        save(writers > 0 ? OPEN : CLEAN);
    }

    /** The backup failed: its bits count as changed again. */
    public synchronized void abort() throws IOException {
        noticeOutsideChange();
        bits.or(pending);
        pending.clear();
        save(writers > 0 ? OPEN : CLEAN);
    }

    private List<ByteRange> ranges(BitSet set) {
        List<ByteRange> ranges = new ArrayList<>();
        for (int start = set.nextSetBit(0); start >= 0; ) {
            int end = set.nextClearBit(start);
            long offset = start * granularity;
            ranges.add(new ByteRange(offset, Math.min(end * granularity, volumeSize) - offset));
            start = set.nextSetBit(end);
        }
        return ranges;
    }

    /** Writes the map beside itself, syncs it and renames it over the old one. */
    private void save(int state) throws IOException {
        if (state == CLEAN) {
            seen = Fingerprint.of(volume);
        }
        Fingerprint stored = state == CLEAN ? seen : new Fingerprint(volumeSize, 0, 0, 0);
        byte[] id = (invalidReason == null ? base.orElse("") : "").getBytes(StandardCharsets.UTF_8);
        BitSet all = (BitSet) bits.clone();
        all.or(pending);
        long[] words = all.toLongArray();
        ByteBuffer data = ByteBuffer.allocate(8 + 4 + 4 + 8 + 8 + 32 + 4 + id.length + 4 + 8 * words.length + 4);
        data.putLong(MAGIC).putInt(VERSION).putInt(state).putLong(granularity).putLong(volumeSize)
                .putLong(stored.size()).putLong(stored.modifiedNanos()).putLong(stored.changedNanos()).putLong(stored.inode())
                .putInt(id.length).put(id).putInt(words.length);
        for (long word : words) {
            data.putLong(word);
        }
        CRC32C crc = new CRC32C();
        crc.update(data.array(), 0, data.position());
        data.putInt((int) crc.getValue());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            data.flip();
            while (data.hasRemaining()) {
                channel.write(data);
            }
            channel.force(true);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
