package io.hearth.service.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenCacheTest {
    /** A clock the test moves. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-11-24T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final Identity alice = new Identity("alice", "demo", "default", Set.of("member"));

    @Test
    void aTokenIsTrustedUntilItsTimeAndNotAfter() {
        ManualClock clock = new ManualClock();
        TokenCache cache = new TokenCache(clock, 10);
        cache.put("t1", alice, clock.instant().plus(Duration.ofSeconds(300)));
        assertThat(cache.get("t1")).contains(alice);
        assertThat(cache.get("t2")).isEmpty();
        clock.now = clock.now.plusSeconds(299);
        assertThat(cache.get("t1")).contains(alice);
        clock.now = clock.now.plusSeconds(1);
        assertThat(cache.get("t1")).isEmpty();
    }

    @Test
    void holdsAtMostItsCapacityDroppingTheLeastRecentlyUsed() {
        ManualClock clock = new ManualClock();
        TokenCache cache = new TokenCache(clock, 2);
        Instant later = clock.instant().plusSeconds(60);
        cache.put("a", alice, later);
        cache.put("b", alice, later);
        assertThat(cache.get("a")).isPresent();
        cache.put("c", alice, later);
        assertThat(cache.get("a")).isPresent();
        assertThat(cache.get("b")).isEmpty();
        assertThat(cache.get("c")).isPresent();
    }
}
