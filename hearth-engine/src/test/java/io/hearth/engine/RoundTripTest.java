package io.hearth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.hearth.engine.backup.BackupManifest;
import io.hearth.engine.backup.ByteRange;
import io.hearth.engine.repository.Repository;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated images and write patterns (seeded, so every failure replays): every backup restores byte-identical, through
 * incremental chains (with and without changed ranges), deletes of any backup, and gc.
 */
class RoundTripTest {
    private static final int BLOCK = TestRepositories.BLOCK;

    /** How an image is made: a size and a seed for its mix of holes, repeated blocks, text and random bytes. */
    record ImageSpec(int size, long seed) {
        byte[] build() {
            Random random = new Random(seed);
            byte[] data = new byte[size];
            byte[] repeated = new byte[BLOCK];
            random.nextBytes(repeated);
            int position = 0;
            while (position < size) {
                int length = Math.min(size - position, BLOCK * (1 + random.nextInt(6)) + (random.nextBoolean() ? random.nextInt(BLOCK) : 0));
                switch (random.nextInt(4)) {
                    case 0 -> { } // hole
                    case 1 -> {
                        for (int i = 0; i < length; i++) {
                            data[position + i] = repeated[(position + i) % BLOCK];
                        }
                    }
                    case 2 -> {
                        byte[] text = ("line " + random.nextInt(1000) + " of the log, status ok\n").getBytes();
                        for (int i = 0; i < length; i++) {
                            data[position + i] = text[i % text.length];
                        }
                    }
                    default -> {
                        byte[] noise = new byte[length];
                        random.nextBytes(noise);
                        System.arraycopy(noise, 0, data, position, length);
                    }
                }
                position += length;
            }
            return data;
        }
    }

    /** Writes to apply between backups: offset and length inside the image, and whether it zeroes. */
    record Write(double where, int length, boolean zero, long seed) {}

    /**
     * Seeds of the generated cases: fixed so that CI is repeatable, different per case so that many
     * shapes are covered. Set -Dhearth.test.seed=N to replay one case, -Dhearth.test.cases=N for more.
     */
    static LongStream seeds() {
        String replay = System.getProperty("hearth.test.seed");
        if (replay != null) {
            return LongStream.of(Long.parseLong(replay));
        }
        int cases = Integer.getInteger("hearth.test.cases", 16);
        return LongStream.range(0, cases).map(i -> 0x5eed_0000L + i * 7919);
    }

    static ImageSpec image(Random random) {
        int size = switch (random.nextInt(3)) {
            case 0 -> random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(BLOCK * 3);
            default -> BLOCK * 200 + random.nextInt(BLOCK * 500);
        };
        return new ImageSpec(size, random.nextLong());
    }

