package io.hearth.service.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.service.auth.Identity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingPolicyTest {
    private static final Identity AUDITOR = new Identity("u", "p", "default", Set.of("auditor"));

    private static boolean auditorReads(Policy policy) {
        return policy.allows(CinderPolicies.BACKUP_GET, policy.context(AUDITOR), "p");
    }

    /** Writes the file and moves its modification time on, as an edit a second later would. */
    private static void edit(Path file, String text) throws IOException {
        FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 1000));
    }

    @Test
    void aChangedFileIsReadAgainAndABrokenOneKeepsTheRulesInForce(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("policy.yaml"), "\"backup:get\": \"role:auditor\"\n");
        ReloadingPolicy policy = ReloadingPolicy.load(file);
        assertThat(auditorReads(policy.get())).isTrue();
        Policy loaded = policy.get();
        assertThat(policy.get()).as("an unchanged file is not read again").isSameAs(loaded);

        edit(file, "\"backup:get\": \"role:nobody\"\n");
        assertThat(auditorReads(policy.get())).isFalse();

        edit(file, "\"backup:get\": \"role:auditor and\"\n");
        Policy kept = policy.get();
        assertThat(auditorReads(kept)).as("a malformed rule is ignored").isFalse();
        edit(file, "[\"not\", \"a\", \"mapping\"]\n");
        assertThat(policy.get()).isSameAs(kept);
        edit(file, "\"backup:get\": \"rule:undefined\"\n");
        assertThat(policy.get()).isSameAs(kept);

        Files.delete(file);
        assertThat(policy.get()).as("a deleted file keeps the rules").isSameAs(kept);
        Files.writeString(file, "\"backup:get\": \"role:auditor\"\n");
        assertThat(auditorReads(policy.get())).as("a file that comes back is read").isTrue();
    }

    @Test
    void aFileThatCannotBeUsedAtTheStartStopsIt(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("policy.yaml"), "\"backup:get\": \"role:\"\n");
        assertThatThrownBy(() -> ReloadingPolicy.load(file)).isInstanceOf(PolicyException.class).hasMessageContaining("policy.yaml");
        assertThatThrownBy(() -> ReloadingPolicy.load(dir.resolve("absent.yaml"))).isInstanceOf(PolicyException.class)
                .hasMessageContaining("absent.yaml");
    }
}
