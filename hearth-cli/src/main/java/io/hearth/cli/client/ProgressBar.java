package io.hearth.cli.client;

import java.io.PrintStream;

/** A one-line progress bar on stderr, drawn only when a person is watching (a terminal). */
public final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean enabled;
    private final String label;
    private boolean drawn;

    public ProgressBar(String label, boolean enabled) {
        this.out = System.err;
        this.enabled = enabled && System.console() != null;
        this.label = label;
    }

    public void update(long done, long total) {
        if (!enabled) {
            return;
        }
        int percent = total <= 0 ? 0 : (int) Math.min(100, done * 100 / total);
        int filled = percent * WIDTH / 100;
        out.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + percent + "% "
                + (done >> 20) + "/" + (total >> 20) + " MiB");
        out.flush();
        drawn = true;
    }

    public void finish() {
        if (drawn) {
            out.println();
        }
    }
}
