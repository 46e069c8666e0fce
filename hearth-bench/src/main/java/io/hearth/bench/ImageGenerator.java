package io.hearth.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Makes the test images of the end-to-end benchmark (bench/run.sh). Deterministic from the seed.
 *
 * <pre>
 * ImageGenerator image  --out FILE --size 2G [--seed 42] [--zero 0.40] [--text 0.30] [--min-extent 1M] [--max-extent 8M]
 * ImageGenerator mutate --image FILE --kind scattered|clustered --ranges FILE [--changed-data FILE]
 *                       [--fraction 0.01] [--seed 7] [--min-extent 64K] [--max-extent 1M]
 * </pre>
 *
 * <p>{@code image} cuts the image into extents of 1-8 MiB (4 KiB multiples) and gives each one a kind so
 * that about {@code zero} of the bytes are zeros, {@code text} log-like text (zstd -1 about 4x) and the rest
 * random bytes (incompressible). The kinds are spread through the image at random. Zero extents are skipped,
 * so they stay holes in a sparse file.
 *
 * <p>{@code mutate} overwrites {@code fraction} of an image in place (run it on a {@code cp --sparse=always}
 * copy): {@code scattered} as 4 KiB writes at distinct 4 KiB-aligned offsets all over the image (holes
 * included), {@code clustered} as non-overlapping extents of 64 KiB-1 MiB. Each write holds log text or random
 * bytes (half each). It writes the changed-ranges file ({@code OFFSET LENGTH} per line, decimal bytes, sorted,
 * adjacent ranges merged) that {@code hearth repo backup --changed-ranges} reads, and optionally the new
 * data of all ranges concatenated (to measure what the change costs compressed).
 *
 * <p>Prints one JSON line describing what it made.
 */
public final class ImageGenerator {
    static final int PAGE = 4096;
    private static final int CHUNK = 1 << 20;

