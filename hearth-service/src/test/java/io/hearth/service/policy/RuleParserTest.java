package io.hearth.service.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RuleParserTest {
    @Test
    void readsOsloPolicyChecksWithTheirPrecedence() {
        assertThat(RuleParser.parse("")).isEqualTo(new Rule.Constant(true));
        assertThat(RuleParser.parse("  ")).isEqualTo(new Rule.Constant(true));
        assertThat(RuleParser.parse("@")).isEqualTo(new Rule.Constant(true));
        assertThat(RuleParser.parse("!")).isEqualTo(new Rule.Constant(false));
        assertThat(RuleParser.parse("role:Admin")).isEqualTo(new Rule.HasRole("admin"));
        assertThat(RuleParser.parse("rule:admin_api")).isEqualTo(new Rule.RuleRef("admin_api"));
        assertThat(RuleParser.parse("project_id:%(project_id)s")).isEqualTo(new Rule.Matches("project_id", "%(project_id)s"));
        assertThat(RuleParser.parse("role:a or role:b and not role:c")).isEqualTo(new Rule.Or(List.of(new Rule.HasRole("a"),
                new Rule.And(List.of(new Rule.HasRole("b"), new Rule.Not(new Rule.HasRole("c")))))));
        assertThat(RuleParser.parse("(role:a or role:b) and role:c")).isEqualTo(new Rule.And(List.of(
                new Rule.Or(List.of(new Rule.HasRole("a"), new Rule.HasRole("b"))), new Rule.HasRole("c"))));
        // %(…)s keeps its parentheses even inside a group.
        assertThat(RuleParser.parse("(role:member and project_id:%(project_id)s)")).isEqualTo(new Rule.And(List.of(
                new Rule.HasRole("member"), new Rule.Matches("project_id", "%(project_id)s"))));
        assertThat(RuleParser.parse("not not @")).isEqualTo(new Rule.Not(new Rule.Not(new Rule.Constant(true))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"role:", ":x", "admin", "role:a or", "and role:a", "(role:a", "role:a)", "()", "not", "role:a role:b",
            "role:a or or role:b", "((role:a)", ")(", "rule:x and (", "%(x)s"})
    void refusesMalformedChecksSayingWhy(String check) {
        assertThatThrownBy(() -> RuleParser.parse(check)).isInstanceOf(PolicyException.class)
                .hasMessageStartingWith("Policy rule \"" + check + "\" is malformed: ");
    }

    static Stream<String> garbage() {
        Random random = new Random(20261124L);
        String[] pieces = {"role:", "rule:", "a", "b:c", "(", ")", " ", "or", "and", "not", "@", "!", "%(", ")s", ":", "\t", "é", "\u0000"};
        return IntStream.range(0, 500).mapToObj(i -> {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(12);
            for (int j = 0; j < length; j++) {
                text.append(pieces[random.nextInt(pieces.length)]).append(random.nextBoolean() ? " " : "");
            }
            return text.toString();
        });
    }

    @ParameterizedTest
    @MethodSource("garbage")
    void anyTextEitherParsesOrIsRefusedNeverAnythingElse(String check) {
        try {
            Rule rule = RuleParser.parse(check);
            assertThat(rule).isNotNull();
        } catch (PolicyException e) {
            assertThat(e.getMessage()).contains("is malformed");
        }
    }
}
