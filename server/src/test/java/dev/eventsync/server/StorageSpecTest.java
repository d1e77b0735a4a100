package dev.eventsync.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StorageSpecTest {

    @Test
    void parsesEveryFormTheStorageOptionAccepts() {
        assertThat(StorageSpec.parse("memory")).isEqualTo(new StorageSpec("memory", ""));
        assertThat(StorageSpec.parse("sqlite")).isEqualTo(new StorageSpec("sqlite", "jdbc:sqlite:./eventsync-data/eventsync.db"));
        assertThat(StorageSpec.parse("sqlite:/var/lib/es.db")).isEqualTo(new StorageSpec("sqlite", "jdbc:sqlite:/var/lib/es.db"));
        assertThat(StorageSpec.parse("jdbc:sqlite:x.db")).isEqualTo(new StorageSpec("sqlite", "jdbc:sqlite:x.db"));
        assertThat(StorageSpec.parse("postgres")).isEqualTo(new StorageSpec("postgres", "jdbc:postgresql://127.0.0.1:5432/postgres"));
        assertThat(StorageSpec.parse("jdbc:postgresql://db:5432/es")).isEqualTo(new StorageSpec("postgres", "jdbc:postgresql://db:5432/es"));
        assertThat(StorageSpec.parse("mariadb")).isEqualTo(new StorageSpec("mariadb", "jdbc:mariadb://127.0.0.1:3306/test"));
        assertThat(StorageSpec.parse("jdbc:mysql://db/es").kind()).isEqualTo("mariadb");
        assertThat(StorageSpec.parse("postgresql")).isEqualTo(StorageSpec.parse("postgres"));
        assertThat(StorageSpec.parse("mysql").kind()).isEqualTo("mariadb");
        assertThat(StorageSpec.parse("redis:localhost")).as("a name no storage on the classpath claims")
                .isEqualTo(new StorageSpec("redis", "localhost"));
    }

    @Test
    void describeNeverShowsAPassword() {
        assertThat(StorageSpec.parse("jdbc:postgresql://db/es?user=u&password=s3cret").describe())
                .doesNotContain("s3cret").contains("password=***");
    }
}
