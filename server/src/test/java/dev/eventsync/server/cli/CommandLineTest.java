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
import java.util.List;
import java.util.Map;
import java.time.Instant;
import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.jdbc.JdbcEventStore;
import dev.eventsync.jdbc.JdbcSettings;
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

    @Test
    void servingOptionsFromTheCommandLineAndTheEnvironment() throws IOException {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        Path key = Files.writeString(dir.resolve("key.pem"), "y");
        ServerConfig config = parse(Map.of("EVENTSYNC_ADMIN_TOKEN", "0123456789abcdef-admin"), new Properties(),
                "--cors-origins", "https://app.example, http://localhost:5173", "--tls-cert", cert.toString(),
                "--tls-key", key.toString());
        assertThat(config.http().corsOrigins()).containsExactly("https://app.example", "http://localhost:5173");
        assertThat(config.http().tlsCert()).contains(cert);
        assertThat(config.http().tlsKey()).contains(key);
        assertThat(config.http().adminToken()).contains("0123456789abcdef-admin");
        assertThat(config.http().wsScheme()).isEqualTo("wss");
        ServerConfig plain = parse(Map.of(), new Properties());
        assertThat(plain.http()).isEqualTo(dev.eventsync.server.HttpOptions.defaults());
    }

    @Test
    void badServingOptionsStopTheServerWithOneLine() {
        Run origin = run("serve", "--storage", "memory", "--port", "0", "--cors-origins", "app.example");
        assertThat(origin.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(origin.err().strip()).startsWith("eventsync: --cors-origins: 'app.example' is not an origin")
                .doesNotContain("\n");
        Run token = run("serve", "--storage", "memory", "--port", "0", "--admin-token", "short");
        assertThat(token.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(token.err()).contains("--admin-token must have at least 16 characters");
        Run format = run("serve", "--storage", "memory", "--port", "0", "--log-format", "xml");
        assertThat(format.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(format.err().strip()).isEqualTo("eventsync: unknown log format 'xml': use text or json");
    }

    @Test
    void everyCommandPrintsTheBuildsVersion() {
        for (String command : List.of("", "serve", "certify", "stores", "inspect", "delete-store")) {
            for (String flag : List.of("--version", "-V")) {
                Run version = command.isEmpty() ? run(flag) : run(command, flag);
                assertThat(version.exit()).as("%s %s", command, flag).isZero();
                assertThat(version.out()).as("%s %s", command, flag).startsWith("eventsync " + Version.number() + " (built ");
            }
        }
    }

    @Test
    void anEmptyCorsOriginListIsRefusedLikeAnEmptySecret() {
        for (String value : List.of("", " ", "https://a.example,", ",https://a.example", "https://a.example,,http://b")) {
            Run empty = run("serve", "--storage", "memory", "--port", "0", "--cors-origins", value);
            assertThat(empty.exit()).as("'%s'", value).isEqualTo(EventsyncCommand.EXIT_CONFIG);
            assertThat(empty.err().strip()).as("'%s'", value).startsWith("eventsync: --cors-origins is given but")
                    .doesNotContain("\n");
        }
        Run fromEnv = runWith(Map.of("EVENTSYNC_CORS_ORIGINS", ""), "serve", "--storage", "memory", "--port", "0");
        assertThat(fromEnv.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(fromEnv.err()).contains("--cors-origins is given but empty");
    }

    @Test
    void corsOriginsAreKeptAsBrowsersSendThem() {
        ServerConfig config = parse(Map.of(), new Properties(), "--cors-origins",
                "https://App.Example.com:443,http://x.example:80/,HTTP://LOCALHOST:5173,https://b.example:8443/");
        assertThat(config.http().corsOrigins()).containsExactly("https://app.example.com", "http://x.example",
                "http://localhost:5173", "https://b.example:8443");
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        return runWith(Map.of(), args);
    }

    private Run runWith(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = EventsyncCommand.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
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
        assertThat(badOption.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(badOption.err().strip()).isEqualTo("eventsync: Unknown option: '--no-such-option'"
                + " (see 'eventsync serve --help')");
        Run badNumber = run("serve", "--max-connections", "abc");
        assertThat(badNumber.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(badNumber.err().strip().lines().count()).as(badNumber.err()).isEqualTo(1);

        Path missing = dir.resolve("missing.properties");
        Run noFile = run("serve", "--config", missing.toString());
        assertThat(noFile.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(noFile.err()).contains("cannot read the config file");
    }

    @Test
    void storesListsWhatASqliteFileHoldsAndNeverCreatesOne() throws IOException {
        Path db = dir.resolve("data/es.db");
        Run missing = run("stores", "--storage", "sqlite:" + db);
        assertThat(missing.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(missing.err().strip()).startsWith("eventsync: no SQLite database at ").doesNotContain("\n");
        assertThat(dir.resolve("data")).doesNotExist();

        Path other = dir.resolve("other.db");
        Files.write(other, new byte[0]); // an SQLite file without Eventsync's tables
        Run foreign = run("stores", "--storage", "sqlite:" + other);
        assertThat(foreign.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(foreign.err()).contains("no Eventsync data in sqlite");

        Files.createDirectories(db.getParent());
        try (JdbcEventStore store = JdbcEventStore.open(JdbcSettings.sqlite(db))) {
            store.append(StoreId.of("todos"), 0, List.of(Event.of("e", "{}", 1, 0, "c", "s")), Instant.now());
            store.head(StoreId.of("read-only")); // a read: creates nothing
        }
        Run listed = run("stores", "--storage", "sqlite:" + db);
        assertThat(listed.exit()).isZero();
        assertThat(listed.out()).contains("todos").contains("1 store(s)").doesNotContain("read-only");
        Run memory = run("stores", "--storage", "memory");
        assertThat(memory.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
    }

    @Test
    void sqliteSettingsThatWouldNotShareOneDatabaseAreRefused() {
        for (String setting : List.of("sqlite:", "sqlite: ", "sqlite::memory:", "jdbc:sqlite:", "jdbc:sqlite::memory:",
                "sqlite:file::memory:?cache=shared", "sqlite:file:x.db?mode=memory")) {
            Run run = run("serve", "--storage", setting, "--port", "0");
            assertThat(run.exit()).as(setting).isEqualTo(EventsyncCommand.EXIT_CONFIG);
            assertThat(run.err().strip()).as(setting).startsWith("eventsync: --storage ").contains("SQLite")
                    .doesNotContain("\n");
        }
    }

    @Test
    void anEmptySecretStopsTheServerInsteadOfRunningWithoutAuth() {
        for (List<String> args : List.of(List.of("--auth-token", ""), List.of("--auth-token", "  "),
                List.of("--jwt-secret", ""))) {
            List<String> all = new java.util.ArrayList<>(List.of("serve", "--storage", "memory", "--port", "0"));
            all.addAll(args);
            Run run = run(all.toArray(String[]::new));
            assertThat(run.exit()).as("%s", args).isEqualTo(EventsyncCommand.EXIT_CONFIG);
            assertThat(run.err().strip()).as("%s", args).startsWith("eventsync: " + args.get(0) + " is given but empty");
        }
        StringWriter err = new StringWriter();
        int exit = EventsyncCommand.run(new String[] {"serve", "--storage", "memory", "--port", "0"},
                Map.of("EVENTSYNC_AUTH_TOKEN", ""), new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertThat(exit).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(err.toString()).contains("--auth-token is given but empty");
    }

    @Test
    void aJwtClockSkewOutside0To3600IsRefusedWithOrWithoutAJwtKey() {
        for (List<String> key : List.of(List.<String>of(), List.of("--jwt-secret", "a-jwt-secret-of-at-least-32-bytes!!"))) {
            for (String skew : List.of("-1", "3601", "2000000000")) {
                List<String> all = new java.util.ArrayList<>(List.of("serve", "--storage", "memory", "--port", "0",
                        "--jwt-clock-skew", skew));
                all.addAll(key);
                Run run = run(all.toArray(String[]::new));
                assertThat(run.exit()).as("%s %s", skew, key).isEqualTo(EventsyncCommand.EXIT_CONFIG);
                assertThat(run.err().strip()).as("%s %s", skew, key)
                        .isEqualTo("eventsync: --jwt-clock-skew must be between 0 and 3600 seconds, got " + skew);
            }
        }
    }

    @Test
    void unknownKeysInAConfigFileAreRefusedWithTheKnownOnes() throws IOException {
        Path file = dir.resolve("eventsync.properties");
        Files.writeString(file, "port=0\nstorage=memory\nmax-push-event=5\nauth_token=x\n");
        Run run = run("serve", "--config", file.toString());
        assertThat(run.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(run.err().strip()).startsWith("eventsync: unknown setting(s) auth_token, max-push-event in the config file")
                .contains("known: ").contains("max-push-events").doesNotContain("\n");
    }
}
