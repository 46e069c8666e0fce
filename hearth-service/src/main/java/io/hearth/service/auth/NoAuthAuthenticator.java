package io.hearth.service.auth;

import io.hearth.service.error.ErrorKind;
import io.hearth.service.error.ServiceException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Cinder's noauth: the token is {@code user:project}, or any token with the project taken from the URL
 * (what {@code openstack --os-auth-type none} sends), and the caller is admin. Hearth adds {@code user:project:ROLE}
 * ({@code member}, {@code reader}, {@code admin} or any other role name) so project isolation and the policy can be
 * exercised without Keystone. Roles imply the lesser ones as Keystone's bootstrap sets them up: admin, member, reader.
 */
public final class NoAuthAuthenticator implements Authenticator {
    private static final String DOMAIN = "default";
    private static final List<String> IMPLIED = List.of("admin", "member", "reader");

    @Override
    public Identity authenticate(Optional<String> token, Optional<String> urlProjectId) {
        String value = token.map(String::strip).filter(t -> !t.isEmpty())
                .orElseThrow(() -> new ServiceException(ErrorKind.UNAUTHORIZED,
                        "The request you have made requires authentication: send X-Auth-Token (noauth: user:project)."));
        String[] parts = value.split(":", -1);
        if (parts.length >= 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
            String role = parts.length >= 3 ? parts[2].toLowerCase(Locale.ROOT) : "admin";
            return new Identity(parts[0], parts[1], DOMAIN, withImplied(role));
        }
        String project = urlProjectId.orElseThrow(() -> new ServiceException(ErrorKind.UNAUTHORIZED,
                "noauth needs a token of the form user:project when the URL has no project id."));
        return new Identity(value, project, DOMAIN, withImplied("admin"));
    }

    private static Set<String> withImplied(String role) {
        int rank = IMPLIED.indexOf(role);
        return rank < 0 ? Set.of(role) : Set.copyOf(IMPLIED.subList(rank, IMPLIED.size()));
    }
}
