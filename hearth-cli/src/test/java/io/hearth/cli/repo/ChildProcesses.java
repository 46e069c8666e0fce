package io.hearth.cli.repo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Waiting on child {@code hearth} processes: for them to take a lock, to end, or to be killed. */
final class ChildProcesses {
    static final Duration DEADLINE = Duration.ofSeconds(90);

    private ChildProcesses() {}

    /** Names of the lock objects now in the repository; a lock still being written (under a temporary name) is not one yet. */
    static Set<String> locks(Path repo) {
        Path locks = repo.resolve("locks");
        if (!Files.isDirectory(locks)) {
            return Set.of();
        }
        try (Stream<Path> listing = Files.list(locks)) {
            return Set.copyOf(listing.filter(p -> !isTemporary(p)).map(p -> p.getFileName().toString()).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until a lock not in {@code before} appears (the child has started its work) or the child ends. */
    static void awaitNewLockOrExit(Process process, Path repo, Set<String> before) throws InterruptedException {
        awaitOrExit(process, () -> !before.containsAll(locks(repo)), "took no lock");
    }

    /** Waits until a pack is in place under {@code packs/} (the child is half-way through a backup) or the child ends. */
    static void awaitPackOrExit(Process process, Path repo) throws InterruptedException {
        awaitOrExit(process, () -> hasPack(repo), "wrote no pack");
    }

    private static void awaitOrExit(Process process, BooleanSupplier done, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (process.isAlive() && !done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("child " + failure + " within " + DEADLINE);
            }
            process.waitFor(5, TimeUnit.MILLISECONDS);
        }
    }

    private static boolean hasPack(Path repo) {
        try {
            return !RepoFiles.packs(repo).isEmpty();
        } catch (UncheckedIOException e) {
            return false; // a temporary file renamed under the walk: look again
        }
    }

    /** Waits for the child to end; fails (killing it) if it does not within the deadline. */
    static int awaitExit(Process process) throws InterruptedException {
        if (!process.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("child did not end within " + DEADLINE);
        }
        return process.exitValue();
    }

    /**
     * Lets the child run for {@code millis} (less if it ends), then SIGKILLs it.
     *
     * @return true if it was killed, false if it had ended on its own
     */
    static boolean killAfter(Process process, long millis) throws InterruptedException {
        if (process.waitFor(millis, TimeUnit.MILLISECONDS)) {
            return false;
        }
        process.destroyForcibly();
        process.waitFor();
        return true;
    }

    static String log(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    static List<Path> strayTemporaryFiles(Path repo) {
        return RepoFiles.files(repo).stream().filter(ChildProcesses::isTemporary).toList();
    }

    /** A file whose name starts with a dot: how the engine names objects being written. */
    static boolean isTemporary(Path file) {
        return file.getFileName().toString().startsWith(".");
    }
}
