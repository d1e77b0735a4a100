package dev.eventsync.server.cli;

import dev.eventsync.server.ConfigurationException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The {@code eventsync} command line: {@code serve}, {@code certify}, {@code stores}, {@code inspect},
 * {@code delete-store}.
 */
@CommandLine.Command(name = "eventsync", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "A sync server for event-sourced, local-first apps (LiveStore compatible).",
        subcommands = {ServeCommand.class, CertifyCommand.class, StoresCommand.class, InspectCommand.class,
                DeleteStoreCommand.class,
                CommandLine.HelpCommand.class})
public final class EventsyncCommand implements Runnable {

    /** Exit code for a wrong setting or an environment that does not allow it. */
    public static final int EXIT_CONFIG = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line and returns the process exit code. */
    public static int run(String[] args) {
        return run(args, System.getenv(), null, null);
    }

    /** The long option names (without dashes) of every command, the keys a config file may use. */
    private static java.util.Set<String> optionNames(CommandLine cli) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (CommandLine command : cli.getSubcommands().values()) {
            for (CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
                if (!option.usageHelp() && !option.versionHelp()) {
                    names.add(option.longestName().replaceFirst("^--", ""));
                }
            }
        }
        names.remove("config");
        return names;
    }

    /**
     * Runs the command line with {@code env} as the environment and the given streams (null: the console), for
     * embedding and tests; returns the exit code.
     */
    public static int run(String[] args, java.util.Map<String, String> env, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new EventsyncCommand());
        // every command lists -V/--version (mixinStandardHelpOptions): each one prints the build's version
        Version version = new Version();
        cli.getSubcommands().values().forEach(c -> c.getCommandSpec().versionProvider(version));
        if (out != null) {
            cli.setOut(out);
        }
        if (err != null) {
            cli.setErr(err);
        }
        try {
            cli.setDefaultValueProvider(SettingsDefaults.load(args, env, optionNames(cli)));
        } catch (CommandLine.ParameterException e) {
            cli.getErr().println("eventsync: " + e.getMessage());
            return EXIT_CONFIG;
        }
        // a usage mistake is one line naming it and where the help is, not the whole usage text
        cli.setParameterExceptionHandler((exception, arguments) -> {
            CommandLine failed = exception.getCommandLine();
            failed.getErr().println("eventsync: " + exception.getMessage() + " (see '"
                    + failed.getCommandSpec().qualifiedName() + " --help')");
            return EXIT_CONFIG;
        });
        cli.setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
            if (exception instanceof ConfigurationException) {
                commandLine.getErr().println("eventsync: " + exception.getMessage());
                return EXIT_CONFIG;
            }
            throw exception;
        });
        return cli.execute(args);
    }
}
