package io.hearth.service.auth;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * Who a token says the caller is: the user, the project the token is scoped to, that project's domain and the roles
 * the caller has there (implied roles included, as Keystone lists them).
 */
public record Identity(String userId, String projectId, String projectDomainId, Set<String> roles) {
    public Identity {
        requireNonNull(userId, "userId is null");
        requireNonNull(projectId, "projectId is null");
        requireNonNull(projectDomainId, "projectDomainId is null");
        roles = Set.copyOf(roles);
    }
}
