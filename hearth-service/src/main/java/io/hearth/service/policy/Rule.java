package io.hearth.service.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** One parsed oslo.policy check string. */
public sealed interface Rule {
    /**
     * @param credentials the caller: {@code user_id}, {@code project_id}, {@code is_admin}, …
     * @param roles the caller's roles, lower case
     * @param target the object acted on: {@code project_id}, …
     * @param rules the named rules, for {@code rule:NAME}
     */
    boolean allows(Map<String, String> credentials, Set<String> roles, Map<String, String> target, Function<String, Rule> rules);

    /** {@code ""} and {@code "@"} (always) or {@code "!"} (never). */
    record Constant(boolean value) implements Rule {
        @Override
        public boolean allows(Map<String, String> credentials, Set<String> roles, Map<String, String> target, Function<String, Rule> rules) {
            return value;
        }
    }

    /** {@code role:NAME}, compared without case as oslo.policy does. */
    record HasRole(String role) implements Rule {
        @Override
        public boolean allows(Map<String, String> credentials, Set<String> roles, Map<String, String> target, Function<String, Rule> rules) {
            return roles.contains(role);
        }
    }

    /** {@code rule:NAME}: another named rule. */
    record RuleRef(String name) implements Rule {
        @Override
        public boolean allows(Map<String, String> credentials, Set<String> roles, Map<String, String> target, Function<String, Rule> rules) {
            return rules.apply(name).allows(credentials, roles, target, rules);
        }
    }

    /**
     * {@code KEY:VALUE}: the caller's credential KEY equals VALUE, where VALUE is a literal ({@code is_admin:True}) or
     * {@code %(NAME)s}, the target's NAME ({@code project_id:%(project_id)s}); a missing target field never matches.
     */
    record Matches(String credential, String value) implements Rule {
        @Override
        public boolean allows(Map<String, String> credentials, Set<String> roles, Map<String, String> target, Function<String, Rule> rules) {
            String actual = credentials.get(credential);
            if (actual == null) {
                return false;
            }
            if (value.startsWith("%(") && value.endsWith(")s")) {
                return actual.equals(target.get(value.substring(2, value.length() - 2)));
            }
            return actual.equals(value);
        }
    }

    record Not(Rule rule) implements Rule {
        @Override
        public boolean allows(Map<String, String> credentials, Set<String> roles, Map<String, String> target, Function<String, Rule> rules) {
            return !rule.allows(credentials, roles, target, rules);
        }
    }

    record And(List<Rule> rules) implements Rule {
        @Override
        public boolean allows(Map<String, String> credentials, Set<String> roles, Map<String, String> target, Function<String, Rule> named) {
            return rules.stream().allMatch(r -> r.allows(credentials, roles, target, named));
        }
    }

    record Or(List<Rule> rules) implements Rule {
        @Override
        public boolean allows(Map<String, String> credentials, Set<String> roles, Map<String, String> target, Function<String, Rule> named) {
            return rules.stream().anyMatch(r -> r.allows(credentials, roles, target, named));
        }
    }
}
