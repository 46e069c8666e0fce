package io.hearth.bench;

import io.hearth.engine.block.BlockId;
import io.hearth.engine.block.Compression;
import io.hearth.engine.index.IndexFormat;
import io.hearth.engine.index.IndexGroupCache;
import io.hearth.engine.index.IndexRun;
import io.hearth.engine.pack.BlobType;
import io.hearth.engine.pack.PackEntry;
import io.hearth.engine.pack.PackId;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One lookup in an index object as a local file (the index cache): of an id it holds, as a restore looks up each block
 * of the backup, and of one it does not, as a backup asks whether a new block is stored already. 40,000 entries are
 * the 2 GiB benchmark image's full backup. {@code cached}: with the repository's cache of entry groups (after the first
 * pass, every group is in it), or reading each lookup's group from the file. Score: lookups/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IndexLookupBenchmark {
    @Param({"40000"})
    public int entries;

    @Param({"false", "true"})
    public boolean cached;

    private Path file;
    private IndexRun run;
    private BlockId[] present;
    private BlockId[] absent;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Random random = new Random(1);
        List<PackEntry> all = new ArrayList<>(entries);
        for (int i = 0; i < entries; i++) {
            all.add(new PackEntry(new BlockId(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong()),
                    new PackId(i / 500, 7), (i % 500) * 20_000L, 20_000, 32_768, BlobType.DATA, Compression.ZSTD));
        }
        all.sort(Comparator.comparing(PackEntry::id));
        file = Files.createTempFile("hearth-index", ".run");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            var object = IndexFormat.write(all);
            while (object.hasRemaining()) {
                channel.write(object);
            }
        }
        run = IndexRun.open("bench", file, new IndexGroupCache(cached ? IndexGroupCache.DEFAULT_GROUPS : 0));
        present = new BlockId[4096];
        absent = new BlockId[4096];
        for (int i = 0; i < present.length; i++) {
            present[i] = all.get(random.nextInt(entries)).id();
            absent[i] = new BlockId(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        run.close();
        Files.deleteIfExists(file);
    }

    @Benchmark
    public Optional<PackEntry> present() {
        return run.find(present[next++ & (present.length - 1)]);
    }

    @Benchmark
    public Optional<PackEntry> absent() {
        return run.find(absent[next++ & (absent.length - 1)]);
    }
}
