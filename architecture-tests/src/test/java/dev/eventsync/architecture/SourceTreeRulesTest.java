package dev.eventsync.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rules over the source files of every module and example (what ArchUnit, reading class files, cannot see): a
 * {@code package-info.java} in every main package, and no main source file over {@value #MAX_LINES} lines except
 * the compatibility kits, whose length is their catalogue of rules.
 */
class SourceTreeRulesTest {

    static final int MAX_LINES = 450;

    /** The kits: long because each rule is a test; split by rule family, not by size. */
    private static final Pattern KITS = Pattern.compile(
            "tck/src/main/java/dev/eventsync/tck/(\\w+CompatibilityKit|Rule)\\.java");

    private static Path root;
    private static List<Path> mainSources;

    @BeforeAll
    static void findSources() throws IOException {
        Path here = Path.of("").toAbsolutePath();
        root = Files.exists(here.resolve("architecture-tests")) ? here : here.getParent();
        assertTrue(Files.exists(root.resolve("pom.xml")), "the repository root above architecture-tests: " + root);
        List<Path> sourceRoots = new ArrayList<>();
        for (Path parent : List.of(root, root.resolve("examples"))) {
            try (Stream<Path> modules = Files.list(parent)) {
                modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).forEach(sourceRoots::add);
            }
        }
        List<Path> found = new ArrayList<>();
        for (Path sourceRoot : sourceRoots) {
            try (Stream<Path> files = Files.walk(sourceRoot)) {
                files.filter(p -> p.toString().endsWith(".java")).map(root::relativize).forEach(found::add);
            }
        }
        mainSources = found.stream().sorted().toList();
        assertTrue(mainSources.size() > 100, "main sources found under " + root + ": " + mainSources.size());
    }

    @Test
    void everyMainPackageHasAPackageInfo() {
        Set<Path> packages = mainSources.stream().map(Path::getParent)
                .collect(Collectors.toCollection(TreeSet::new));
        List<Path> withoutInfo = packages.stream()
                .filter(dir -> !Files.exists(root.resolve(dir).resolve("package-info.java")))
                .toList();
        assertEquals(List.of(), withoutInfo, "packages without package-info.java");
    }

    @Test
    void noMainSourceFileIsLongerThanTheLimitExceptTheKits() {
        List<String> tooLong = mainSources.stream()
                .filter(p -> !KITS.matcher(p.toString().replace('\\', '/')).matches())
                .filter(p -> lines(root.resolve(p)) > MAX_LINES)
                .map(p -> p + " (" + lines(root.resolve(p)) + " lines)")
                .toList();
        assertEquals(List.of(), tooLong,
                "main source files over " + MAX_LINES + " lines: split them along a real seam");
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
