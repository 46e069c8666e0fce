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
    private static final int MAX_ID = 255;
    private static final List<String> IMPLIED = List.of("admin", "member", "reader");

    @Override
    public Identity authenticate(Optional<String> token, Optional<String> urlProjectId) {
        String value = token.map(String::strip).filter(t -> !t.isEmpty())
                .orElseThrow(() -> new ServiceException(ErrorKind.UNAUTHORIZED,
                        "The request you have made requires authentication: send X-Auth-Token (noauth: user:project)."));
        String[] parts = value.split(":", -1);
        if (parts.length >= 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
            String role = parts.length >= 3 ? parts[2].toLowerCase(Locale.ROOT) : "admin";
            return new Identity(id(parts[0], "user"), id(parts[1], "project"), DOMAIN, withImplied(role));
        }
        String project = urlProjectId.orElseThrow(() -> new ServiceException(ErrorKind.UNAUTHORIZED,
                "noauth needs a token of the form user:project when the URL has no project id."));
        return new Identity(id(value, "user"), id(project, "project"), DOMAIN, withImplied("admin"));
    }

    /** Ids are stored in 255-character columns, as cinder's; Keystone's are far shorter. */
    private static String id(String value, String what) {
        if (value.length() > MAX_ID) {
            throw new ServiceException(ErrorKind.UNAUTHORIZED, "The " + what + " id of the token (noauth: user:project) is longer than "
                    + MAX_ID + " characters.");
        }
        return value;
    }

    private static Set<String> withImplied(String role) {
        int rank = IMPLIED.indexOf(role);
        return rank < 0 ? Set.of(role) : Set.copyOf(IMPLIED.subList(rank, IMPLIED.size()));
    }
}
