package dev.eventsync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The CPU time a local database server has used so far: the sum of user + system clock ticks over every process
 * whose command name is the server's ({@code postgres} for PostgreSQL's postmaster and backends), from
 * {@code /proc/<pid>/stat}. Backends that end between two samples take their ticks with them, so take both
 * samples while the measured connections stay open. Everything else using the same server (another benchmark,
 * another build's tests) counts too: read it next to the load average.
 */
final class DatabaseCpu {

    private DatabaseCpu() {
    }

    /** Clock ticks ({@link ServerProcess#TICKS_PER_SECOND} a second) of all processes named {@code command}, or -1. */
    static long ticks(String command) {
        long total = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : (Iterable<Path>) processes::iterator) {
                String name = process.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(process.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    if (open < 0 || close < open || !stat.substring(open + 1, close).equals(command)) {
                        continue;
                    }
                    String[] f = stat.substring(close + 2).split(" ");
                    total += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                } catch (IOException | RuntimeException e) {
                    // the process ended while we looked
                }
            }
            return total;
        } catch (IOException e) {
            return -1;
        }
    }
}
