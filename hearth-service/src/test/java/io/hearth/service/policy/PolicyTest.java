package io.hearth.service.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.service.auth.Identity;
import io.hearth.service.auth.RequestContext;
import io.hearth.service.error.ErrorKind;
import io.hearth.service.error.ServiceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyTest {
    private final Policy defaults = Policy.defaults();

    private RequestContext caller(String project, String... roles) {
        return defaults.context(new Identity("u", project, "default", Set.of(roles)));
    }

    @Test
    void contextIsAdminDecidesWhoSeesEveryProject() {
        assertThat(caller("p", "admin", "member", "reader").admin()).isTrue();
        assertThat(caller("p", "member", "reader").admin()).isFalse();
        assertThat(caller("p", "reader").admin()).isFalse();
        assertThat(Policy.of(Map.of("context_is_admin", "role:cloud_admin")).context(new Identity("u", "p", "default", Set.of("cloud_admin")))
                .admin()).isTrue();
    }

    @Test
    void defaultsLetReadersReadMembersWriteAndAdminsDoAdminActionsAnywhere() {
        RequestContext admin = caller("ops", "admin", "member", "reader");
        RequestContext member = caller("demo", "member", "reader");
        RequestContext reader = caller("demo", "reader");
        assertThat(defaults.allows(CinderPolicies.BACKUP_GET, reader, "demo")).isTrue();
        assertThat(defaults.allows(CinderPolicies.BACKUP_GET, reader, "other")).isFalse();
        assertThat(defaults.allows(CinderPolicies.BACKUP_CREATE, reader, "demo")).isFalse();
        assertThat(defaults.allows(CinderPolicies.BACKUP_CREATE, member, "demo")).isTrue();
        assertThat(defaults.allows(CinderPolicies.BACKUP_CREATE, member, "other")).isFalse();
        assertThat(defaults.allows(CinderPolicies.BACKUP_CREATE, admin, "demo")).isTrue();
        assertThat(defaults.allows(CinderPolicies.BACKUP_RESET_STATUS, member, "demo")).isFalse();
        assertThat(defaults.allows(CinderPolicies.BACKUP_RESET_STATUS, admin, "demo")).isTrue();
        assertThatThrownBy(() -> defaults.enforce(CinderPolicies.BACKUP_EXPORT, member, "demo"))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FORBIDDEN))
                .hasMessage("Policy doesn't allow backup:export-import to be performed.");
        assertThatThrownBy(() -> defaults.allows("no:such", admin, "demo")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void overridesReplaceRulesByNameAndMayUseEveryCheck() {
        Policy policy = Policy.of(Map.of("backup:delete", "not role:reader or (is_admin:True and user_id:%(user_id)s)",
                "backup:create", "project_domain_id:default and role:member"));
        assertThat(policy.allows("backup:delete", policy.context(new Identity("u", "p", "default", Set.of("reader"))), "p")).isFalse();
        assertThat(policy.allows("backup:delete", policy.context(new Identity("u", "p", "default", Set.of("member"))), "p")).isTrue();
        assertThat(policy.allows("backup:delete", policy.context(new Identity("u", "p", "default", Set.of("admin", "reader"))), "p")).isTrue();
        assertThat(policy.allows("backup:create", policy.context(new Identity("u", "p", "elsewhere", Set.of("member"))), "p")).isFalse();
        assertThat(policy.allows("backup:create", policy.context(new Identity("u", "p", "default", Set.of("member"))), "q")).isTrue();
    }

    @Test
    void refusesRulesThatNameNoRuleOrThemselves() {
        assertThatThrownBy(() -> Policy.of(Map.of("backup:get", "rule:nope"))).isInstanceOf(PolicyException.class)
                .hasMessage("Policy backup:get refers to rule:nope, which is not defined.");
        assertThatThrownBy(() -> Policy.of(Map.of("a", "rule:b", "b", "role:x or rule:a"))).isInstanceOf(PolicyException.class)
                .hasMessageContaining("refers to itself");
        assertThatThrownBy(() -> Policy.of(Map.of("backup:get", "role:a and"))).isInstanceOf(PolicyException.class)
                .hasMessageStartingWith("Policy backup:get: Policy rule \"role:a and\" is malformed");
    }

    @Test
    void readsYamlAndJsonFilesAndRefusesBadOnes(@TempDir Path dir) throws IOException {
        Path yaml = Files.writeString(dir.resolve("policy.yaml"), "\"backup:get\": \"role:auditor\"\n");
        Path json = Files.writeString(dir.resolve("policy.json"), "{\"backup:get\": \"role:auditor\"}");
        for (Path file : new Path[] {yaml, json}) {
            Policy policy = PolicyFile.load(file);
            assertThat(policy.allows("backup:get", policy.context(new Identity("u", "p", "default", Set.of("auditor"))), "x")).isTrue();
            assertThat(policy.allows("backup:create", policy.context(new Identity("u", "p", "default", Set.of("auditor"))), "p")).isFalse();
        }
        for (String nothing : new String[] {"", "# \"backup:get\": \"!\"\n"}) {
            Path empty = Files.writeString(dir.resolve("empty.yaml"), nothing);
            assertThat(PolicyFile.load(empty).allows("backup:get", caller("p", "reader"), "p")).isTrue();
        }
        Path list = Files.writeString(dir.resolve("list.yaml"), "- a\n- b\n");
        assertThatThrownBy(() -> PolicyFile.load(list)).isInstanceOf(PolicyException.class).hasMessageContaining("list.yaml");
        Path nested = Files.writeString(dir.resolve("nested.yaml"), "\"backup:get\": {\"a\": 1}\n");
        assertThatThrownBy(() -> PolicyFile.load(nested)).isInstanceOf(PolicyException.class)
                .hasMessageContaining("rule backup:get must be a string");
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"backup:get\": ");
        assertThatThrownBy(() -> PolicyFile.load(broken)).isInstanceOf(PolicyException.class).hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> PolicyFile.load(dir.resolve("absent.yaml"))).isInstanceOf(PolicyException.class)
                .hasMessageContaining("absent.yaml");
    }
}
