package io.hearth.cli;

import io.hearth.engine.HearthException;
import java.time.Duration;
import java.util.Locale;

/** Parses and prints sizes ("64K", "1M", "2G") and durations ("0", "90s", "30m", "1h", "2d"). */
public final class Sizes {
    private Sizes() {}

    public static long parse(String text) {
        String value = text.trim().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
        long multiplier = 1;
        if (!value.isEmpty()) {
            char unit = value.charAt(value.length() - 1);
            multiplier = switch (unit) {
                case 'K' -> 1L << 10;
                case 'M' -> 1L << 20;
                case 'G' -> 1L << 30;
                case 'T' -> 1L << 40;
                default -> 1;
            };
            if (multiplier != 1) {
                value = value.substring(0, value.length() - 1);
            }
        }
        try {
            long number = Long.parseLong(value);
            if (number < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(number, multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw HearthException.badInput("'" + text + "' is not a size; write for example 65536, 64K, 1M or 2G");
        }
    }

    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    public static Duration parseDuration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.startsWith("p")) {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            }
            char unit = value.isEmpty() ? ' ' : value.charAt(value.length() - 1);
            long amount = Character.isDigit(unit) ? Long.parseLong(value) : Long.parseLong(value.substring(0, value.length() - 1));
            if (amount < 0) {
                throw new NumberFormatException();
            }
            return switch (unit) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> {
                    if (!Character.isDigit(unit)) {
                        throw new NumberFormatException();
                    }
                    yield Duration.ofSeconds(amount);
                }
            };
        } catch (RuntimeException e) {
            throw HearthException.badInput("'" + text + "' is not a duration; write for example 0, 90s, 30m, 1h or 2d");
        }
    }
}
