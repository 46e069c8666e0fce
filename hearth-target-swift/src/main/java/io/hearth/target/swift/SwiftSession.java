package io.hearth.target.swift;

import static java.util.Objects.requireNonNull;

import java.net.URI;

/**
 * What authentication gives: the account's storage URL ({@code …/v1/AUTH_account}) and the token for it.
 *
 * @param storageUrl the account URL, without a trailing slash
 * @param token the value of {@code X-Auth-Token}
 */
record SwiftSession(URI storageUrl, String token) {
    SwiftSession {
        requireNonNull(storageUrl, "storageUrl is null");
        requireNonNull(token, "token is null");
    }

    @Override
    public String toString() {
        // Never print the token.
        return "SwiftSession[" + storageUrl + "]";
    }
}
