package dev.eventsync.jdbc;

import java.util.List;
import java.util.stream.Collectors;

/** Picks the {@link JdbcDialect} for a JDBC URL. */
public final class JdbcDialects {

    private static final List<JdbcDialect> KNOWN = List.of(new SqliteDialect(), new PostgresDialect(),
            new MariaDbDialect());

    private JdbcDialects() {
    }

    /**
     * The dialect for {@code jdbcUrl}: {@code jdbc:sqlite:}, {@code jdbc:postgresql:},
     * {@code jdbc:mariadb:} or {@code jdbc:mysql:}.
     *
     * @throws IllegalArgumentException for any other URL, naming the supported ones
     */
    public static JdbcDialect forUrl(String jdbcUrl) {
        return KNOWN.stream()
                .filter(d -> d.accepts(jdbcUrl))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unsupported JDBC URL '" + jdbcUrl
                        + "', known: " + KNOWN.stream().map(JdbcDialect::name).collect(Collectors.joining(", "))
                        + " (jdbc:sqlite:, jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql:)"));
    }
}
