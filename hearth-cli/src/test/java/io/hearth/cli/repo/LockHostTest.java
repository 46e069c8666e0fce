package io.hearth.cli.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lock names the host of its holder as the kernel does, also where that name does not resolve: asked of the resolver,
 * such a host was "unknown", like every other host without a resolvable name, and a lock's liveness check trusts the
 * process id of a lock taken on its own host.
 */
class LockHostTest {
    private static final String HOST = "hearth-lock-test-host-that-does-not-resolve";

    @TempDir
    Path dir;

    @Test
    void aLockNamesItsHostEvenWhereTheNameDoesNotResolve() throws Exception {
        assumeTrue(canChangeHostName(), "needs a UTS namespace of its own (unshare --uts, as root)");
        RepoCli cli = new RepoCli(dir.resolve("repo"), dir.resolve("cache"));
        cli.ok("init", RepoCommandsTest.SMALL_REPO);
        Path source = Images.mixed(dir.resolve("image"), 32L << 20, 7);
        Set<String> before = ChildProcesses.locks(cli.repo);
        Path log = dir.resolve("backup.log");
        // The child runs in a namespace of its own whose host name is HOST.
        List<String> onHost = List.of("unshare", "--uts", "sh", "-c", "hostname " + HOST + " && exec \"$@\"", "sh");
        Process process = cli.start(onHost, log, "backup", "--source", source.toString());
        try {
            ChildProcesses.awaitNewLockOrExit(process, cli.repo, before);
            Set<String> taken = new HashSet<>(ChildProcesses.locks(cli.repo));
            taken.removeAll(before);
            assertThat(taken).as("the backup's lock\n" + ChildProcesses.log(log)).hasSize(1);
            JsonNode lock = new ObjectMapper().readTree(cli.repo.resolve("locks").resolve(taken.iterator().next()).toFile());
            assertThat(lock.get("host").asText()).isEqualTo(HOST);
        } finally {
            process.destroyForcibly().waitFor();
        }
    }

    private static boolean canChangeHostName() throws InterruptedException {
        try {
            return new ProcessBuilder("unshare", "--uts", "hostname", HOST).start().waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
