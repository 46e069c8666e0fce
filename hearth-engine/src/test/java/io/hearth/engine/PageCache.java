package io.hearth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** How much of a file sits in the page cache, as util-linux's {@code fincore} reports it. */
public final class PageCache {
    private PageCache() {}

    public static long residentBytes(Path file) throws IOException, InterruptedException {
        Process fincore = new ProcessBuilder("fincore", "--bytes", "--noheadings", "--raw", "--output", "RES", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(fincore.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(fincore.waitFor()).as("fincore: %s", out).isZero();
        return Long.parseLong(out);
    }
}
