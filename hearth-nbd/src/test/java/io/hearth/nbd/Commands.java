package io.hearth.nbd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real NBD tools of the interop tests (qemu-utils, libnbd-bin) and captures what they say. */
final class Commands {
    private Commands() {}

    record Result(int exitCode, String output) {
        Result ok() {
            if (exitCode != 0) {
                throw new AssertionError("exit " + exitCode + ": " + output);
            }
            return this;
        }
    }

    static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
