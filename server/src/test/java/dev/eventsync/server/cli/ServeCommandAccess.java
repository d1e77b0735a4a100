package dev.eventsync.server.cli;

import dev.eventsync.server.ServerConfig;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;

/** Lets tests outside the cli package parse {@code serve} options into a {@link ServerConfig}. */
public final class ServeCommandAccess {

    private ServeCommandAccess() {
    }

    public static ServerConfig parse(Map<String, String> env, Properties file, String... args) {
        ServeCommand serve = new ServeCommand();
        CommandLine cli = new CommandLine(serve);
        cli.setDefaultValueProvider(new SettingsDefaults(env, file));
        cli.parseArgs(args);
        return serve.config();
    }
}
