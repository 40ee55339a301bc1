package io.riskgate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layer rules of docs/architecture.md: the core knows git, files, numbers and policies, never
 * Jenkins; each package depends only on the packages the document lists for it (read from the
 * document itself, so the two cannot drift apart); Jackson stays in the packages that read or write
 * formats.
 */
class ArchitectureTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.riskgate");
    private static final String ROOT = "io.riskgate";
    /** The packages that parse or render JSON, YAML or CSV (policy files, records, models, reports). */
    private static final Set<String> JACKSON_PACKAGES = Set.of("policy", "records", "learning", "report", "events");

    /** Package → the packages it may depend on, as docs/architecture.md states them. */
    private static Map<String, Set<String>> documented;

    @BeforeAll
    static void readTheDocument() throws IOException {
        documented = documentedDependencies(Files.readString(architectureDocument(), StandardCharsets.UTF_8));
    }

    @Test
    void coreImportsNothingFromJenkins() {
        assertThat(CORE.size()).as("core classes imported").isGreaterThan(20);
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("hudson..", "jenkins..", "org.jenkinsci..", "org.kohsuke..", "io.jenkins..")
                .because("core must stay usable outside Jenkins (the CLI, any CI)")
                .check(CORE);
    }

    @Test
    void domainPackagesHaveNoCycles() {
        slices().matching("io.riskgate.(*)..").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void everyPackageOfCoreIsDocumented() {
        assertThat(documented.keySet()).as("packages in docs/architecture.md").containsExactlyInAnyOrderElementsOf(packagesOfCore());
    }

    @Test
    void packagesDependOnlyOnTheDocumentedOnes() {
        Set<String> all = packagesOfCore();
        for (String p : all) {
            Set<String> forbidden = new TreeSet<>(all);
            forbidden.remove(p);
            forbidden.removeAll(documented.getOrDefault(p, Set.of()));
            if (forbidden.isEmpty()) {
                continue;
            }
            noClasses().that().resideInAPackage(ROOT + "." + p + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden.stream().map(f -> ROOT + "." + f + "..").toArray(String[]::new))
                    .because("docs/architecture.md lets " + p + " depend on " + documented.getOrDefault(p, Set.of()) + " only")
                    .check(CORE);
        }
    }

    @Test
    void onlyTheFormatPackagesUseJackson() {
        String[] others = packagesOfCore().stream().filter(p -> !JACKSON_PACKAGES.contains(p)).map(p -> ROOT + "." + p + "..")
                .toArray(String[]::new);
        assertThat(others).as("packages that must not use Jackson").contains(ROOT + ".git..", ROOT + ".risk..", ROOT + ".gate..");
        noClasses().that().resideInAnyPackage(others).or().resideInAPackage(ROOT)
                .should().dependOnClassesThat().resideInAnyPackage("com.fasterxml..")
                .because("the domain is plain Java; parsing and rendering live in " + new TreeSet<>(JACKSON_PACKAGES))
                .check(CORE);
    }

    @Test
    void theDocumentIsReadAsWritten() {
        Map<String, Set<String>> read = documentedDependencies("""
                | `io.riskgate.git` | x |
                | `io.riskgate.risk` | y |
                | `io.riskgate.gate` | z |
                Dependencies point one way and have no cycles (`ArchitectureTest` checks it): `risk → git`,
                `gate → git, risk`.
                """);
        assertThat(read).isEqualTo(Map.of("git", Set.of(), "risk", Set.of("git"), "gate", Set.of("git", "risk")));
    }

    /** The packages of the document's table, each with the arrows of its "Dependencies point one way" sentence. */
    static Map<String, Set<String>> documentedDependencies(String text) {
        Map<String, Set<String>> result = new TreeMap<>();
        Matcher row = Pattern.compile("(?m)^\\| `io\\.riskgate\\.([a-z]+)` \\|").matcher(text);
        while (row.find()) {
            result.put(row.group(1), new TreeSet<>());
        }
        int start = text.indexOf("Dependencies point one way");
        assertThat(start).as("the dependency sentence of docs/architecture.md").isNotNegative();
        int end = text.indexOf("\n\n", start);
        String sentence = text.substring(start, end < 0 ? text.length() : end);
        Matcher arrow = Pattern.compile("`([a-z]+) → ([a-z, ]+)`").matcher(sentence);
        while (arrow.find()) {
            Set<String> targets = result.get(arrow.group(1));
            assertThat(targets).as("package " + arrow.group(1) + " of an arrow is in the table").isNotNull();
            Arrays.stream(arrow.group(2).split(",")).map(String::trim).forEach(targets::add);
        }
        return result;
    }

    private static Set<String> packagesOfCore() {
        return CORE.stream().map(JavaClass::getPackageName).filter(n -> n.startsWith(ROOT + "."))
                .map(n -> n.substring(ROOT.length() + 1).split("\\.")[0]).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Path architectureDocument() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path doc = dir.resolve("docs/architecture.md");
            if (Files.isRegularFile(doc)) {
                return doc;
            }
        }
        throw new IllegalStateException("docs/architecture.md not found above " + Path.of("").toAbsolutePath());
    }
}
