package io.riskgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.riskgate.risk.FindingKind;
import io.riskgate.risk.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void anAbsentFileMeansTheBuiltInDefaults() {
        RiskPolicy policy = PolicyLoader.load(tmp, null);
        assertThat(policy.source()).isEqualTo("built-in defaults");
        assertThat(policy.scoring().weight("lines")).isEqualTo(30.0);
        assertThat(policy.scoring().minimumLevel()).containsEntry(FindingKind.DESTRUCTIVE_MIGRATION, Level.HIGH);
    }

    @Test
    void theRepositoryFileOverridesOnlyWhatItNames() throws Exception {
        Files.writeString(tmp.resolve(".riskgate.yml"), String.join("\n",
                "version: 1",
                "weights:",
                "  lines: 40",
                "thresholds: {medium: 20, high: 45, critical: 70}",
                "minimumLevel:",
                "  infrastructure: medium",
                "deletedLineShare: 1",
                "paths:",
                "  exclude: ['generated-sources/']",
                "  migrations: ['schema/']",
                "featureFlagMarkers: ['Flags.on(']",
                ""));
        RiskPolicy policy = PolicyLoader.load(tmp, null);
        assertThat(policy.source()).endsWith(".riskgate.yml");
        assertThat(policy.scoring().weight("lines")).isEqualTo(40.0);
        assertThat(policy.scoring().weight("files")).isEqualTo(15.0);
        assertThat(policy.scoring().thresholds().levelOf(45)).isEqualTo(Level.HIGH);
        assertThat(policy.scoring().minimumLevel())
                .containsEntry(FindingKind.INFRASTRUCTURE, Level.MEDIUM)
                .containsEntry(FindingKind.DESTRUCTIVE_MIGRATION, Level.HIGH);
        assertThat(policy.scoring().deletedLineShare()).isEqualTo(1.0);
        assertThat(policy.detection().exclude().matches("generated-sources/A.java")).isTrue();
        assertThat(policy.detection().exclude().matches("vendor/x.go")).as("defaults are kept").isTrue();
        assertThat(policy.detection().migrations().matches("schema/001.sql")).isTrue();
        assertThat(policy.detection().featureFlagMarkers()).contains("Flags.on(", "isFeatureEnabled");
    }

    @Test
    void anExplicitFileWinsAndMustExist() throws Exception {
        Files.writeString(tmp.resolve(".riskgate.yml"), "weights: {lines: 40}\n");
        Path other = tmp.resolve("strict.yml");
        Files.writeString(other, "weights: {lines: 50}\n");
        assertThat(PolicyLoader.load(tmp, other).scoring().weight("lines")).isEqualTo(50.0);
        assertThatThrownBy(() -> PolicyLoader.load(tmp, tmp.resolve("missing.yml")))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("missing.yml does not exist");
    }

    @Test
    void aRepositoryFileIsARegularFileOfAtMostOneMebibyteInUtf8NotALink() throws Exception {
        Path secret = tmp.resolve("secret.txt");
        Files.writeString(secret, "weights: {lines: 99}\n");
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        // a link committed as the policy file is refused, whatever it points to; given explicitly, a link is the user's own choice
        Files.createSymbolicLink(repo.resolve(".riskgate.yml"), secret);
        assertThatThrownBy(() -> PolicyLoader.load(repo, null)).isInstanceOf(PolicyException.class)
                .hasMessage("invalid policy " + repo.resolve(".riskgate.yml") + ": is a symbolic link: a policy file in the repository must be"
                        + " a regular file")
                .hasMessageNotContaining("lines: 99");   // the target's text (the temporary directory's name may hold "99")
        assertThat(PolicyLoader.load(repo, repo.resolve(".riskgate.yml")).scoring().weight("lines")).isEqualTo(99.0);
        Files.delete(repo.resolve(".riskgate.yml"));
        // a dangling link, or a directory, in its place is refused too, not taken for an absent file
        Files.createSymbolicLink(repo.resolve(".riskgate.yml"), tmp.resolve("nowhere"));
        assertThatThrownBy(() -> PolicyLoader.load(repo, null)).hasMessageContaining("is a symbolic link");
        Files.delete(repo.resolve(".riskgate.yml"));
        Files.createDirectory(repo.resolve(".riskgate.yml"));
        assertThatThrownBy(() -> PolicyLoader.load(repo, null)).hasMessageContaining("is not a regular file");
        Files.delete(repo.resolve(".riskgate.yml"));
        // too large: refused from its size, before it is read
        Path large = repo.resolve(".riskgate.yml");
        try (var out = Files.newOutputStream(large)) {
            out.write(("# " + "x".repeat(1000) + "\n").repeat(1100).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> PolicyLoader.repositoryFile(repo, false)).isInstanceOf(PolicyException.class)
                .hasMessage("invalid policy .riskgate.yml: the file has " + Files.size(large) + " bytes; a policy file may have at most 1048576"
                        + " bytes (1 MiB)");
        // not UTF-8
        Files.write(large, new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
        assertThatThrownBy(() -> PolicyLoader.repositoryFile(repo, false)).hasMessage("invalid policy .riskgate.yml: is not"
                + " UTF-8 text");
        // the usual case, and .riskgate.yaml
        Files.delete(large);
        Files.writeString(repo.resolve(".riskgate.yaml"), "weights: {lines: 41}\n");
        assertThat(PolicyLoader.repositoryFile(repo, false)).isEqualTo(new PolicyLoader.RepositoryFile(".riskgate.yaml", "weights: {lines: 41}\n"));
        assertThat(PolicyLoader.repositoryFile(repo, true).source()).isEqualTo(repo.resolve(".riskgate.yaml").toString());
        assertThat(PolicyLoader.repositoryFile(tmp.resolve("secret.txt").getParent().resolve("empty-" + System.nanoTime()), false)).isNull();
        assertThat(PolicyLoader.load(repo, null).scoring().weight("lines")).isEqualTo(41.0);
    }

    @Test
    void theHistorySectionSetsTheLookBackAndAddsFixPatterns() {
        RiskPolicy p = PolicyLoader.parse("history:\n  lookBackDays: 90\n  maxCommits: 500\n  fixPatterns: ['^OPS-\\d+']\n", "h.yml");
        assertThat(p.detection().history().lookBackDays()).isEqualTo(90);
        assertThat(p.detection().history().maxCommits()).isEqualTo(500);
        assertThat(p.detection().history().fixPatterns()).startsWith(io.riskgate.git.HistoryRules.DEFAULT_FIX_PATTERNS.get(0)).endsWith("^OPS-\\d+");
        assertThat(PolicyLoader.parse("", "e.yml").detection().history()).isEqualTo(io.riskgate.git.HistoryRules.defaults());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PolicyLoader.parse("history: {fixPatterns: ['(']}\n", "bad.yml"))
                .hasMessageContaining("history.fixPatterns[0]").hasMessageContaining("not a regular expression");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PolicyLoader.parse("history: {lookBackDays: 0}\n", "bad.yml"))
                .hasMessageContaining("history.lookBackDays");
    }

    @Test
    void anEmptyFileIsTheDefaults() {
        assertThat(PolicyLoader.parse("", "empty.yml").scoring().weight("lines")).isEqualTo(30.0);
        assertThat(PolicyLoader.parse("# only a comment\n", "c.yml").scoring().weight("lines")).isEqualTo(30.0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "weigths: {lines: 1}|weigths: unknown field (known: deletedLineShare",
            "weights: {lnes: 1}|weights.lnes: unknown field (known: additiveMigration",
            "weights: {lines: many}|weights.lines: must be a number (got 'many')",
            "weights: {lines: -1}|weights.lines: must be between 0 and 1000 (got -1)",
            "weights: [1, 2]|weights: must be a mapping",
            "thresholds: {medium: 60, high: 50}|thresholds: thresholds must rise",
            "thresholds: {low: 10}|thresholds.low: unknown field",
            "minimumLevel: {destructiveMigration: SEVERE}|minimumLevel.destructiveMigration: must be one of LOW, MEDIUM, HIGH, CRITICAL (got 'SEVERE')",
            "minimumLevel: {featureFlag: HIGH}|minimumLevel.featureFlag: unknown field",
            "deletedLineShare: 2|deletedLineShare: must be between 0 and 1 (got 2)",
            "paths: {migrations: 'db/'}|paths.migrations: must be a list of strings (got 'db/')",
            "paths: {migrations: ['db/[x']}|paths.migrations[0]: unclosed '['",
            "paths: {exclude: [1]}|paths.exclude[0]: must be a non-empty string (got 1)",
            "featureFlagMarkers: ['']|featureFlagMarkers[0]: must be a non-empty string",
            "version: 2|version: only version 1 is supported",
            "version: 1.5|version: only version 1 is supported (got 1.5)",
            "thresholds: {medium: 25.5}|thresholds.medium: must be a whole number (got 25.5)",
            "weights: {lines: 10}\\nweights: {files: 3}|weights: line 2, column 1: the key is given twice",
            "weights: {lines: 10, lines: 12}|weights.lines: line 1, column 22: the key is given twice",
            "paths: {migrations: [a/]}\\n---\\nversion: 1|line 3, column 1: a second YAML document",
            "base: &w {lines: 10}\\nweights: *w|base: line 1, column 7: anchors and aliases (&w) are not allowed",
            "weights: {lines: 10}\\nthresholds: {medium: *x}|not allowed",
            "weights: {lines: 1|not valid YAML",
            "- just\\n- a list|must be a mapping",
    })
    void invalidFilesFailWithFileFieldAndReason(String yaml, String message) {
        assertThatThrownBy(() -> PolicyLoader.parse(yaml.replace("\\n", "\n"), "repo/.riskgate.yml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageStartingWith("invalid policy repo/.riskgate.yml: ")
                .hasMessageContaining(message);
    }

    @Test
    void aPolicyFileOverOneMebibyteIsRefusedBeforeItIsParsed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path big = dir.resolve(".riskgate.yml");
        java.nio.file.Files.writeString(big, "featureFlagMarkers: [" + "x".repeat(PolicyLoader.MAX_BYTES) + "]\n");
        assertThatThrownBy(() -> PolicyLoader.fromFile(big)).isInstanceOf(PolicyException.class)
                .hasMessage("invalid policy " + big + ": the file has " + java.nio.file.Files.size(big) + " bytes; a policy file may have at most 1048576 bytes (1 MiB)");
        assertThatThrownBy(() -> PolicyLoader.parse("#".repeat(PolicyLoader.MAX_BYTES + 1), "global"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("at most 1048576 bytes");
        // a file of exactly the limit is read
        String atLimit = "version: 1\n" + "#".repeat(PolicyLoader.MAX_BYTES - 12) + "\n";
        assertThat(PolicyLoader.parse(atLimit, "p.yml")).isNotNull();
    }

    @Test
    void yamlSyntaxErrorsNameTheLine() {
        assertThatThrownBy(() -> PolicyLoader.parse("weights:\n  lines: 1\n bad: [\n", "p.yml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageMatching("invalid policy p\\.yml: line \\d+, column \\d+: not valid YAML \\([^\\n]+\\)");
    }
    @Test
    void theLearningSectionSetsWhenALearnedModelScores() {
        assertThat(PolicyLoader.parse("weights: {lines: 40}\n", "p.yml").learning()).isNull();
        assertThat(PolicyLoader.parse("weights: {lines: 40}\n", "p.yml").learningOrDefaults()).isEqualTo(LearningPolicy.defaults());
        LearningPolicy l = PolicyLoader.parse(String.join("\n", "learning:", "  model: auto", "  minOutcomes: 500",
                "  minFailures: 40", "  windowDays: 180", "  environment: production", ""), "p.yml").learning();
        assertThat(l).isEqualTo(new LearningPolicy(LearningPolicy.Model.AUTO, 500, 40, 180, "production"));
        assertThat(PolicyLoader.parse("learning: {model: DEFAULT}\n", "p.yml").learning().model()).isEqualTo(LearningPolicy.Model.DEFAULT);
        assertThat(PolicyLoader.parse("learning: {windowDays: 90}\n", "p.yml").learning())
                .isEqualTo(new LearningPolicy(LearningPolicy.Model.AUTO, 200, 20, 90, null));
    }

    @Test
    void learningErrorsNameTheFieldAndTheFix() {
        assertThatThrownBy(() -> PolicyLoader.parse("learning: {model: smart}\n", "p.yml"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("learning.model")
                .hasMessageContaining("must be auto").hasMessageContaining("or default");
        assertThatThrownBy(() -> PolicyLoader.parse("learning: {minOutcomes: 30, minFailures: 20}\n", "p.yml"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("learning.minFailures")
                .hasMessageContaining("minOutcomes (30) must be at least twice minFailures (20)");
        assertThatThrownBy(() -> PolicyLoader.parse("learning: {windowDays: 0}\n", "p.yml"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("learning.windowDays").hasMessageContaining("between 1 and 36500");
        assertThatThrownBy(() -> PolicyLoader.parse("learning: {window: 30}\n", "p.yml"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("learning.window").hasMessageContaining("unknown field");
        assertThatThrownBy(() -> PolicyLoader.parse("learning: {minOutcomes: 2.5}\n", "p.yml"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("must be a whole number");
    }

    @Test
    void aRepositoryPolicyCannotChangeTheGlobalLearningSettings() {
        RiskPolicy global = PolicyLoader.parse("learning: {minOutcomes: 400, minFailures: 40}\n", "global");
        RiskPolicy repo = PolicyLoader.parse("learning: {model: default}\n", "repo.yml");
        java.util.List<String> notes = new java.util.ArrayList<>();
        RiskPolicy merged = global.tightenedBy(repo, notes);
        assertThat(merged.learningOrDefaults().minOutcomes()).isEqualTo(400);
        assertThat(merged.learningOrDefaults().model()).isEqualTo(LearningPolicy.Model.AUTO);
        assertThat(notes).containsExactly("the learning settings of repo.yml are ignored: the global policy's apply");
        java.util.List<String> none = new java.util.ArrayList<>();
        global.tightenedBy(PolicyLoader.parse("weights: {lines: 40}\n", "repo.yml"), none);
        assertThat(none).isEmpty();
    }
}
