package io.hearth.target.swift;

import java.io.IOException;
import java.net.http.HttpClient;

/** One way to obtain a {@link SwiftSession}; asked again whenever Swift answers 401 (the token expired). */
interface SwiftAuth {
    SwiftSession authenticate(HttpClient http) throws IOException;

    /** The user and endpoint, for messages (never the key). */
    String describe();
}
