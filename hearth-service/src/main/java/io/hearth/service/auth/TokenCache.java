package io.hearth.service.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Validated tokens, by their SHA-256 (the tokens themselves are not kept), each until the earlier of its expiry and
 * the cache time; the least recently used go first once {@code capacity} are held.
 */
final class TokenCache {
    private record Cached(Identity identity, Instant until) {}

    private final Clock clock;
    private final Map<String, Cached> entries;

    TokenCache(Clock clock, int capacity) {
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized Optional<Identity> get(String token) {
        String key = key(token);
        Cached entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.until())) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(entry.identity());
    }

    synchronized void put(String token, Identity identity, Instant until) {
        entries.put(key(token), new Cached(identity, until));
    }

    private static String key(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
