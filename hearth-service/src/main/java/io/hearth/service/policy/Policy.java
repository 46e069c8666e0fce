package io.hearth.service.policy;

import io.hearth.service.auth.Identity;
import io.hearth.service.auth.RequestContext;
import io.hearth.service.error.ServiceException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Cinder's policy enforcer: named rules (cinder's defaults, overridden rule by rule from the {@code [oslo_policy]
 * policy_file}) decide whether a caller may perform an action on a target.
 */
public final class Policy {
    private final Map<String, Rule> rules;

    private Policy(Map<String, Rule> rules) {
        this.rules = Map.copyOf(rules);
    }

    /** Cinder's defaults with {@code overrides} (rule name to check string) applied on top. */
    public static Policy of(Map<String, String> overrides) {
        Map<String, String> checks = new LinkedHashMap<>(CinderPolicies.defaults());
        checks.putAll(overrides);
        Map<String, Rule> parsed = new HashMap<>();
        checks.forEach((name, check) -> {
            try {
                parsed.put(name, RuleParser.parse(check));
            } catch (PolicyException e) {
                throw new PolicyException("Policy " + name + ": " + e.getMessage(), e);
            }
        });
        for (String name : parsed.keySet()) {
            requireResolvable(name, parsed.get(name), parsed, new HashSet<>(Set.of(name)));
        }
        return new Policy(parsed);
    }

    public static Policy defaults() {
        return of(Map.of());
    }

    /** The request context of an identity: whether it is admin is the {@code context_is_admin} rule's to say. */
    public RequestContext context(Identity identity, String requestId) {
        Map<String, String> credentials = credentials(identity, false);
        return new RequestContext(identity, rules.get(CinderPolicies.CONTEXT_IS_ADMIN).allows(credentials, identity.roles(),
                Map.of(), rules::get), requestId);
    }

    /** The context of a request that has no id of its own yet. */
    public RequestContext context(Identity identity) {
        return context(identity, RequestContext.newRequestId());
    }

    /**
     * @param targetProjectId the project owning what is acted on (the caller's own when creating)
     * @throws ServiceException FORBIDDEN with cinder's message when the rule does not allow it
     */
    public void enforce(String action, RequestContext context, String targetProjectId) {
        if (!allows(action, context, targetProjectId)) {
            throw ServiceException.forbidden("Policy doesn't allow " + action + " to be performed.");
        }
    }

    public boolean allows(String action, RequestContext context, String targetProjectId) {
        Rule rule = rules.get(action);
        if (rule == null) {
            throw new IllegalArgumentException("no policy rule named " + action);
        }
        Identity identity = context.identity();
        Map<String, String> target = Map.of("project_id", targetProjectId, "domain_id", identity.projectDomainId(),
                "user_id", identity.userId());
        return rule.allows(credentials(identity, context.admin()), identity.roles(), target, rules::get);
    }

    /** oslo.policy's credentials, the left side of {@code KEY:VALUE} checks. */
    private static Map<String, String> credentials(Identity identity, boolean admin) {
        // is_admin_project is Keystone's token flag; without an admin project configured every project is one.
        return Map.of("user_id", identity.userId(), "project_id", identity.projectId(), "project_domain_id", identity.projectDomainId(),
                "is_admin", admin ? "True" : "False", "is_admin_project", "True");
    }

    /** Refuses {@code rule:NAME} naming no rule, and rules that refer back to themselves. */
    private static void requireResolvable(String origin, Rule rule, Map<String, Rule> rules, Set<String> path) {
        switch (rule) {
            case Rule.RuleRef ref -> {
                Rule target = rules.get(ref.name());
                if (target == null) {
                    throw new PolicyException("Policy " + origin + " refers to rule:" + ref.name() + ", which is not defined.");
                }
                if (!path.add(ref.name())) {
                    throw new PolicyException("Policy " + origin + " refers to itself through rule:" + ref.name() + ".");
                }
                requireResolvable(origin, target, rules, path);
                path.remove(ref.name());
            }
            case Rule.Not not -> requireResolvable(origin, not.rule(), rules, path);
            case Rule.And and -> and.rules().forEach(r -> requireResolvable(origin, r, rules, path));
            case Rule.Or or -> or.rules().forEach(r -> requireResolvable(origin, r, rules, path));
            case Rule.Constant c -> { }
            case Rule.HasRole r -> { }
            case Rule.Matches m -> { }
        }
    }
}
