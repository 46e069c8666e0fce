package io.hearth.service.auth;

import io.hearth.service.error.ErrorKind;
import io.hearth.service.error.ServiceException;
import java.util.Optional;

/**
 * Cinder's noauth: the token is {@code user:project}, or any token with the project taken from the URL
 * (what {@code openstack --os-auth-type none} sends), and the caller is admin. Hearth adds
 * {@code user:project:member} for a non-admin caller, so project isolation can be exercised without Keystone.
 */
public final class NoAuthAuthenticator implements Authenticator {
    @Override
    public RequestContext authenticate(Optional<String> token, Optional<String> urlProjectId) {
        String value = token.map(String::strip).filter(t -> !t.isEmpty())
                .orElseThrow(() -> new ServiceException(ErrorKind.UNAUTHORIZED,
                        "The request you have made requires authentication: send X-Auth-Token (noauth: user:project)."));
        String[] parts = value.split(":", -1);
        if (parts.length >= 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
            boolean admin = !(parts.length == 3 && parts[2].equals("member"));
            return new RequestContext(parts[0], parts[1], admin);
        }
        String project = urlProjectId.orElseThrow(() -> new ServiceException(ErrorKind.UNAUTHORIZED,
                "noauth needs a token of the form user:project when the URL has no project id."));
        return new RequestContext(value, project, true);
    }
}
