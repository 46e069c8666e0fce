package io.hearth.service.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TransportUrlTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "rabbit://guest:guest@127.0.0.1:5672/ | 127.0.0.1 | 5672 | guest | guest | /",
        "rabbit://u:p%40ss+word@broker/cinder | broker | 5672 | u | p@ss+word | cinder",
        "rabbit://127.0.0.1:5673 | 127.0.0.1 | 5673 | guest | guest | /",
        "rabbit://a:b@h:1/%2F | h | 1 | a | b | /",
    })
    void parses(String url, String host, int port, String user, String password, String virtualHost) {
        assertThat(TransportUrl.parse(url)).isEqualTo(new TransportUrl(host, port, user, password, virtualHost));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "amqp://guest:guest@127.0.0.1:5672/ | must start with rabbit://",
        "rabbit:/// | names no host",
        "rabbit://h o st/ | not a URL",
    })
    void refusesWithAReason(String url, String reason) {
        assertThatThrownBy(() -> TransportUrl.parse(url)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
    }

    @org.junit.jupiter.api.Test
    void neverShowsThePassword() {
        assertThat(TransportUrl.parse("rabbit://u:secret@h:5672/v").toString()).isEqualTo("rabbit://u@h:5672/v");
    }
}
