package io.hearth.service.api.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Turns a valid request body into a near miss: a value replaced, removed, retyped or wrapped, a field added, or the
 * text itself cut, spliced or corrupted. Most requests stay close enough to valid to get past the first checks.
 */
final class JsonMutator {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonMutator() {}

    static String mutate(RandomGenerator random, JsonNode valid) {
        if (random.nextInt(5) == 0) {
            return mutateText(random, valid.toString());
        }
        JsonNode copy = valid.deepCopy();
        for (int edits = random.nextInt(1, 4); edits > 0; edits--) {
            copy = mutateTree(random, copy);
        }
        return copy.toString();
    }

    private static JsonNode mutateTree(RandomGenerator random, JsonNode root) {
        List<ContainerNode<?>> containers = new ArrayList<>();
        collect(root, containers);
        if (containers.isEmpty() || random.nextInt(20) == 0) {
            return HostileValues.value(random, 0);
        }
        ContainerNode<?> container = HostileValues.pick(random, containers);
        if (container instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            int op = names.isEmpty() ? 0 : random.nextInt(4);
            switch (op) {
                case 0 -> object.set(random.nextBoolean() ? HostileValues.pick(random, HostileValues.KEYS) : HostileValues.string(random),
                        HostileValues.value(random, 0));
                case 1 -> object.remove(HostileValues.pick(random, names));
                default -> object.set(HostileValues.pick(random, names), HostileValues.value(random, 0));
            }
        } else if (container instanceof ArrayNode array) {
            if (array.isEmpty() || random.nextBoolean()) {
                array.add(HostileValues.value(random, 0));
            } else {
                array.set(random.nextInt(array.size()), HostileValues.value(random, 0));
            }
        }
        return root;
    }

    private static void collect(JsonNode node, List<ContainerNode<?>> into) {
        if (node instanceof ContainerNode<?> container) {
            into.add(container);
            node.forEach(child -> collect(child, into));
        }
    }

    /** Byte-level damage: truncation, a dropped, doubled or foreign character, a splice of the text into itself. */
    private static String mutateText(RandomGenerator random, String text) {
        if (text.isEmpty()) {
            return HostileValues.string(random);
        }
        int at = random.nextInt(text.length());
        return switch (random.nextInt(6)) {
            case 0 -> text.substring(0, at);
            case 1 -> text.substring(0, at) + text.substring(at + 1);
            case 2 -> text.substring(0, at) + HostileValues.randomText(random, 1) + text.substring(at);
            case 3 -> text.substring(0, at) + text.substring(random.nextInt(text.length()));
            case 4 -> text.substring(0, at) + "{\"a\":".repeat(random.nextInt(1, 3000)) + text.substring(at);
            default -> text + text;
        };
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
