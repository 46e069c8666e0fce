package io.hearth.engine.target;

import static java.util.Objects.requireNonNull;

import io.hearth.engine.HearthException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The settings a target reads besides its location: credentials, endpoints, retry counts. Names are cinder.conf's
 * where cinder has the option ({@code backup_s3_endpoint_url}, {@code backup_swift_auth_url}, …), lower case.
 * The service takes them from its config file; the CLI from environment variables of the same name in upper case.
 */
public record TargetOptions(Map<String, String> values) {
    public TargetOptions {
        TreeMap<String, String> copy = new TreeMap<>();
        requireNonNull(values, "values is null").forEach((name, value) -> copy.put(name.toLowerCase(Locale.ROOT), value));
        values = java.util.Collections.unmodifiableSortedMap(copy);
    }

    public static TargetOptions none() {
        return new TargetOptions(Map.of());
    }

    /** Every environment variable, under its lower-case name, so that {@code BACKUP_S3_ENDPOINT_URL} sets {@code backup_s3_endpoint_url}. */
    public static TargetOptions fromEnvironment(Map<String, String> environment) {
        return new TargetOptions(environment);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name)).map(String::strip).filter(value -> !value.isEmpty());
    }

    public String get(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    public String required(String name, String purpose) {
        return get(name).orElseThrow(() -> HearthException.badInput("option " + name + " (or environment variable "
                + name.toUpperCase(Locale.ROOT) + ") is required: " + purpose));
    }

    public int integer(String name, int fallback, int min, int max) {
        Optional<String> value = get(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed < min || parsed > max) {
                throw HearthException.badInput("option " + name + " must be between " + min + " and " + max + ", not " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw HearthException.badInput("option " + name + " must be an integer, not '" + value.get() + "'");
        }
    }

    public boolean bool(String name, boolean fallback) {
        Optional<String> value = get(name).map(v -> v.toLowerCase(Locale.ROOT));
        if (value.isEmpty()) {
            return fallback;
        }
        return switch (value.get()) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw HearthException.badInput("option " + name + " must be true or false, not '" + value.get() + "'");
        };
    }

    public Duration seconds(String name, Duration fallback) {
        Optional<String> value = get(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            double parsed = Double.parseDouble(value.get());
            if (!(parsed >= 0) || parsed > 86_400) {
                throw HearthException.badInput("option " + name + " must be between 0 and 86400 seconds, not " + value.get());
            }
            return Duration.ofMillis(Math.round(parsed * 1000));
        } catch (NumberFormatException e) {
            throw HearthException.badInput("option " + name + " must be a number of seconds, not '" + value.get() + "'");
        }
    }

    /** These options with {@code name} set, for tests and for callers that derive one option from another. */
    public TargetOptions with(String name, String value) {
        TreeMap<String, String> copy = new TreeMap<>(values);
        copy.put(name, value);
        return new TargetOptions(copy);
    }
}
