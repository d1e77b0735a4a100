package dev.eventsync.server.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** One run of the {@code eventsync} command line in this JVM, for tests: its exit code and what it printed. */
record CliRun(int exit, String out, String err) {

    /** Runs {@code args} with an empty environment. */
    static CliRun run(String... args) {
        return run(Map.of(), args);
    }

    /** Runs {@code args} with {@code env} as the environment. */
    static CliRun run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = EventsyncCommand.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(exit, out.toString(), err.toString());
    }
}