    static List<List<Write>> rounds(Random random) {
        List<List<Write>> rounds = new ArrayList<>();
        int count = 1 + random.nextInt(4);
        for (int r = 0; r < count; r++) {
            List<Write> writes = new ArrayList<>();
            int n = random.nextInt(13);
            for (int w = 0; w < n; w++) {
                writes.add(new Write(random.nextDouble(), 1 + random.nextInt(BLOCK * 40), random.nextBoolean(), random.nextLong()));
            }
            rounds.add(writes);
        }
        return rounds;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyBackupOfAChainRestoresAfterDeletesAndGc(long seed) throws IOException {
        Random random = new Random(seed);
        ImageSpec spec = image(random);
        List<List<Write>> rounds = rounds(random);
        boolean useChangedRanges = random.nextBoolean();
        Path dir = Files.createTempDirectory("hearth-roundtrip");
        try (Repository repository = TestRepositories.create(dir)) {
            Path image = dir.resolve("image");
            byte[] data = spec.build();
            writeSparse(image, data);
            List<BackupManifest> backups = new ArrayList<>();
            List<byte[]> contents = new ArrayList<>();
            backups.add(TestRepositories.backup(repository, image, null));
            contents.add(data.clone());
            for (List<Write> round : rounds) {
                List<ByteRange> changed = new ArrayList<>();
                for (Write write : round) {
                    if (data.length == 0) {
                        break;
                    }
                    int offset = (int) Math.min(data.length - 1, write.where() * data.length);
                    int length = Math.min(write.length(), data.length - offset);
                    byte[] bytes = new byte[length];
                    if (!write.zero()) {
                        new Random(write.seed()).nextBytes(bytes);
                    }
                    System.arraycopy(bytes, 0, data, offset, length);
                    changed.add(new ByteRange(offset, length));
                }
                writeSparse(image, data);
                String parent = backups.getLast().id();
                backups.add(TestRepositories.backup(repository, image, parent, useChangedRanges ? changed : null));
                contents.add(data.clone());
            }
            for (int i = 0; i < backups.size(); i++) {
                assertThat(TestRepositories.restore(repository, backups.get(i).id(), dir)).as("backup %d", i).isEqualTo(contents.get(i));
            }
            // Delete one backup anywhere in the chain: the others do not depend on it.
            int victim = new Random(spec.seed()).nextInt(backups.size());
            assertThat(repository.deleteBackup(backups.get(victim).id())).isTrue();
            repository.gc(Duration.ZERO);
            assertThat(repository.verify(java.util.Optional.empty(), true, ProgressListener.NONE).problems()).isEmpty();
            for (int i = 0; i < backups.size(); i++) {
                if (i != victim) {
                    assertThat(TestRepositories.restore(repository, backups.get(i).id(), dir)).as("backup %d after gc", i).isEqualTo(contents.get(i));
                }
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void restoreLeavesZeroBlocksAsHoles(long seed) throws IOException {
        ImageSpec spec = image(new Random(seed));
        Path dir = Files.createTempDirectory("hearth-holes");
        try (Repository repository = TestRepositories.create(dir)) {
            byte[] data = spec.build();
            Path image = dir.resolve("image");
            writeSparse(image, data);
            BackupManifest backup = TestRepositories.backup(repository, image, null);
            long zeroBlocks = 0;
            for (int offset = 0; offset < data.length; offset += BLOCK) {
                byte[] block = Arrays.copyOfRange(data, offset, Math.min(data.length, offset + BLOCK));
                if (Arrays.equals(block, new byte[block.length])) {
                    zeroBlocks++;
                }
            }
            assertThat(backup.stats().blocksZero()).isEqualTo(zeroBlocks);
            assertThat(backup.stats().bytesRead()).as("holes of the sparse source are not read").isLessThanOrEqualTo(allocatedBytes(image));
            Path out = dir.resolve("out");
            io.hearth.engine.restore.RestoreResult result = repository.restore(backup.id(), out, ProgressListener.NONE);
            assertThat(result.blocksZero()).isEqualTo(zeroBlocks);
            assertThat(Files.readAllBytes(out)).isEqualTo(data);
            long allocated = allocatedBytes(out);
            long dataBytes = (long) (data.length + BLOCK - 1) / BLOCK * BLOCK - zeroBlocks * BLOCK;
            assertThat(allocated).as("allocated bytes of the restored file").isLessThanOrEqualTo(dataBytes + 64 * 1024);
        } finally {
            deleteRecursively(dir);
        }
    }

    /** Bytes the file system allocated to a file (holes cost nothing). */
    static long allocatedBytes(Path file) throws IOException {
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).redirectErrorStream(true).start();
        String[] parts = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
        return Long.parseLong(parts[0]) * Long.parseLong(parts[1]);
    }

    static void writeSparse(Path file, byte[] data) throws IOException {
        Files.deleteIfExists(file);
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(data.length);
            byte[] zero = new byte[BLOCK];
            for (int offset = 0; offset < data.length; offset += BLOCK) {
                int length = Math.min(BLOCK, data.length - offset);
                if (!Arrays.equals(data, offset, offset + length, zero, 0, length)) {
                    out.seek(offset);
                    out.write(data, offset, length);
                }
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
