package io.hearth.service.api.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What an attacker or a broken client sends: strings that traverse paths, inject headers, hold NUL or odd Unicode, are
 * too long or look like numbers; numbers at the edges of every integer type; values of the wrong type. Every choice
 * comes from the caller's generator, so a seed replays a run. No word here is a status the service moves through, so a
 * fuzzed reset_status cannot park a record in a transitional status on purpose.
 */
final class HostileValues {
    static final List<String> STRINGS = List.of("", " ", "a", "available", "error", "../../../../etc/passwd", "..", "../", "..\\..\\x",
            "%2e%2e%2f%2e%2e%2f", "..%2f..%2f", "%00", "\u0000", "a\u0000b", "x\r\nX-Injected: 1", "\r\n\r\nHTTP/1.1 200 OK", "\n", "\t",
            "\u202e\u0301", "\uD83D\uDE00", "\uFFFF", "\uD800", "' OR '1'='1", "\"; DROP TABLE volumes; --", "${jndi:ldap://x/a}",
            "<script>alert(1)</script>", "%s%s%n", "{}", "[]", "null", "true", "1", "-1", "1e999", "0x10", "3.71", "volume 3.71",
            "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "not-a-uuid", "admin:demo",
            "nbd://127.0.0.1:1/x", "file:///etc/passwd", "s3://bucket/../x");
    static final List<String> KEYS = List.of("volume", "backup", "restore", "attachment", "snapshot", "name", "description", "size",
            "volume_id", "volume_uuid", "container", "incremental", "force", "metadata", "status", "os-reset_status", "os-force_delete",
            "os-extend", "new_size", "os-complete", "connector", "host", "backup-record", "backup_service", "backup_url", "mode",
            "availability_zone", "snapshot_id", "", "__proto__", "../x", "a\u0000b");

    private HostileValues() {}

    static <T> T pick(RandomGenerator random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** A hostile string: from the list, random characters of any plane, or very long. */
    static String string(RandomGenerator random) {
        return switch (random.nextInt(8)) {
            case 0 -> randomText(random, random.nextInt(1, 40));
            case 1 -> "x".repeat(random.nextBoolean() ? 256 : random.nextInt(300, 70_000));
            case 2 -> pick(random, STRINGS) + pick(random, STRINGS);
            default -> pick(random, STRINGS);
        };
    }

    static String randomText(RandomGenerator random, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(4);
            text.appendCodePoint(switch (kind) {
                case 0 -> random.nextInt(0, 32);
                case 1 -> random.nextInt(32, 127);
                case 2 -> random.nextInt(0x80, 0xD800);
                default -> random.nextInt(0xE000, 0x10FFFF);
            });
        }
        return text.toString();
    }

    /** A JSON value of any type, numbers at the edges of int, long and double included. */
    static JsonNode value(RandomGenerator random, int depth) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return switch (random.nextInt(depth > 3 ? 9 : 11)) {
            case 0 -> json.nullNode();
            case 1 -> json.booleanNode(random.nextBoolean());
            case 2 -> json.numberNode(pick(random, List.of(0, -1, 1, 2, Integer.MAX_VALUE, Integer.MIN_VALUE)));
            case 3 -> json.numberNode(pick(random, List.of(Long.MAX_VALUE, Long.MIN_VALUE, 1L << 31, 1L << 40)));
            case 4 -> json.numberNode(new BigInteger("9".repeat(random.nextInt(20, 400))));
            case 5 -> json.numberNode(pick(random, List.of(1.5, -0.0, 1e308, Double.MIN_VALUE, 2.0)));
            case 6, 7, 8 -> json.textNode(string(random));
            case 9 -> {
                ArrayNode array = json.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(value(random, depth + 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = json.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.set(random.nextBoolean() ? pick(random, KEYS) : string(random), value(random, depth + 1));
                }
                yield object;
            }
        };
    }
}
