package io.hearth.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.engine.backup.ByteRange;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The changed-block map: what it records, what survives a restart, and every way it becomes invalid. */
class DirtyMapTest {
    private static final long UNIT = DirtyMap.UNIT;
    private static final long SIZE = 100 * UNIT + 1000; // not a whole number of granules

    @TempDir Path dir;
    private Path volume;
    private Path file;

    @BeforeEach
    void volume() throws IOException {
        volume = dir.resolve("volume");
        file = dir.resolve("volume.dirty");
        try (RandomAccessFile raf = new RandomAccessFile(volume.toFile(), "rw")) {
            raf.setLength(SIZE);
        }
    }

    /** A map with base backup "b1". */
    private DirtyMap validMap(long granularity) throws IOException {
        DirtyMap map = DirtyMap.load(file, volume, granularity);
        assertThat(map.base()).isEmpty();
        DirtyMap.Capture first = map.capture();
        assertThat(first.ranges()).as("an invalid map means: read everything").isEmpty();
        map.commit(first, "b1");
        assertThat(map.base()).contains("b1");
        return map;
    }

    private static void write(DirtyMap map, long offset, long length) throws IOException {
        map.change(offset, length, () -> {});
    }

    private void writeOutside(long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(volume.toFile(), "rw")) {
            raf.seek(offset);
            raf.write(42);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 16})
    void changesAreCapturedAsWholeGranules(long units) throws IOException {
        long granularity = units * UNIT;
        DirtyMap map = validMap(granularity);
        write(map, 10, 1);
        write(map, granularity * 3 - 1, 2); // straddles granules 2 and 3
        write(map, SIZE - 1, 1); // the last, partial granule
        DirtyMap.Capture capture = map.capture();
        assertThat(capture.base()).contains("b1");
        long lastStart = (SIZE - 1) / granularity * granularity;
        List<ByteRange> expected = new ArrayList<>(List.of(new ByteRange(0, granularity), new ByteRange(2 * granularity, 2 * granularity)));
        if (lastStart > 4 * granularity) {
            expected.add(new ByteRange(lastStart, SIZE - lastStart));
        } else {
            expected = List.of(new ByteRange(0, granularity), new ByteRange(2 * granularity, SIZE - 2 * granularity));
        }
        assertThat(capture.ranges()).contains(expected);
        map.commit(capture, "b2");
        assertThat(map.capture().ranges()).contains(List.of());
    }

    @Test
    void theMapSurvivesACleanRestart() throws IOException {
        DirtyMap map = validMap(UNIT);
        map.openWriter();
        write(map, 5 * UNIT, 10);
        map.closeWriter();
        DirtyMap reloaded = DirtyMap.load(file, volume, UNIT);
        assertThat(reloaded.base()).contains("b1");
        assertThat(reloaded.capture().ranges()).contains(List.of(new ByteRange(5 * UNIT, UNIT)));
    }

    @Test
    void aCrashWhileOpenForWritingInvalidates() throws IOException {
        DirtyMap map = validMap(UNIT);
        map.openWriter();
        write(map, 5 * UNIT, 10);
        // The process dies here: no closeWriter.
        DirtyMap reloaded = DirtyMap.load(file, volume, UNIT);
        assertThat(reloaded.base()).isEmpty();
        assertThat(reloaded.invalidReason()).hasValueSatisfying(r -> assertThat(r).contains("stopped while the volume was open"));
        assertThat(reloaded.capture().ranges()).isEmpty();
    }

    @Test
    void aChangeOutsideTheServiceInvalidatesOnLoad() throws IOException {
        validMap(UNIT);
        writeOutside(7 * UNIT);
        DirtyMap reloaded = DirtyMap.load(file, volume, UNIT);
        assertThat(reloaded.invalidReason()).hasValueSatisfying(r -> assertThat(r).contains("changed outside"));
        assertThat(reloaded.capture().ranges()).isEmpty();
    }

    @Test
    void aChangeOutsideTheServiceInvalidatesALiveMap() throws IOException {
        DirtyMap map = validMap(UNIT);
        writeOutside(7 * UNIT);
        assertThat(map.capture().ranges()).isEmpty();
        assertThat(map.invalidReason()).hasValueSatisfying(r -> assertThat(r).contains("changed outside"));
    }

    @Test
    void aWriterOpeningAfterAChangeOutsideTheServiceDoesNotHideIt() throws IOException {
        DirtyMap map = validMap(UNIT);
        writeOutside(7 * UNIT);
        // Closing the writer saves the file's new fingerprint: without a check on opening, the outside change would be lost.
        map.openWriter();
        write(map, 2 * UNIT, 1);
        map.closeWriter();
        assertThat(map.invalidReason()).hasValueSatisfying(r -> assertThat(r).contains("changed outside"));
        assertThat(map.capture().ranges()).isEmpty();
        assertThat(DirtyMap.load(file, volume, UNIT).base()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aChangeOutsideTheServiceDuringABackupSurvivesItsCommitOrAbort(boolean commit) throws IOException {
        DirtyMap map = validMap(UNIT);
        DirtyMap.Capture capture = map.capture();
        assertThat(capture.ranges()).as("valid before the change").contains(List.of());
        writeOutside(7 * UNIT);
        if (commit) {
            map.commit(capture, "b2");
        } else {
            map.abort();
        }
        assertThat(map.base()).isEmpty();
        assertThat(map.capture().ranges()).isEmpty();
    }

    @Test
    void aReplacedVolumeFileInvalidates() throws IOException {
        validMap(UNIT);
        Path copy = dir.resolve("copy");
        Files.copy(volume, copy);
        Files.move(copy, volume, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(DirtyMap.load(file, volume, UNIT).base()).isEmpty();
    }

    @Test
    void anInvalidationByTheServiceMakesTheNextBackupReadEverything() throws IOException {
        DirtyMap map = validMap(UNIT);
        write(map, 0, 1);
        map.invalidate("restored from a backup");
        assertThat(map.invalidReason()).contains("restored from a backup");
        assertThat(DirtyMap.load(file, volume, UNIT).base()).as("the invalidation is persistent").isEmpty();
        DirtyMap.Capture capture = map.capture();
        assertThat(capture.ranges()).isEmpty();
        map.commit(capture, "b2");
        assertThat(map.base()).contains("b2");
    }

    @Test
    void anInvalidationDuringABackupKeepsTheMapInvalidAfterItCommits() throws IOException {
        DirtyMap map = validMap(UNIT);
        DirtyMap.Capture capture = map.capture();
        map.invalidate("snapshot reverted");
        map.commit(capture, "b2");
        assertThat(map.base()).isEmpty();
        assertThat(map.capture().ranges()).isEmpty();
    }

    @Test
    void aFailedBackupPutsItsChangesBack() throws IOException {
        DirtyMap map = validMap(UNIT);
        write(map, 3 * UNIT, 1);
        map.capture();
        write(map, 9 * UNIT, 1);
        map.abort();
        assertThat(map.base()).contains("b1");
        assertThat(map.capture().ranges()).contains(List.of(new ByteRange(3 * UNIT, UNIT), new ByteRange(9 * UNIT, UNIT)));
    }

    @Test
    void aRestartDuringABackupKeepsWhatItCaptured() throws IOException {
        DirtyMap map = validMap(UNIT);
        map.openWriter();
        write(map, 3 * UNIT, 1);
        map.capture();
        write(map, 9 * UNIT, 1);
        map.closeWriter();
        // The service restarts before the backup commits or fails.
        DirtyMap reloaded = DirtyMap.load(file, volume, UNIT);
        assertThat(reloaded.base()).contains("b1");
        assertThat(reloaded.capture().ranges()).contains(List.of(new ByteRange(3 * UNIT, UNIT), new ByteRange(9 * UNIT, UNIT)));
    }

    @Test
    void aDamagedOrForeignMapIsInvalid() throws IOException {
        validMap(UNIT);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        assertThat(DirtyMap.load(file, volume, UNIT).invalidReason()).hasValueSatisfying(r -> assertThat(r).contains("damaged"));

        validMap(UNIT);
        assertThat(DirtyMap.load(file, volume, 2 * UNIT).invalidReason()).hasValueSatisfying(r -> assertThat(r).contains("granularity"));

        Files.write(file, new byte[10]);
        assertThat(DirtyMap.load(file, volume, UNIT).invalidReason()).hasValueSatisfying(r -> assertThat(r).contains("truncated"));
    }

    @Test
    void granularityMustBeAMultipleOf64KiB() {
        assertThatThrownBy(() -> DirtyMap.load(file, volume, 4096)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64 KiB");
        assertThatThrownBy(() -> DirtyMap.load(file, volume, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noChangeIsLostBetweenConcurrentWritersAndCaptures() throws Exception {
        DirtyMap map = validMap(UNIT);
        map.openWriter();
        BitSet written = new BitSet();
        BitSet captured = new BitSet();
        try (ExecutorService writers = Executors.newFixedThreadPool(4)) {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Random random = new Random(t);
                work.add(writers.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        int granule = random.nextInt(100);
                        map.change(granule * UNIT, 1, () -> {
                            synchronized (written) {
                                written.set(granule);
                            }
                        });
                    }
                    return null;
                }));
            }
            for (int i = 0; i < 50; i++) {
                DirtyMap.Capture capture = map.capture();
                capture.ranges().orElseThrow().forEach(r -> captured.set((int) (r.offset() / UNIT), (int) ((r.end() + UNIT - 1) / UNIT)));
                map.commit(capture, "b" + i);
            }
            for (Future<?> f : work) {
                f.get();
            }
        }
        map.capture().ranges().orElseThrow().forEach(r -> captured.set((int) (r.offset() / UNIT), (int) ((r.end() + UNIT - 1) / UNIT)));
        assertThat(captured).isEqualTo(written);
    }
}
