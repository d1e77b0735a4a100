package dev.eventsync.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real executable ({@code server/target/eventsync.jar}) run as a child process; its stdout and stderr
 * go to files so that nothing is lost when it exits.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    final Process process;
    private final Path stdout;
    private final Path stderr;

    private ServerProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("eventsync.jar", "target/eventsync.jar"));
        assertThat(jar).as("the executable jar (built by `mvn package`)").exists();
        return jar;
    }

    /** Starts {@code java -jar eventsync.jar args...} in {@code workDir}. */
    static ServerProcess start(Path workDir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", jar().toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Files.createDirectories(workDir);
        Path out = Files.createTempFile(workDir, "stdout-", ".txt");
        Path err = Files.createTempFile(workDir, "stderr-", ".txt");
        Process process = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new ServerProcess(process, out, err);
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    List<String> out() {
        return lines(stdout);
    }

    List<String> err() {
        return lines(stderr);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits for the "listening on" line and the rest of the start banner (up to its "health:" line, which the
     * server prints a moment after the first) and returns the port.
     */
    int awaitPort() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<String> out = out();
            boolean banner = out.stream().anyMatch(line -> line.startsWith("health: "));
            for (String line : out) {
                Matcher m = LISTENING.matcher(line);
                if (m.find() && banner) {
                    return Integer.parseInt(m.group(1));
                }
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server did not say where it listens; stdout: " + out() + " stderr: " + err());
    }

    /** Waits for the process to end and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(ended).as("process ended within %s; stdout: %s stderr: %s", timeout, out(), err()).isTrue();
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
