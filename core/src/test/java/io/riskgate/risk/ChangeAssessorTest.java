package io.riskgate.risk;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskgate.policy.PolicyLoader;
import io.riskgate.policy.RiskPolicy;
import io.riskgate.testing.TestRepo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeAssessorTest {
    @TempDir
    Path tmp;

    TestRepo repo;
    String base;

    @BeforeEach
    void baseline() {
        repo = TestRepo.init(tmp.resolve("repo"));
        repo.lines("src/main/java/app/Service.java", "// service", 40);
        repo.lines("src/main/java/app/Other.java", "// other", 40);
        repo.write("README.md", "# App\n");
        base = repo.commit("baseline");
    }

    private RiskAssessment assess() {
        return assess(RiskPolicy.defaults());
    }

    private RiskAssessment assess(RiskPolicy policy) {
        return new ChangeAssessor(policy.detection(), policy.scoring()).assess(repo.dir(), base, "HEAD");
    }

    private static Map<String, Integer> points(RiskAssessment a) {
        return a.factors().stream().collect(Collectors.toMap(Factor::id, Factor::points, Integer::sum));
    }

    private static List<ReversibilityFinding> findings(RiskAssessment a, FindingKind kind) {
        return a.findings().stream().filter(f -> f.kind() == kind).toList();
    }

    private static void assertExplained(RiskAssessment a) {
        assertThat(a.factors().stream().mapToInt(Factor::points).sum()).as("factors add up to the score").isEqualTo(a.score());
        assertThat(a.score()).isBetween(0, 100);
        assertThat(a.factors()).allSatisfy(f -> assertThat(f.explanation()).isNotBlank());
    }

    @Test
    void aSmallCodeChangeIsLowAndEveryPointIsExplained() {
        repo.write("src/main/java/app/Service.java", "// service 1\n// changed\n");
        repo.commit("small");
        RiskAssessment a = assess();
        assertExplained(a);
        assertThat(a.level()).isEqualTo(Level.LOW);
        assertThat(a.metrics().files()).isEqualTo(1);
        assertThat(a.metrics().linesAdded()).isEqualTo(1);
        assertThat(a.metrics().linesDeleted()).isEqualTo(39);
        assertThat(a.findings()).isEmpty();
    }

    @Test
    void sizeSaturatesSoOneHugeNumberCannotHideTheRest() {
        repo.lines("src/main/java/app/Big.java", "// big", 200_000);
        repo.commit("huge");
        RiskAssessment huge = assess();
        assertExplained(huge);
        assertThat(points(huge).get("size.lines")).isEqualTo(30);
        assertThat(huge.score()).isLessThan(ScoringRules.defaults().thresholds().high());
    }

    @Test
    void biggerChangesScoreHigher() {
        repo.lines("src/main/java/app/A.java", "// a", 50);
        repo.commit("50 lines");
        int small = assess().score();
        for (int i = 0; i < 20; i++) {
            repo.lines("module" + (i % 5) + "/pkg" + i + "/F" + i + ".java", "// f", 100);
        }
        repo.commit("2000 lines in 20 files");
        RiskAssessment big = assess();
        assertExplained(big);
        assertThat(big.score()).isGreaterThan(small);
        assertThat(big.metrics().files()).isEqualTo(21);
        assertThat(big.metrics().subsystems()).isEqualTo(6);
        assertThat(big.metrics().directories()).isEqualTo(21);
        assertThat(big.metrics().commits()).isEqualTo(2);
    }

    @Test
    void entropyIsOneForAnEvenSpreadAndLowForAConcentratedOne() {
        repo.lines("a/x.txt", "x", 10);
        repo.lines("b/y.txt", "y", 10);
        repo.commit("even");
        assertThat(assess().metrics().entropy()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        repo.lines("a/x.txt", "x", 1000);
        repo.commit("uneven");
        double uneven = assess().metrics().entropy();
        assertThat(uneven).isLessThan(0.2);
    }

    @Test
    void aDocsOnlyChangeIsLowEvenWhenLarge() {
        for (int i = 0; i < 30; i++) {
            repo.lines("docs/guide/page" + i + ".md", "text", 300);
        }
        repo.lines("CHANGELOG.md", "entry", 50);
        repo.commit("docs");
        RiskAssessment a = assess();
        assertExplained(a);
        assertThat(a.level()).isEqualTo(Level.LOW);
        assertThat(points(a)).containsKey("adjust.docs-only");
        assertThat(points(a).get("adjust.docs-only")).isNegative();
        assertThat(a.metrics().linesAdded()).isEqualTo(30 * 300 + 50);
    }

    @Test
    void aDestructiveFlywayMigrationIsAtLeastHighWithItsLine() {
        repo.write("src/main/resources/db/migration/V2__drop_legacy.sql",
                "-- remove the legacy table\nCREATE TABLE audit (id int);\nDROP TABLE legacy_users;\n");
        repo.commit("drop");
        RiskAssessment a = assess();
        assertExplained(a);
        assertThat(a.level().atLeast(Level.HIGH)).isTrue();
        List<ReversibilityFinding> destructive = findings(a, FindingKind.DESTRUCTIVE_MIGRATION);
        assertThat(destructive).hasSize(1);
        assertThat(destructive.get(0).line()).isEqualTo(3);
        assertThat(destructive.get(0).evidence()).contains("drops a table").contains("DROP TABLE legacy_users");
        assertThat(points(a)).containsKeys("reversibility.destructive-migration", "adjust.minimum-level");
        assertThat(findings(a, FindingKind.ADDITIVE_MIGRATION)).isEmpty();
    }

    @Test
    void sqlStatementsAreReadAcrossLinesForDeleteAndUpdateWithoutWhere() {
        repo.write("db/migrations/003_cleanup.sql", String.join("\n",
                "UPDATE accounts",
                "   SET active = false",
                "   WHERE last_login < '2020-01-01';",
                "DELETE",
                "  FROM sessions;",
                "UPDATE orders SET archived = true;",
                "ALTER TABLE users ALTER COLUMN email TYPE varchar(64);",
                "ALTER TABLE users RENAME COLUMN name TO full_name;",
                "ALTER TABLE users ALTER COLUMN phone SET NOT NULL;",
                "TRUNCATE audit_log;",
                "ALTER TABLE users DROP COLUMN legacy;", ""));
        repo.commit("cleanup");
        RiskAssessment a = assess();
        List<ReversibilityFinding> d = findings(a, FindingKind.DESTRUCTIVE_MIGRATION);
        assertThat(d).extracting(ReversibilityFinding::line).containsExactly(4, 6, 7, 8, 9, 10, 11);
        assertThat(d.get(0).evidence()).contains("DELETE without WHERE");
        assertThat(d.get(1).evidence()).contains("UPDATE without WHERE");
        assertThat(d.get(2).evidence()).contains("column type");
        assertThat(d.get(3).evidence()).contains("renames");
        assertThat(d.get(4).evidence()).contains("NOT NULL");
        assertThat(d.get(5).evidence()).contains("truncates");
        assertThat(d.get(6).evidence()).contains("drops a column");
    }

    @Test
    void migrationDslsOfTheCommonFrameworksAreRecognised() {
        repo.write("db/migrate/20240101_remove_name.rb",
                "class RemoveName < ActiveRecord::Migration[7.0]\n  def change\n    remove_column :users, :name\n  end\nend\n");
        repo.write("shop/migrations/0007_auto.py",
                "operations = [\n    migrations.RemoveField(model_name='order', name='note'),\n]\n");
        repo.write("alembic/versions/abc123_drop.py", "def upgrade():\n    op.drop_column('users', 'age')\n");
        repo.write("migrations/20240101_knex.js", "exports.up = k => k.schema.table('t', t => { t.dropColumn('c') })\n");
        repo.write("src/main/resources/db/changelog/002.xml",
                "<databaseChangeLog>\n  <changeSet id=\"2\" author=\"a\">\n    <renameColumn tableName=\"t\" oldColumnName=\"a\" newColumnName=\"b\"/>\n  </changeSet>\n</databaseChangeLog>\n");
        repo.write("prisma/migrations/20240101_init/migration.sql", "ALTER TABLE \"User\" DROP COLUMN \"age\";\n");
        repo.write("shop/migrations/__init__.py", "");
        repo.commit("migrations");
        RiskAssessment a = assess();
        Map<String, Integer> lines = findings(a, FindingKind.DESTRUCTIVE_MIGRATION).stream()
                .collect(Collectors.toMap(ReversibilityFinding::path, ReversibilityFinding::line));
        assertThat(lines).containsOnly(
                Map.entry("db/migrate/20240101_remove_name.rb", 3),
                Map.entry("shop/migrations/0007_auto.py", 2),
                Map.entry("alembic/versions/abc123_drop.py", 2),
                Map.entry("migrations/20240101_knex.js", 1),
                Map.entry("src/main/resources/db/changelog/002.xml", 3),
                Map.entry("prisma/migrations/20240101_init/migration.sql", 1));
    }

    @Test
    void anAdditiveMigrationIsNotDestructive() {
        repo.write("src/main/resources/db/migration/V3__add_email.sql",
                "ALTER TABLE users ADD COLUMN email varchar(255);\nCREATE INDEX users_email ON users(email);\nUPDATE users SET email = '' WHERE email IS NULL;\n");
        repo.commit("additive");
        RiskAssessment a = assess();
        assertExplained(a);
        assertThat(findings(a, FindingKind.DESTRUCTIVE_MIGRATION)).isEmpty();
        assertThat(findings(a, FindingKind.ADDITIVE_MIGRATION)).singleElement()
                .satisfies(f -> assertThat(f.evidence()).contains("ADD COLUMN email"));
        assertThat(a.level()).isEqualTo(Level.LOW);
    }

    @Test
    void infrastructureDependencyApiConfigAndSecretsAreFound() {
        repo.write("infra/main.tf", "resource \"aws_s3_bucket\" \"b\" {}\n");
        repo.write("Dockerfile", "FROM eclipse-temurin:17\n");
        repo.write("deploy/app.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n");
        repo.write("pom.xml", "<project>\n  <version>2.0.0</version>\n</project>\n");
        repo.write("api/orders.proto", "syntax = \"proto3\";\nmessage Order { string id = 1; }\n");
        repo.write("src/main/resources/application-prod.yml", "server:\n  port: 8080\n");
        repo.write("certs/server.pem", "-----BEGIN CERTIFICATE-----\n");
        repo.commit("platform");
        RiskAssessment a = assess();
        assertExplained(a);
        assertThat(findings(a, FindingKind.INFRASTRUCTURE)).extracting(ReversibilityFinding::path)
                .containsExactlyInAnyOrder("infra/main.tf", "Dockerfile", "deploy/app.yaml");
        assertThat(findings(a, FindingKind.INFRASTRUCTURE)).filteredOn(f -> f.path().equals("deploy/app.yaml"))
                .singleElement().satisfies(f -> {
                    assertThat(f.evidence()).contains("Kubernetes manifest");
                    assertThat(f.line()).isEqualTo(2);
                });
        assertThat(findings(a, FindingKind.DEPENDENCY)).singleElement()
                .satisfies(f -> assertThat(f.evidence()).contains("<version>2.0.0</version>"));
        assertThat(findings(a, FindingKind.PUBLIC_API)).singleElement()
                .satisfies(f -> assertThat(f.evidence()).contains("additive"));
        assertThat(findings(a, FindingKind.CONFIG)).extracting(ReversibilityFinding::path)
                .containsExactlyInAnyOrder("src/main/resources/application-prod.yml", "certs/server.pem");
        assertThat(points(a)).containsKeys("reversibility.infrastructure", "reversibility.dependency",
                "reversibility.public-api", "reversibility.config", "reversibility.secrets");
        assertThat(points(a).get("reversibility.public-api")).isEqualTo(5);
    }

    @Test
    void removingApiDefinitionsIsBreaking() {
        repo.write("api/orders.proto", "syntax = \"proto3\";\nmessage Order {\n  string id = 1;\n  string note = 2;\n}\n");
        base = repo.commit("api");
        repo.write("api/orders.proto", "syntax = \"proto3\";\nmessage Order {\n  string id = 1;\n}\n");
        repo.commit("remove field");
        RiskAssessment a = assess();
        assertThat(findings(a, FindingKind.PUBLIC_API)).singleElement()
                .satisfies(f -> assertThat(f.evidence()).contains("lost 1 line"));
        assertThat(points(a).get("reversibility.public-api")).isEqualTo(15);
    }

    @Test
    void deletionsAreFoundButDeletedDocsAreNot() {
        repo.delete("src/main/java/app/Other.java");
        repo.delete("README.md");
        repo.commit("delete");
        RiskAssessment a = assess();
        assertExplained(a);
        assertThat(findings(a, FindingKind.DELETED_FILES)).singleElement()
                .satisfies(f -> {
                    assertThat(f.path()).isEqualTo("src/main/java/app/Other.java");
                    assertThat(f.evidence()).contains("40 lines");
                });
        assertThat(points(a)).containsKey("reversibility.deleted-files");
    }

    @Test
    void aFeatureFlagGuardTakesPointsOff() {
        repo.write("infra/main.tf", "resource \"x\" \"y\" {}\n");
        repo.write("src/main/java/app/Checkout.java",
                "class Checkout {\n  void run() {\n    if (flags.isFeatureEnabled(\"new-checkout\")) { newFlow(); }\n  }\n}\n");
        repo.commit("flagged");
        RiskAssessment withFlag = assess();
        assertExplained(withFlag);
        assertThat(findings(withFlag, FindingKind.FEATURE_FLAG)).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("src/main/java/app/Checkout.java");
            assertThat(f.line()).isEqualTo(3);
            assertThat(f.evidence()).contains("isFeatureEnabled");
        });
        assertThat(points(withFlag).get("mitigation.feature-flag")).isEqualTo(-10);
    }

    @Test
    void testsCountForSizeButRaiseNoFinding() {
        repo.write("src/test/resources/db/migration/V1__fixture.sql", "DROP TABLE fixture;\n");
        repo.write("src/test/java/app/CheckoutTest.java", "if (flags.isFeatureEnabled(\"x\")) {}\n");
        repo.delete("src/main/java/app/Other.java");
        repo.write("src/main/java/app/OtherTest.java", "class OtherTest {}\n");
        repo.commit("tests");
        RiskAssessment a = assess();
        assertExplained(a);
        assertThat(a.findings()).extracting(ReversibilityFinding::kind).containsExactly(FindingKind.DELETED_FILES);
        assertThat(a.metrics().files()).isEqualTo(4);
    }

    @Test
    void aMitigationNeverPushesTheScoreBelowZero() {
        repo.write("src/main/java/app/Service.java", "// service 1\nif (featureFlag) {}\n");
        repo.commit("tiny flagged");
        RiskAssessment a = assess();
        assertExplained(a);
        assertThat(a.score()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void generatedAndVendoredFilesAreExcludedFromSizeButStillSeen() {
        repo.lines("vendor/lib/big.go", "x", 5000);
        repo.lines("web/package-lock.json", "x", 5000);
        repo.write("web/package.json", "{ \"version\": \"1.0.1\" }\n");
        repo.commit("deps");
        RiskAssessment a = assess();
        assertThat(a.metrics().files()).isEqualTo(1);
        assertThat(a.metrics().excludedFiles()).isEqualTo(2);
        assertThat(a.metrics().linesAdded()).isEqualTo(1);
        assertThat(findings(a, FindingKind.DEPENDENCY)).extracting(ReversibilityFinding::path)
                .containsExactlyInAnyOrder("web/package.json", "web/package-lock.json");
    }

    @Test
    void pureRenamesAndBinaryFilesAreCountedApart() {
        repo.move("src/main/java/app/Other.java", "src/main/java/app/moved/Other.java");
        repo.writeBytes("assets/logo.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 0});
        repo.commit("move");
        RiskAssessment a = assess();
        assertThat(a.metrics().renames()).isEqualTo(1);
        assertThat(a.metrics().binaryFiles()).isEqualTo(1);
        assertThat(a.metrics().files()).isEqualTo(1);
        assertThat(a.metrics().linesAdded()).isZero();
    }

    @Test
    void mergesAreCountedOnceAndReportedApart() {
        repo.checkout("-b", "feature");
        repo.write("src/main/java/app/Feature.java", "class Feature {}\n");
        repo.commitAs("Bob", "bob@example.com", "feature");
        repo.checkout("main");
        repo.merge("feature", "Merge feature");
        RiskAssessment a = assess();
        assertThat(a.metrics().commits()).isEqualTo(1);
        assertThat(a.metrics().merges()).isEqualTo(1);
        assertThat(a.metrics().authors()).isEqualTo(1);
        assertThat(a.metrics().linesAdded()).isEqualTo(1);
    }

    @Test
    void thePolicyFileChangesWeightsPatternsAndMinimumLevels() {
        repo.write("schema/changes/drop.sql", "DROP TABLE t;\n");
        repo.write("src/main/java/app/X.java", "if (Toggles.on(\"x\")) {}\n");
        repo.commit("custom");
        RiskPolicy policy = PolicyLoader.parse(String.join("\n",
                "weights:", "  destructiveMigration: 60",
                "minimumLevel:", "  destructiveMigration: CRITICAL",
                "paths:", "  migrations: ['schema/changes/']",
                "featureFlagMarkers: ['Toggles.on(']", ""), "test policy");
        RiskAssessment a = assess(policy);
        assertExplained(a);
        assertThat(points(a).get("reversibility.destructive-migration")).isEqualTo(60);
        assertThat(a.level()).isEqualTo(Level.CRITICAL);
        assertThat(findings(a, FindingKind.FEATURE_FLAG)).hasSize(1);
        RiskAssessment defaults = assess();
        assertThat(findings(defaults, FindingKind.DESTRUCTIVE_MIGRATION)).isEmpty();
    }

    @Test
    void anEmptyChangeScoresZero() {
        RiskAssessment a = new ChangeAssessor(DetectionRules.defaults(), ScoringRules.defaults()).assess(repo.dir(), "HEAD", "HEAD");
        assertExplained(a);
        assertThat(a.score()).isZero();
        assertThat(a.metrics().files()).isZero();
    }
    @Test
    void onlyFlagChecksInCodeEarnTheDiscountNotMarkersInCommentsOrStrings() {
        repo.write("src/main/java/app/Notes.java", String.join("\n",
                "class Notes {",
                "  // featureFlag: guard this later",
                "  /* isFeatureEnabled",
                "     FeatureToggle */",
                "   * @see FeatureFlag",
                "  String key = \"featureFlagMarkers\";",
                "  String t = `isFeatureEnabled`;",
                "  List<String> all = concat(featureFlagMarkers.stream(), other.featureFlagMarkers());",
                "}", ""));
        repo.write("scripts/tool.py", "# feature_flag\n'''is_feature_enabled\n'''\nname = \"feature_flag\"\n");
        repo.commit("markers that are not checks");
        assertThat(findings(assess(), FindingKind.FEATURE_FLAG)).isEmpty();

        repo.write("src/main/java/app/Checkout.java", "class Checkout {\n  void run() {\n    if (flags.isFeatureEnabled(\"new-checkout\")) { newFlow(); } // featureFlag\n  }\n}\n");
        repo.write("config/application.properties", "# featureFlag in a comment\n");
        repo.commit("a real check");
        List<ReversibilityFinding> flags = findings(assess(), FindingKind.FEATURE_FLAG);
        assertThat(flags).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("src/main/java/app/Checkout.java");
            assertThat(f.line()).isEqualTo(3);
            assertThat(f.evidence()).startsWith("'isFeatureEnabled' in:");
        });
    }

    @Test
    void aLineWithoutCommentOrStringCharactersIsCodeUnlessABlockCommentIsOpen() {
        repo.write("src/main/java/app/Pay.java", String.join("\n",
                "class Pay {",
                "  /* the old way:",
                "     if (featureFlags.isOn(LEGACY)) { legacy(); }",
                "  */",
                "  void run() {",
                "    if (featureFlags.isOn(NEW_PAY)) { newPay(); }",
                "  }",
                "}", ""));
        repo.commit("a check without strings or comments on its line");
        assertThat(findings(assess(), FindingKind.FEATURE_FLAG)).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("src/main/java/app/Pay.java");
            assertThat(f.line()).isEqualTo(6);
        });
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} ~ {1} = {2}")
    @org.junit.jupiter.params.provider.CsvSource({
            "'if (featureFlags.isOn(x)) {', featureFlag, true",
            "'client = new FeatureFlagClient(key);', FeatureFlag, true",
            "'if (isFeatureFlagOn(\"x\"))', FeatureFlag, true",
            "'if (config.enabled(FEATURE_FLAG_NEW_CHECKOUT))', FEATURE_FLAG, true",
            "'if feature_flag_enabled(\"x\"):', feature_flag, true",
            "'return featureFlag;', featureFlag, true",
            "'markers = featureFlagMarkers.stream();', featureFlag, false",
            "'int myfeatureFlagCount = 0;', featureFlag, false",
            "'if (ldClient.boolVariation(\"x\", u, false))', boolVariation(, true",
    })
    void aPlainNameMarkerCountsAsANameOrWithAFlagWord(String code, String marker, boolean expected) {
        assertThat(ChangeAnalyzer.flagCheck(code, marker)).isEqualTo(expected);
    }

    @Test
    void aFlagDeclaredInConfigurationStillCounts() {
        repo.write("config/flags.json", "{\n  \"featureFlag\": {\"new-checkout\": false}\n}\n");
        repo.commit("flag in configuration");
        assertThat(findings(assess(), FindingKind.FEATURE_FLAG)).singleElement().satisfies(f -> assertThat(f.path()).isEqualTo("config/flags.json"));
    }

    @Test
    void sqlCommentsAndStringLiteralsAreNotStatements() {
        repo.write("db/migration/V2__index.sql", String.join("\n",
                "/* DROP TABLE t; */ CREATE INDEX idx_a ON t (a);",
                "/* the old way:",
                "   ALTER TABLE t DROP COLUMN b;",
                "*/",
                "-- TRUNCATE t;",
                "INSERT INTO notes (text) VALUES ('DROP TABLE x; -- not a statement');",
                "CREATE FUNCTION f() RETURNS void AS $body$ BEGIN TRUNCATE audit; END $body$ LANGUAGE plpgsql;", ""));
        repo.commit("additive with comments");
        RiskAssessment a = assess();
        assertThat(findings(a, FindingKind.DESTRUCTIVE_MIGRATION)).isEmpty();
        assertThat(findings(a, FindingKind.ADDITIVE_MIGRATION)).singleElement().satisfies(f -> assertThat(f.evidence()).contains("CREATE INDEX"));

        repo.write("db/migration/V3__drop.sql", "/* cleanup */ DROP TABLE old_orders; /* done\n */ ALTER TABLE t DROP COLUMN c;\n");
        repo.commit("destructive after comments");
        List<ReversibilityFinding> d = findings(assess(), FindingKind.DESTRUCTIVE_MIGRATION);
        assertThat(d).extracting(ReversibilityFinding::line).containsExactly(1, 2);
        assertThat(d.get(0).evidence()).contains("drops a table");
    }

    @Test
    void editingAMigrationThatExistedAtTheBaselineIsItsOwnFinding() {
        repo.write("db/migration/V1__init.sql", "CREATE TABLE orders (id INT);\n");
        repo.write("db/migration/R__views.sql", "CREATE OR REPLACE VIEW v AS SELECT 1;\n");
        repo.write("db/changelog/db.changelog-master.xml", "<databaseChangeLog>\n  <changeSet id=\"1\" author=\"a\"><createTable tableName=\"t\"/></changeSet>\n</databaseChangeLog>\n");
        repo.write("db/migrate/20240101_create_users.rb", "class CreateUsers < ActiveRecord::Migration[7.0]\n  def change\n    create_table :users\n  end\nend\n");
        base = repo.commit("applied migrations");

        repo.write("db/migration/V1__init.sql", "CREATE TABLE orders (id INT, note TEXT);\n");
        repo.write("db/migration/R__views.sql", "CREATE OR REPLACE VIEW v AS SELECT 2;\n");
        repo.write("db/changelog/db.changelog-master.xml", "<databaseChangeLog>\n  <changeSet id=\"1\" author=\"a\"><createTable tableName=\"t\"/></changeSet>\n"
                + "  <changeSet id=\"2\" author=\"a\"><addColumn tableName=\"t\"/></changeSet>\n</databaseChangeLog>\n");
        repo.move("db/migrate/20240101_create_users.rb", "db/migrate/20250101_create_users.rb");
        repo.commit("edit applied migrations");
        RiskAssessment a = assess();
        assertExplained(a);
        assertThat(findings(a, FindingKind.EDITED_MIGRATION)).extracting(ReversibilityFinding::path)
                .containsExactlyInAnyOrder("db/migration/V1__init.sql", "db/migrate/20250101_create_users.rb");
        assertThat(findings(a, FindingKind.EDITED_MIGRATION)).anySatisfy(f -> assertThat(f.evidence()).startsWith("renamed from db/migrate/20240101_create_users.rb"));
        // the edit is not an additive migration; the repeatable view and the appended changeset are
        assertThat(findings(a, FindingKind.ADDITIVE_MIGRATION)).extracting(ReversibilityFinding::path)
                .containsExactlyInAnyOrder("db/migration/R__views.sql", "db/changelog/db.changelog-master.xml");
        assertThat(points(a)).containsEntry("reversibility.edited-migration", 30);
        assertThat(a.level()).isGreaterThanOrEqualTo(Level.MEDIUM);

        repo.write("db/changelog/db.changelog-master.xml", "<databaseChangeLog>\n  <changeSet id=\"1\" author=\"a\"><createTable tableName=\"t2\"/></changeSet>\n"
                + "  <changeSet id=\"2\" author=\"a\"><addColumn tableName=\"t\"/></changeSet>\n</databaseChangeLog>\n");
        repo.commit("change an applied changeset");
        assertThat(findings(assess(), FindingKind.EDITED_MIGRATION)).extracting(ReversibilityFinding::path).contains("db/changelog/db.changelog-master.xml");
    }

    @Test
    void aMinifiedOneLineFileCountsByItsCharactersNotAsOneLine() {
        repo.write("web/dist/bundle.js", "var a=1;".repeat(250_000) + "\n");
        repo.commit("bundle");
        RiskAssessment a = assess();
        assertExplained(a);
        assertThat(a.metrics().linesAdded()).as("lines stay git's count").isEqualTo(1);
        assertThat(points(a).get("size.lines")).isGreaterThanOrEqualTo(25);
        assertThat(a.factors()).filteredOn(f -> f.id().equals("size.lines")).singleElement()
                .satisfies(f -> assertThat(f.explanation()).contains("added lines over 1,000 characters").contains("19,999 more"));

        base = repo.head();
        repo.write("src/main/java/app/Service.java", "// a line of ordinary length\n");
        repo.commit("ordinary");
        assertThat(assess().factors()).filteredOn(f -> f.id().equals("size.lines")).singleElement()
                .satisfies(f -> assertThat(f.explanation()).doesNotContain("characters"));
    }
}
