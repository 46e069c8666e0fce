package io.hearth.service.auth;

import io.hearth.service.config.IniFile;
import io.hearth.service.error.ServiceException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * How callers are identified and what they may do: cinder's {@code [DEFAULT] auth_strategy} and
 * {@code [oslo_policy] policy_file}.
 *
 * @param policyFile rules overriding cinder's defaults; none means the defaults alone
 */
public record AuthConfig(String strategy, Optional<Path> policyFile) {
    public static AuthConfig from(IniFile ini) {
        String strategy = ini.get("DEFAULT", "auth_strategy").orElse("noauth").toLowerCase(Locale.ROOT);
        if (!strategy.equals("noauth")) {
            throw ServiceException.badRequest("auth_strategy = " + strategy + " is not supported yet; use noauth");
        }
        return new AuthConfig(strategy, ini.get("oslo_policy", "policy_file").map(p -> Path.of(p).toAbsolutePath().normalize()));
    }
}
