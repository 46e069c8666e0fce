package io.hearth.service.auth;

import java.util.Optional;

/** Turns a request's token into an {@link Identity}; one implementation per {@code auth_strategy}. */
public interface Authenticator {
    /**
     * @param token the X-Auth-Token header, if any
     * @param urlProjectId the project id in the URL, if the path has one
     * @throws io.hearth.service.error.ServiceException UNAUTHORIZED when the token is missing or invalid
     */
    Identity authenticate(Optional<String> token, Optional<String> urlProjectId);

    /** The {@code WWW-Authenticate} value sent with a 401: where to get a token. */
    default Optional<String> challenge() {
        return Optional.empty();
    }
}
