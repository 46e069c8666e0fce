package io.hearth.service.api;

import io.hearth.service.error.ServiceException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Cinder's list query: limit, marker, offset, sort (or sort_key/sort_dir), with_count, all_tenants and filters.
 * Applied to a project's rows in memory: rows are few per project, and one code path serves every resource.
 */
public record ListParams(Optional<Integer> limit, Optional<String> marker, int offset, List<SortKey> sort, boolean withCount,
        boolean allTenants, Map<String, String> filters) {

    public record SortKey(String key, boolean ascending) {}

    /** The rows of one page, and the total before the page was cut. */
    public record Page<T>(List<T> items, int total, boolean more) {}

    private static final Set<String> RESERVED = Set.of("limit", "marker", "offset", "sort", "sort_key", "sort_dir", "with_count", "all_tenants");

    public static ListParams parse(Map<String, List<String>> query, int maxLimit, ApiVersion version) {
        Optional<Integer> limit = Optional.ofNullable(first(query, "limit")).map(v -> nonNegative("limit", v)).map(v -> Math.min(v, maxLimit));
        int offset = Optional.ofNullable(first(query, "offset")).map(v -> nonNegative("offset", v)).orElse(0);
        String sort = first(query, "sort");
        String sortKey = first(query, "sort_key");
        String sortDir = first(query, "sort_dir");
        if (sort != null && (sortKey != null || sortDir != null)) {
            throw ServiceException.badRequest("The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
        }
        List<SortKey> keys = new ArrayList<>();
        if (sort != null) {
            for (String item : sort.split(",")) {
                // -1 keeps empty parts: ":" is a key "" (refused as unknown), not an empty array.
                String[] parts = item.strip().split(":", -1);
                if (parts.length > 2) {
                    throw ServiceException.badRequest("Invalid input received: sort " + item.strip() + " must be KEY or KEY:DIRECTION.");
                }
                keys.add(new SortKey(parts[0].strip(), direction(parts.length > 1 ? parts[1].strip() : "desc")));
            }
        } else if (sortKey != null) {
            keys.add(new SortKey(sortKey, direction(sortDir == null ? "desc" : sortDir)));
        }
        boolean withCount = version.atLeast(ApiVersion.SUPPORT_COUNT_INFO) && bool("with_count", first(query, "with_count"));
        boolean allTenants = bool("all_tenants", first(query, "all_tenants"));
        Map<String, String> filters = new LinkedHashMap<>();
        query.forEach((key, values) -> {
            if (!RESERVED.contains(key) && !values.isEmpty()) {
                filters.put(key, values.getLast());
            }
        });
        return new ListParams(limit, Optional.ofNullable(first(query, "marker")), offset, List.copyOf(keys), withCount, allTenants, filters);
    }

    /**
     * Sorts (default created_at desc, then id), skips past the marker and the offset, and cuts to the limit.
     *
     * @param sortable sort key → value of a row; unknown keys are rejected
     */
    public <T> Page<T> page(List<T> rows, Map<String, Function<T, Comparable<?>>> sortable, Function<T, String> id, String kind) {
        List<SortKey> keys = sort.isEmpty() ? List.of(new SortKey("created_at", false)) : sort;
        Comparator<T> order = null;
        for (SortKey key : keys) {
            Function<T, Comparable<?>> value = sortable.get(key.key());
            if (value == null) {
                throw ServiceException.badRequest("Invalid input received: Invalid sort key " + key.key());
            }
            Comparator<T> one = Comparator.comparing(row -> comparable(value.apply(row)), Comparator.nullsFirst(Comparator.naturalOrder()));
            one = key.ascending() ? one : one.reversed();
            order = order == null ? one : order.thenComparing(one);
        }
        Comparator<T> tiebreak = Comparator.comparing(id);
        order = order.thenComparing(keys.getLast().ascending() ? tiebreak : tiebreak.reversed());
        List<T> sorted = rows.stream().sorted(order).toList();
        int start = 0;
        if (marker.isPresent()) {
            int index = -1;
            for (int i = 0; i < sorted.size(); i++) {
                if (id.apply(sorted.get(i)).equals(marker.get())) {
                    index = i;
                    break;
                }
            }
            if (index < 0) {
                throw ServiceException.notFound("Marker " + marker.get() + " could not be found.");
            }
            start = index + 1;
        }
        int from = Math.min(sorted.size(), start + offset);
        int end = limit.map(l -> Math.min(sorted.size(), from + l)).orElse(sorted.size());
        boolean more = limit.isPresent() && end - from == limit.get() && limit.get() > 0;
        return new Page<>(sorted.subList(from, end), rows.size(), more);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Comparable<Object> comparable(Comparable<?> value) {
        return (Comparable) value;
    }

    private static String first(Map<String, List<String>> query, String key) {
        List<String> values = query.get(key);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static int nonNegative(String name, String value) {
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed < 0) {
                throw ServiceException.badRequest("Invalid input received: " + name + " must be >= 0");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ServiceException.badRequest("Invalid input received: " + name + " must be an integer");
        }
    }

    private static boolean direction(String value) {
        return switch (value.toLowerCase()) {
            case "asc" -> true;
            case "desc" -> false;
            default -> throw ServiceException.badRequest("Invalid input received: Unknown sort direction, must be 'desc' or 'asc'");
        };
    }

    static boolean bool(String name, String value) {
        if (value == null) {
            return false;
        }
        return switch (value.strip().toLowerCase()) {
            case "1", "t", "true", "on", "y", "yes" -> true;
            case "0", "f", "false", "off", "n", "no" -> false;
            default -> throw ServiceException.badRequest("Invalid input received: Invalid value '" + value + "' for " + name
                    + ": it must be a boolean.");
        };
    }
}
