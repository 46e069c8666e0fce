package io.hearth.service.auth;

import io.hearth.service.config.IniFile;
import io.hearth.service.error.ServiceException;
import java.net.URI;
import java.time.Duration;

/**
 * The {@code [keystone_authtoken]} section, with keystonemiddleware's option names: the service credentials Hearth
 * validates tokens with, where clients are sent to authenticate, and how long a validated token is trusted.
 *
 * @param userDomain {@code user_domain_id} or {@code user_domain_name}
 * @param projectDomain {@code project_domain_id} or {@code project_domain_name}
 * @param wwwAuthenticateUri told to clients in {@code WWW-Authenticate} (defaults to {@code auth_url})
 * @param tokenCacheTime {@code token_cache_time}: a validated token is not asked about again for this long
 */
public record KeystoneOptions(URI authUrl, String username, String password, String projectName, DomainRef userDomain,
        DomainRef projectDomain, String wwwAuthenticateUri, Duration tokenCacheTime) {
    private static final String SECTION = "keystone_authtoken";

    /** A domain by id or by name, as Keystone's auth requests take it. */
    public record DomainRef(String field, String value) {}

    public static KeystoneOptions from(IniFile ini) {
        String authUrl = required(ini, "auth_url").replaceAll("/+$", "");
        // keystonemiddleware's auth_url is Keystone's root or its /v3; requests go to /v3.
        URI base = URI.create(authUrl.endsWith("/v3") ? authUrl : authUrl + "/v3");
        int cacheSeconds;
        try {
            cacheSeconds = Integer.parseInt(ini.get(SECTION, "token_cache_time").orElse("300"));
        } catch (NumberFormatException e) {
            throw ServiceException.badRequest("[keystone_authtoken] token_cache_time must be a number of seconds");
        }
        return new KeystoneOptions(base, required(ini, "username"), required(ini, "password"), required(ini, "project_name"),
                domain(ini, "user_domain"), domain(ini, "project_domain"),
                ini.get(SECTION, "www_authenticate_uri").orElse(authUrl), Duration.ofSeconds(Math.max(0, cacheSeconds)));
    }

    private static DomainRef domain(IniFile ini, String prefix) {
        return ini.get(SECTION, prefix + "_id").map(id -> new DomainRef("id", id))
                .or(() -> ini.get(SECTION, prefix + "_name").map(name -> new DomainRef("name", name)))
                .orElse(new DomainRef("id", "default"));
    }

    private static String required(IniFile ini, String key) {
        return ini.get(SECTION, key).filter(v -> !v.isBlank()).orElseThrow(() -> ServiceException.badRequest(
                "auth_strategy = keystone needs [keystone_authtoken] " + key));
    }
}
