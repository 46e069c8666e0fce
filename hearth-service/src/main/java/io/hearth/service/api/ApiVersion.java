package io.hearth.service.api;

import io.hearth.service.error.ErrorKind;
import io.hearth.service.error.ServiceException;
import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A volume API microversion, 3.N. Without a header a request is 3.0; {@code latest} is the maximum. */
public record ApiVersion(int minor) implements Comparable<ApiVersion> {
    public static final ApiVersion MIN = new ApiVersion(0);
    public static final ApiVersion MAX = new ApiVersion(71);

    public static final ApiVersion MESSAGES = new ApiVersion(3);
    public static final ApiVersion MESSAGES_PAGINATION = new ApiVersion(5);
    public static final ApiVersion BACKUP_UPDATE = new ApiVersion(9);
    public static final ApiVersion BACKUP_PROJECT = new ApiVersion(18);
    public static final ApiVersion ATTACHMENTS = new ApiVersion(27);
    public static final ApiVersion RESOURCE_FILTER = new ApiVersion(31);
    public static final ApiVersion BACKUP_SORT_NAME = new ApiVersion(37);
    public static final ApiVersion VOLUME_REVERT = new ApiVersion(40);
    public static final ApiVersion BACKUP_METADATA = new ApiVersion(43);
    public static final ApiVersion ATTACHMENT_COMPLETE = new ApiVersion(44);
    public static final ApiVersion SUPPORT_COUNT_INFO = new ApiVersion(45);
    public static final ApiVersion VOLUME_FROM_BACKUP = new ApiVersion(47);
    public static final ApiVersion BACKUP_AZ = new ApiVersion(51);
    public static final ApiVersion BACKUP_USER_ID = new ApiVersion(56);
    public static final ApiVersion PROJECT_ID_OPTIONAL = new ApiVersion(67);

    private static final Pattern FORMAT = Pattern.compile("^([1-9]\\d*)\\.([1-9]\\d*|0)$");

    /** Parses the OpenStack-API-Version header value ({@code volume 3.N}, possibly among other services'). */
    public static ApiVersion fromHeader(String header) {
        if (header == null || header.isBlank()) {
            return MIN;
        }
        String requested = null;
        for (String item : header.split(",")) {
            String[] parts = item.strip().split("\\s+");
            if (parts.length == 2 && parts[0].equalsIgnoreCase("volume")) {
                requested = parts[1];
            }
        }
        if (requested == null) {
            return MIN;
        }
        if (requested.equalsIgnoreCase("latest")) {
            return MAX;
        }
        Matcher matcher = FORMAT.matcher(requested);
        if (!matcher.matches()) {
            throw ServiceException.badRequest("API Version String " + requested + " is of invalid format. Must be of format MajorNum.MinorNum.");
        }
        // Compared as numbers of any length, as cinder's Python does: 3.99999999999999999999 is too new, not malformed.
        BigInteger major = new BigInteger(matcher.group(1));
        BigInteger minor = new BigInteger(matcher.group(2));
        if (!major.equals(BigInteger.valueOf(3)) || minor.compareTo(BigInteger.valueOf(MAX.minor)) > 0) {
            throw new ServiceException(ErrorKind.NOT_ACCEPTABLE, "Version " + requested + " is not supported by the API. Minimum is "
                    + MIN + " and maximum is " + MAX + ".");
        }
        return new ApiVersion(minor.intValueExact());
    }

    public boolean atLeast(ApiVersion other) {
        return minor >= other.minor;
    }

    @Override
    public int compareTo(ApiVersion other) {
        return Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return "3." + minor;
    }
}
