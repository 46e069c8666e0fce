package io.hearth.cli;

import io.hearth.engine.ProgressListener;
import java.io.PrintStream;

/**
 * A one-line progress bar (bytes, rate, ETA) on the terminal's error stream. Silent when not on a
 * terminal or when JSON output is asked for, so scripts see only their result.
 */
public final class ProgressBar implements ProgressListener, AutoCloseable {
    private static final long REDRAW_NANOS = 200_000_000L;
    private final PrintStream out;
    private final String label;
    private final boolean enabled;
    private final long started = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    public ProgressBar(String label, boolean enabled) {
        this.out = System.err;
        this.label = label;
        // Since JDK 22 System.console() exists with redirected output too; isTerminal() tells a terminal apart.
        this.enabled = enabled && System.console() != null && System.console().isTerminal();
    }

    @Override
    public synchronized void progress(long done, long total) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS && done < total) {
            return;
        }
        lastDraw = now;
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        double rate = done / seconds;
        int width = 30;
        int filled = total <= 0 ? width : (int) Math.min(width, width * done / total);
        String eta = rate > 0 && total > done ? formatSeconds((total - done) / rate) : "0s";
        out.print("\r" + label + " [" + "#".repeat(filled) + ".".repeat(width - filled) + "] "
                + (total <= 0 ? 100 : 100 * done / total) + "% " + Sizes.format(done) + "/" + Sizes.format(total)
                + " " + Sizes.format((long) rate) + "/s ETA " + eta + "   ");
        out.flush();
        drawn = true;
    }

    private static String formatSeconds(double seconds) {
        long s = (long) Math.ceil(seconds);
        return s >= 3600 ? (s / 3600) + "h" + (s % 3600 / 60) + "m" : s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
    }

    @Override
    public synchronized void close() {
        if (drawn) {
            out.println();
        }
    }
}
