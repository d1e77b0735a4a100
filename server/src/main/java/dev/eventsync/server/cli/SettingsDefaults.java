package dev.eventsync.server.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;

/**
 * Where an option's value comes from when the command line does not give it: the environment variable
 * {@code EVENTSYNC_<NAME>} (for {@code --max-push-events}, {@code EVENTSYNC_MAX_PUSH_EVENTS}), then the
 * config file's property {@code <name>} ({@code max-push-events=50}), then the built-in default.
 */
final class SettingsDefaults implements CommandLine.IDefaultValueProvider {

    private final Map<String, String> env;
    private final Properties file;

    SettingsDefaults(Map<String, String> env, Properties file) {
        this.env = env;
        this.file = file;
    }

    /**
     * Reads the config file named by {@code --config FILE} in {@code args} or by {@code EVENTSYNC_CONFIG}.
     * A key that is not the name of an option ({@code knownNames}: every option of every command) is a
     * mistake (a typo would silently keep the default) and fails the command.
     */
    static SettingsDefaults load(String[] args, Map<String, String> env, Set<String> knownNames) {
        Optional<String> path = Optional.ofNullable(env.get("EVENTSYNC_CONFIG"));
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                path = Optional.of(args[i + 1]);
            } else if (args[i].startsWith("--config=")) {
                path = Optional.of(args[i].substring("--config=".length()));
            }
        }
        Properties properties = new Properties();
        if (path.isPresent()) {
            Path file = Path.of(path.get());
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(new CommandLine(new EventsyncCommand()),
                        "cannot read the config file " + file.toAbsolutePath() + ": " + e.getMessage());
            }
            Set<String> unknown = new TreeSet<>(properties.stringPropertyNames());
            unknown.removeAll(knownNames);
            if (!unknown.isEmpty()) {
                throw new CommandLine.ParameterException(new CommandLine(new EventsyncCommand()),
                        "unknown setting(s) " + String.join(", ", unknown) + " in the config file "
                                + file.toAbsolutePath() + "; known: " + String.join(", ", new TreeSet<>(knownNames))
                                + " (option names without the leading dashes)");
            }
        }
        return new SettingsDefaults(env, properties);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (!(argSpec instanceof CommandLine.Model.OptionSpec option)) {
            return argSpec.defaultValue();
        }
        String name = option.longestName().replaceFirst("^--", "");
        String fromEnv = env.get("EVENTSYNC_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
        if (fromEnv != null) {
            return fromEnv;
        }
        String fromFile = file.getProperty(name);
        if (fromFile != null) {
            return fromFile.trim();
        }
        return option.defaultValue();
    }
}
