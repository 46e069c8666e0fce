package io.hearth.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.service.config.IniFile;
import io.hearth.service.error.ServiceException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeystoneOptionsTest {
    private static IniFile ini(String... lines) {
        List<String> all = new ArrayList<>(List.of("[DEFAULT]", "auth_strategy = keystone", "[keystone_authtoken]"));
        all.addAll(List.of(lines));
        return IniFile.parse(all, "test");
    }

    @Test
    void readsKeystonemiddlewaresOptionNames() {
        AuthConfig config = AuthConfig.from(ini("auth_url = http://k:5000/", "username = hearth", "password = s",
                "project_name = service", "user_domain_name = Default", "project_domain_id = default"));
        KeystoneOptions options = config.keystone().orElseThrow();
        assertThat(options.authUrl()).hasToString("http://k:5000/v3");
        assertThat(options.wwwAuthenticateUri()).isEqualTo("http://k:5000");
        assertThat(options.userDomain()).isEqualTo(new KeystoneOptions.DomainRef("name", "Default"));
        assertThat(options.projectDomain()).isEqualTo(new KeystoneOptions.DomainRef("id", "default"));
        assertThat(options.tokenCacheTime()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.authenticator(java.time.Clock.systemUTC())).isInstanceOf(KeystoneAuthenticator.class);

        KeystoneOptions v3 = KeystoneOptions.from(ini("auth_url = http://k/identity/v3", "username = u", "password = p",
                "project_name = s", "www_authenticate_uri = http://public/v3", "token_cache_time = 0"));
        assertThat(v3.authUrl()).hasToString("http://k/identity/v3");
        assertThat(v3.wwwAuthenticateUri()).isEqualTo("http://public/v3");
        assertThat(v3.tokenCacheTime()).isZero();
    }

    @Test
    void refusesMissingCredentialsAndUnknownStrategies() {
        assertThatThrownBy(() -> AuthConfig.from(ini("auth_url = http://k", "username = u", "project_name = s")))
                .isInstanceOf(ServiceException.class).hasMessage("auth_strategy = keystone needs [keystone_authtoken] password");
        assertThatThrownBy(() -> AuthConfig.from(ini("auth_url = http://k", "username = u", "password = p", "project_name = s",
                "token_cache_time = soon"))).isInstanceOf(ServiceException.class).hasMessageContaining("token_cache_time");
        assertThatThrownBy(() -> AuthConfig.from(IniFile.parse(List.of("[DEFAULT]", "auth_strategy = kerberos"), "test")))
                .isInstanceOf(ServiceException.class).hasMessageContaining("use noauth or keystone");
        assertThat(AuthConfig.from(IniFile.empty()).authenticator(java.time.Clock.systemUTC())).isInstanceOf(NoAuthAuthenticator.class);
    }
}
