package io.hearth.service.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hearth.service.error.ErrorKind;
import io.hearth.service.error.ServiceException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** cinder.conf's [database] connection, as cinder's operators write it, to what the JDBC pool needs. */
class DatabaseUrlTest {

    @ParameterizedTest
    @CsvSource(nullValues = "null", delimiter = '|', textBlock = """
            postgresql://cinder:s%40cr%3At@db.example:5433/cinder | POSTGRESQL | jdbc:postgresql://db.example:5433/cinder | cinder | s@cr:t
            postgresql+psycopg2://hearth@127.0.0.1/hearth?sslmode=require | POSTGRESQL | jdbc:postgresql://127.0.0.1/hearth?sslmode=require | hearth | null
            postgresql:///hearth | POSTGRESQL | jdbc:postgresql://localhost/hearth | null | null
            mysql+pymysql://root@127.0.0.1/cinder?charset=utf8 | MARIADB | jdbc:mariadb://127.0.0.1/cinder | root | null
            mysql+pymysql://cinder:pw+1@[::1]:3307/cinder?charset=utf8mb4&sslMode=trust | MARIADB | jdbc:mariadb://[::1]:3307/cinder?sslMode=trust | cinder | pw+1
            mariadb://hearth:x@db/hearth | MARIADB | jdbc:mariadb://db/hearth | hearth | x
            jdbc:h2:mem:test | H2 | jdbc:h2:mem:test | null | null
            jdbc:postgresql://db/hearth?user=u | POSTGRESQL | jdbc:postgresql://db/hearth?user=u | null | null
            jdbc:mariadb://db/hearth | MARIADB | jdbc:mariadb://db/hearth | null | null
            jdbc:mysql://db:3306/hearth | MARIADB | jdbc:mariadb://db:3306/hearth | null | null
            """)
    void mapsSqlAlchemyAndJdbcUrls(String connection, DatabaseUrl.Vendor vendor, String jdbcUrl, String user, String password) {
        DatabaseUrl url = DatabaseUrl.parse(connection);
        assertThat(url).isEqualTo(new DatabaseUrl(vendor, jdbcUrl, user, password));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            sqlite:///var/lib/cinder/cinder.sqlite | unsupported URL scheme 'sqlite'
            hearth | unsupported URL scheme ''
            postgresql://cinder:hunter2@db | must name the database after the host
            mysql+pymysql://cinder:hunter2@db/a/b | must name the database after the host
            postgresql://cinder:hun ter2@db/cinder | is not a valid URL
            jdbc:oracle:thin:@db:1521:x | unsupported JDBC URL 'jdbc:oracle:…'
            """)
    void refusesWhatItCannotServeWithoutShowingThePassword(String connection, String message) {
        assertThatThrownBy(() -> DatabaseUrl.parse(connection))
                .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_REQUEST))
                .hasMessageContaining(message)
                .hasMessageContaining("[database] connection")
                .hasMessageNotContaining("hunter2")
                .hasMessageNotContaining("hun ter2");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            postgresql://cinder:hunter2@db/cinder
            jdbc:postgresql://db/cinder?user=cinder&password=hunter2
            """)
    void neverPrintsThePassword(String connection) {
        assertThat(DatabaseUrl.parse(connection).toString()).contains("db").doesNotContain("hunter2");
    }
}
