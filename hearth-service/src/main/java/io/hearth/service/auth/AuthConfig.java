package io.hearth.service.auth;

import io.hearth.service.config.IniFile;
import io.hearth.service.error.ServiceException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

/**
 * How callers are identified and what they may do: cinder's {@code [DEFAULT] auth_strategy} ({@code noauth} or
 * {@code keystone}), {@code [keystone_authtoken]} and {@code [oslo_policy] policy_file}.
 *
 * @param keystone present exactly when the strategy is keystone
 * @param policyFile rules overriding cinder's defaults; none means the defaults alone
 */
public record AuthConfig(String strategy, Optional<KeystoneOptions> keystone, Optional<Path> policyFile) {
    public static AuthConfig from(IniFile ini) {
        String strategy = ini.get("DEFAULT", "auth_strategy").orElse("noauth").toLowerCase(Locale.ROOT);
        Optional<KeystoneOptions> keystone = switch (strategy) {
            case "noauth" -> Optional.empty();
            case "keystone" -> Optional.of(KeystoneOptions.from(ini));
            default -> throw ServiceException.badRequest("auth_strategy = " + strategy + " is not supported; use noauth or keystone");
        };
        return new AuthConfig(strategy, keystone, ini.get("oslo_policy", "policy_file").map(p -> Path.of(p).toAbsolutePath().normalize()));
    }

    public Authenticator authenticator(Clock clock) {
        return keystone.<Authenticator>map(options -> new KeystoneAuthenticator(options, clock)).orElseGet(NoAuthAuthenticator::new);
    }
}
