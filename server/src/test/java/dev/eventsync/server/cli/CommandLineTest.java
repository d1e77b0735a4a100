package dev.eventsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.server.ServerConfig;
import dev.eventsync.server.StorageSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandLineTest {

    @TempDir
    Path dir;

    private static ServerConfig parse(Map<String, String> env, Properties file, String... args) {
        ServeCommand serve = new ServeCommand();
        CommandLine cli = new CommandLine(serve);
        cli.setDefaultValueProvider(new SettingsDefaults(env, file));
        cli.parseArgs(args);
        return serve.config();
    }

    @Test
    void defaultsAreSqliteOnLocalhost8787WithoutAuth() {
        ServerConfig config = parse(Map.of(), new Properties());
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8787);
        assertThat(config.storage()).isEqualTo(StorageSpec.parse("sqlite:./eventsync-data/eventsync.db"));
        assertThat(config.authToken()).isEmpty();
        assertThat(config.limits().maxPushEvents()).isEqualTo(100);
    }

    @Test
    void commandLineBeatsEnvironmentBeatsConfigFile() {
        Properties file = new Properties();
        file.setProperty("port", "1111");
        file.setProperty("max-push-events", "10");
        file.setProperty("storage", "memory");
        Map<String, String> env = Map.of("EVENTSYNC_PORT", "2222", "EVENTSYNC_AUTH_TOKEN", "t0k3n");
        ServerConfig fromAll = parse(env, file);
        assertThat(fromAll.port()).isEqualTo(2222);
        assertThat(fromAll.limits().maxPushEvents()).isEqualTo(10);
        assertThat(fromAll.storage().kind()).isEqualTo("memory");
        assertThat(fromAll.authToken()).contains("t0k3n");
        assertThat(parse(env, file, "--port", "3333").port()).isEqualTo(3333);
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = EventsyncCommand.run(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void badConfigurationIsOneLineAndANonZeroExit() throws IOException {
        Run unknown = run("serve", "--storage", "bogus:x", "--port", "0");
        assertThat(unknown.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(unknown.err().strip()).isEqualTo("eventsync: unknown storage 'bogus', known: mariadb, memory, postgres, "
                + "sqlite (for example --storage sqlite:./data/eventsync.db or --storage jdbc:postgresql://host/db;"
                + " another storage is selectable once its jar is on the classpath)");

        Run unreachable = run("serve", "--storage", "jdbc:postgresql://127.0.0.1:1/nowhere", "--port", "0");
        assertThat(unreachable.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(unreachable.err().strip()).startsWith("eventsync: cannot reach the database at postgres")
                .contains("that the database is running").doesNotContain("\n");

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run inUse = run("serve", "--storage", "memory", "--port", Integer.toString(taken.getLocalPort()));
            assertThat(inUse.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
            assertThat(inUse.err().strip()).isEqualTo("eventsync: port " + taken.getLocalPort()
                    + " on 127.0.0.1 is already in use; stop the other process or choose another port with --port");
        }

        Run badLimit = run("serve", "--max-push-events", "0", "--storage", "memory");
        assertThat(badLimit.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(badLimit.err()).contains("maxPushEvents must be positive");

        Run badOption = run("serve", "--no-such-option");
        assertThat(badOption.exit()).isNotZero();
        assertThat(badOption.err()).contains("Unknown option: '--no-such-option'");

        Path missing = dir.resolve("missing.properties");
        Run noFile = run("serve", "--config", missing.toString());
        assertThat(noFile.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(noFile.err()).contains("cannot read the config file");
    }

    @Test
    void storesListsWhatASqliteFileHolds() throws IOException {
        Path db = dir.resolve("data/es.db");
        Run empty = run("stores", "--storage", "sqlite:" + db);
        assertThat(empty.exit()).isZero();
        assertThat(empty.out()).contains("0 store(s)");
        assertThat(Files.exists(db)).isTrue();
        Run memory = run("stores", "--storage", "memory");
        assertThat(memory.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
    }
}
