package io.hearth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGeneratorTest {
    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    private static String run(String... args) throws IOException {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            ImageGenerator.main(args);
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private Path image(String name, long seed) throws IOException {
        Path file = dir.resolve(name);
        run("image", "--out", file.toString(), "--size", "16M", "--seed", Long.toString(seed), "--min-extent", "64K", "--max-extent", "512K");
        return file;
    }

    @Test
    void sameSeedSameImageOtherSeedOtherImage() throws IOException {
        byte[] a = Files.readAllBytes(image("a.img", 1));
        byte[] b = Files.readAllBytes(image("b.img", 1));
        byte[] c = Files.readAllBytes(image("c.img", 2));
        assertThat(a).hasSize(16 << 20);
        assertThat(Arrays.equals(a, b)).isTrue();
        assertThat(Arrays.equals(a, c)).isFalse();
    }

    @Test
    void sharesOfZerosTextAndRandomAreAsAsked() throws IOException {
        List<ImageGenerator.Extent> extents = ImageGenerator.layout(64L << 20, 42, 0.40, 0.30, 1 << 20, 8 << 20);
        long[] bytes = new long[3];
        long end = 0;
        for (ImageGenerator.Extent e : extents) {
            assertThat(e.offset()).isEqualTo(end);
            assertThat(e.length() % PAGE).isZero();
            bytes[e.kind().ordinal()] += e.length();
            end = e.offset() + e.length();
        }
        assertThat(end).isEqualTo(64L << 20);
        double total = end;
        assertThat(bytes[0] / total).isBetween(0.33, 0.47);
        assertThat(bytes[1] / total).isBetween(0.23, 0.37);
        assertThat(bytes[2] / total).isBetween(0.23, 0.37);
    }

    @Test
    void scatteredMutationChangesOnePercentInAlignedPagesAndListsThem() throws IOException {
        checkMutation("scattered");
    }

    @Test
    void clusteredMutationChangesOnePercentInExtentsAndListsThem() throws IOException {
        checkMutation("clustered");
    }

    private void checkMutation(String kind) throws IOException {
        Path base = image("base.img", 42);
        Path copy = dir.resolve(kind + ".img");
        Files.copy(base, copy);
        Path ranges = dir.resolve(kind + ".ranges");
        Path changed = dir.resolve(kind + ".changed");
        String json = run("mutate", "--image", copy.toString(), "--kind", kind, "--ranges", ranges.toString(),
                "--changed-data", changed.toString());
        assertThat(json).contains("\"kind\":\"" + kind + "\"");

        byte[] before = Files.readAllBytes(base);
        byte[] after = Files.readAllBytes(copy);
        byte[] data = Files.readAllBytes(changed);
        boolean[] listed = new boolean[before.length];
        List<long[]> list = new ArrayList<>();
        for (String line : Files.readAllLines(ranges)) {
            String[] parts = line.split(" ");
            list.add(new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])});
        }
        long total = 0;
        long previousEnd = -1;
        ByteArrayOutputStream concatenated = new ByteArrayOutputStream();
        for (long[] r : list) {
            assertThat(r[0] % PAGE).isZero();
            assertThat(r[1] % PAGE).isZero();
            assertThat(r[0]).isGreaterThan(previousEnd); // sorted, and adjacent ranges merged
            previousEnd = r[0] + r[1];
            Arrays.fill(listed, (int) r[0], (int) (r[0] + r[1]), true);
            concatenated.write(after, (int) r[0], (int) r[1]);
            total += r[1];
        }
        long onePercent = Math.round(before.length * 0.01);
        assertThat(total).isBetween(onePercent - PAGE, onePercent + (1 << 20));
        assertThat(data).isEqualTo(concatenated.toByteArray());
        for (int i = 0; i < before.length; i++) {
            if (!listed[i] && before[i] != after[i]) {
                throw new AssertionError("byte " + i + " changed outside the listed ranges");
            }
        }
    }
}