    private ImageGenerator() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            usage();
            System.exit(args.length == 0 ? 2 : 0);
        }
        Map<String, String> options = parse(args);
        try {
            String json = switch (args[0]) {
                case "image" -> image(options);
                case "mutate" -> mutate(options);
                default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'");
            };
            System.out.println(json);
        } catch (IllegalArgumentException e) {
            System.err.println("ImageGenerator: " + e.getMessage());
            usage();
            System.exit(2);
        }
    }

    private static void usage() {
        System.err.println("""
                usage: ImageGenerator image  --out FILE --size SIZE [--seed N] [--zero 0.40] [--text 0.30] [--min-extent 1M] [--max-extent 8M]
                       ImageGenerator mutate --image FILE --kind scattered|clustered --ranges FILE [--changed-data FILE]
                                             [--fraction 0.01] [--seed N] [--min-extent 64K] [--max-extent 1M]""");
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option VALUE at '" + args[i] + "'");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    enum Kind { ZERO, TEXT, RANDOM }

    record Extent(long offset, long length, Kind kind, long seed) {}

    /** The layout of an image: extents covering [0, size), each with a kind and a content seed. */
    static List<Extent> layout(long size, long seed, double zero, double text, long minExtent, long maxExtent) {
        SplittableRandom random = new SplittableRandom(seed);
        List<long[]> cuts = new ArrayList<>();
        long offset = 0;
        long minPages = Math.max(1, minExtent / PAGE);
        long maxPages = Math.max(minPages, maxExtent / PAGE);
        while (offset < size) {
            long length = Math.min(size - offset, PAGE * (minPages + random.nextLong(maxPages - minPages + 1)));
            cuts.add(new long[] {offset, length});
            offset += length;
        }
        // Give kinds in a random order of the extents until each kind's share of the bytes is reached,
        // so the shares hold for small images too and every kind is spread over the whole image.
        int[] order = new int[cuts.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        Kind[] kinds = new Kind[cuts.size()];
        long zeroTarget = Math.round(size * zero);
        long textTarget = Math.round(size * (zero + text));
        long assigned = 0;
        for (int index : order) {
            long length = cuts.get(index)[1];
            Kind kind = assigned + length / 2 < zeroTarget ? Kind.ZERO : assigned + length / 2 < textTarget ? Kind.TEXT : Kind.RANDOM;
            kinds[index] = kind;
            assigned += length;
        }
        List<Extent> extents = new ArrayList<>(cuts.size());
        for (int i = 0; i < cuts.size(); i++) {
            extents.add(new Extent(cuts.get(i)[0], cuts.get(i)[1], kinds[i], random.nextLong()));
        }
        return extents;
    }

    private static String image(Map<String, String> options) throws IOException {
        Path out = Path.of(required(options, "out"));
        long size = Sizes.parse(required(options, "size"));
        long seed = Long.parseLong(options.getOrDefault("seed", "42"));
        double zero = Double.parseDouble(options.getOrDefault("zero", "0.40"));
        double text = Double.parseDouble(options.getOrDefault("text", "0.30"));
        long minExtent = Sizes.parse(options.getOrDefault("min-extent", "1M"));
        long maxExtent = Sizes.parse(options.getOrDefault("max-extent", "8M"));
        if (size <= 0 || size % PAGE != 0) {
            throw new IllegalArgumentException("--size must be a positive multiple of 4 KiB");
        }
        if (zero < 0 || text < 0 || zero + text > 1) {
            throw new IllegalArgumentException("--zero and --text are shares between 0 and 1 that add up to at most 1");
        }
        List<Extent> extents = layout(size, seed, zero, text, minExtent, maxExtent);
        long[] bytes = new long[Kind.values().length];
        int[] count = new int[Kind.values().length];
        Files.deleteIfExists(out);
        try (FileChannel channel = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[CHUNK];
            for (Extent extent : extents) {
                bytes[extent.kind().ordinal()] += extent.length();
                count[extent.kind().ordinal()]++;
                if (extent.kind() == Kind.ZERO) {
                    continue; // left as a hole
                }
                Content content = new Content(extent.kind(), extent.seed());
                for (long done = 0; done < extent.length(); ) {
                    int n = (int) Math.min(CHUNK, extent.length() - done);
                    content.fill(buffer, 0, n);
                    writeFully(channel, ByteBuffer.wrap(buffer, 0, n), extent.offset() + done);
                    done += n;
                }
            }
        }
        try (var raf = new java.io.RandomAccessFile(out.toFile(), "rw")) {
            raf.setLength(size); // a trailing zero extent stays a hole
        }
        return String.format(Locale.ROOT,
                "{\"image\":\"%s\",\"size\":%d,\"seed\":%d,\"extents\":%d,\"zero_bytes\":%d,\"text_bytes\":%d,\"random_bytes\":%d,"
                        + "\"zero_extents\":%d,\"text_extents\":%d,\"random_extents\":%d}",
                jsonEscape(out.toString()), size, seed, extents.size(), bytes[0], bytes[1], bytes[2], count[0], count[1], count[2]);
    }

    private static String mutate(Map<String, String> options) throws IOException {
        Path image = Path.of(required(options, "image"));
        String kind = required(options, "kind").toLowerCase(Locale.ROOT);
        Path rangesFile = Path.of(required(options, "ranges"));
        Path changedData = options.containsKey("changed-data") ? Path.of(options.get("changed-data")) : null;
        double fraction = Double.parseDouble(options.getOrDefault("fraction", "0.01"));
        long seed = Long.parseLong(options.getOrDefault("seed", kind.equals("scattered") ? "1001" : "2002"));
        long minExtent = Sizes.parse(options.getOrDefault("min-extent", "64K"));
        long maxExtent = Sizes.parse(options.getOrDefault("max-extent", "1M"));
        long size = Files.size(image);
        long pages = size / PAGE;
        long target = Math.round(size * fraction);
        if (fraction <= 0 || fraction > 0.5) {
            throw new IllegalArgumentException("--fraction must be in (0, 0.5]");
        }
        if (pages > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("image too large");
        }
        SplittableRandom random = new SplittableRandom(seed);
        BitSet taken = new BitSet((int) pages);
        List<long[]> writes = new ArrayList<>(); // offset, length
        switch (kind) {
            case "scattered" -> {
                long n = Math.max(1, target / PAGE);
                while (writes.size() < n) {
                    int page = (int) random.nextLong(pages);
                    if (!taken.get(page)) {
                        taken.set(page);
                        writes.add(new long[] {(long) page * PAGE, PAGE});
                    }
                }
            }
            case "clustered" -> {
                long minPages = Math.max(1, minExtent / PAGE);
                long maxPages = Math.max(minPages, maxExtent / PAGE);
                long total = 0;
                int attempts = 0;
                while (total < target) {
                    long length = Math.min(PAGE * (minPages + random.nextLong(maxPages - minPages + 1)),
                            Math.max(minPages * PAGE, (target - total + PAGE - 1) / PAGE * PAGE));
                    int first = (int) random.nextLong(pages - length / PAGE + 1);
                    int end = first + (int) (length / PAGE);
                    int nextTaken = taken.nextSetBit(first);
                    if (nextTaken >= 0 && nextTaken < end) {
                        if (++attempts > 1_000_000) {
                            throw new IllegalArgumentException("cannot place clustered writes: fraction too large");
                        }
                        continue;
                    }
                    taken.set(first, end);
                    writes.add(new long[] {(long) first * PAGE, length});
                    total += length;
                }
            }
            default -> throw new IllegalArgumentException("--kind must be scattered or clustered, not '" + kind + "'");
        }
        // Content is drawn in the order the writes were generated, so it is deterministic from the seed.
        List<byte[]> contents = new ArrayList<>(writes.size());
        long textWrites = 0;
        for (long[] write : writes) {
            boolean text = random.nextBoolean();
            textWrites += text ? 1 : 0;
            byte[] data = new byte[(int) write[1]];
            new Content(text ? Kind.TEXT : Kind.RANDOM, random.nextLong()).fill(data, 0, data.length);
            contents.add(data);
        }
        Integer[] order = new Integer[writes.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(writes.get(a)[0], writes.get(b)[0]));
        long changed = 0;
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE);
                OutputStream data = changedData == null ? OutputStream.nullOutputStream()
                        : new java.io.BufferedOutputStream(Files.newOutputStream(changedData), 1 << 20)) {
            for (int i : order) {
                writeFully(channel, ByteBuffer.wrap(contents.get(i)), writes.get(i)[0]);
                data.write(contents.get(i));
                changed += writes.get(i)[1];
            }
        }
        // Ranges, sorted and with adjacent ones merged.
        StringBuilder ranges = new StringBuilder();
        int lines = 0;
        long start = -1;
        long end = -1;
        for (int i : order) {
            long offset = writes.get(i)[0];
            long length = writes.get(i)[1];
            if (offset == end) {
                end += length;
                continue;
            }
            if (start >= 0) {
                ranges.append(start).append(' ').append(end - start).append('\n');
                lines++;
            }
            start = offset;
            end = offset + length;
        }
        ranges.append(start).append(' ').append(end - start).append('\n');
        lines++;
        Files.writeString(rangesFile, ranges);
        return String.format(Locale.ROOT,
                "{\"image\":\"%s\",\"kind\":\"%s\",\"seed\":%d,\"writes\":%d,\"text_writes\":%d,\"bytes_changed\":%d,\"ranges\":%d,\"ranges_file\":\"%s\"}",
                jsonEscape(image.toString()), kind, seed, writes.size(), textWrites, changed, lines, jsonEscape(rangesFile.toString()));
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }

    private static String jsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The bytes of one extent or write: log text or random bytes from a seed. */
    static final class Content {
        private final Kind kind;
        private final SplittableRandom random;
        private final LogText text;

        Content(Kind kind, long seed) {
            this.kind = kind;
            this.random = new SplittableRandom(seed);
            this.text = kind == Kind.TEXT ? new LogText(seed) : null;
        }

        void fill(byte[] out, int offset, int length) {
            switch (kind) {
                case ZERO -> java.util.Arrays.fill(out, offset, offset + length, (byte) 0);
                case TEXT -> text.fill(out, offset, length);
                case RANDOM -> {
                    ByteBuffer view = ByteBuffer.wrap(out, offset, length);
                    while (view.remaining() >= 8) {
                        view.putLong(random.nextLong());
                    }
                    while (view.hasRemaining()) {
                        view.put((byte) random.nextInt());
                    }
                }
            }
        }
    }
}
