package io.riskgate.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Finding reports by Ant-style globs in a real directory tree. */
class JUnitReportsCollectTest {
    private static final String MAVEN_AND_GRADLE = "**/target/surefire-reports/*.xml, build/test-results/**/*.xml";

    @TempDir
    Path tmp;

    /** Writes a report of {@code passed} passing and {@code failed} failing tests at {@code path} (below the temp dir). */
    private void report(String path, int passed, int failed) throws IOException {
        StringBuilder xml = new StringBuilder("<testsuite name=\"" + path + "\">");
        for (int i = 0; i < passed + failed; i++) {
            xml.append("<testcase classname=\"C\" name=\"t").append(i).append(i < passed ? "\"/>" : "\"><failure message=\"no\"/></testcase>");
        }
        write(path, xml.append("</testsuite>").toString());
    }

    private void write(String path, String content) throws IOException {
        Path file = tmp.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static List<String> files(TestEvidence e) {
        return e.sources().stream().map(TestSource::file).toList();
    }

    @Test
    void severalPatternsWithDoubleStarAtZeroAndMoreDepths() throws IOException {
        report("target/surefire-reports/TEST-a.xml", 1, 0);               // ** as zero directories
        report("module/target/surefire-reports/TEST-b.xml", 2, 0);        // one
        report("apps/web/api/target/surefire-reports/TEST-c.xml", 3, 1);  // three
        report("build/test-results/TEST-d.xml", 4, 0);                    // ** as zero directories
        report("build/test-results/test/TEST-e.xml", 5, 0);
        report("build/test-results/integrationTest/nested/TEST-f.xml", 6, 2);
        // near misses
        report("target/surefire-reports/old/TEST-x.xml", 100, 100);      // * does not cross a directory
        report("module/build/test-results/test/TEST-y.xml", 100, 100);    // a glob matches from the base directory only
        report("target/surefire-reports.xml", 100, 100);
        write("target/surefire-reports/TEST-a.txt", "Tests run: 1");
        report(".git/target/surefire-reports/TEST-git.xml", 100, 100);
        report("module/.git/build/test-results/TEST-git.xml", 100, 100);

        TestEvidence e = JUnitReports.collect(tmp, MAVEN_AND_GRADLE);
        assertThat(files(e)).containsExactly(
                "apps/web/api/target/surefire-reports/TEST-c.xml",
                "build/test-results/TEST-d.xml",
                "build/test-results/integrationTest/nested/TEST-f.xml",
                "build/test-results/test/TEST-e.xml",
                "module/target/surefire-reports/TEST-b.xml",
                "target/surefire-reports/TEST-a.xml");
        assertThat(List.of(e.total(), e.failed(), e.passed())).containsExactly(24, 3, 21);
        assertThat(e.failures()).containsExactly(
                "C.t3: no", "C.t6: no", "C.t7: no");
        assertThat(e.summary()).isEqualTo("24 tests: 21 passed, 3 failed, 0 errors, 0 skipped (from 6 reports)");
    }

    @Test
    void aFileMatchedByTwoPatternsCountsOnce() throws IOException {
        report("reports/TEST-a.xml", 3, 0);
        report("reports/deep/TEST-b.xml", 2, 0);
        TestEvidence e = JUnitReports.collect(tmp, "reports/*.xml,**/TEST-*.xml, reports/TEST-a.xml ,");
        assertThat(files(e)).containsExactly("reports/TEST-a.xml", "reports/deep/TEST-b.xml");
        assertThat(e.total()).isEqualTo(5);
    }

    @Test
    void singleStarPatternsStayAtTheirDepth() throws IOException {
        report("reports/TEST-a.xml", 1, 0);
        report("reports/sub/TEST-b.xml", 1, 0);
        report("TEST-top.xml", 1, 0);
        assertThat(files(JUnitReports.collect(tmp, "reports/*.xml"))).containsExactly("reports/TEST-a.xml");
        assertThat(files(JUnitReports.collect(tmp, "*.xml"))).containsExactly("TEST-top.xml");
        assertThat(files(JUnitReports.collect(tmp, "reports/*/TEST-?.xml"))).containsExactly("reports/sub/TEST-b.xml");
        assertThat(files(JUnitReports.collect(tmp, "./reports/"))).as("Ant: a directory means everything below it")
                .containsExactly("reports/TEST-a.xml", "reports/sub/TEST-b.xml");
    }

    @Test
    void alternativesMayHoldCommas() throws IOException {
        report("target/surefire-reports/TEST-a.xml", 1, 0);
        report("target/failsafe-reports/TEST-b.xml", 1, 0);
        report("target/other-reports/TEST-c.xml", 1, 0);
        TestEvidence e = JUnitReports.collect(tmp, "target/{surefire,failsafe}-reports/TEST-*.xml");
        assertThat(files(e)).containsExactly("target/failsafe-reports/TEST-b.xml", "target/surefire-reports/TEST-a.xml");
    }

    @Test
    void noMatchNamesPatternsAndDirectory() throws IOException {
        report("target/surefire-reports/TEST-a.xml", 1, 0);
        report(".git/build/test-results/TEST-only-in-git.xml", 1, 0);
        assertThatThrownBy(() -> JUnitReports.collect(tmp, " build/test-results/**/*.xml, out/*.xml "))
                .isInstanceOf(EvidenceException.class)
                .hasMessage("no test reports match 'build/test-results/**/*.xml, out/*.xml' in " + tmp + ": check the path, or that the tests ran");
        assertThatThrownBy(() -> JUnitReports.collect(tmp, ".git/**/*.xml")).as("reports inside .git are never read")
                .isInstanceOf(EvidenceException.class).hasMessageStartingWith("no test reports match '.git/**/*.xml'");
    }

    @Test
    void collectIfAnyGivesNullWhenNothingMatchesButStillNamesABrokenReport() throws IOException {
        write("target/surefire-reports/TEST-A.xml", "<testsuite name=\"A\" tests=\"1\"><testcase classname=\"A\" name=\"a\"/></testsuite>");
        assertThat(JUnitReports.collectIfAny(tmp, "build/test-results/**/*.xml")).isNull();
        TestEvidence found = JUnitReports.collectIfAny(tmp, "**/TEST-*.xml");
        assertThat(found.total()).isEqualTo(1);
        write("target/surefire-reports/TEST-B.xml", "<testsuite name=\"B\"><testcase");
        assertThatThrownBy(() -> JUnitReports.collectIfAny(tmp, "**/TEST-*.xml"))
                .isInstanceOf(EvidenceException.class)
                .hasMessageContaining("TEST-B.xml");
    }

    @Test
    void evidenceCrossesASerializedChannelIntact() throws Exception {
        write("target/surefire-reports/TEST-A.xml", "<testsuite name=\"A\" tests=\"2\"><testcase classname=\"A\" name=\"a\"/>"
                + "<testcase classname=\"A\" name=\"b\"><failure message=\"boom\"/></testcase></testsuite>");
        TestEvidence evidence = JUnitReports.collect(tmp, "**/TEST-*.xml");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(evidence);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(evidence);
        }
    }

    @Test
    void aBrokenReportAmongGoodOnesIsNamed() throws IOException {
        report("a/target/surefire-reports/TEST-a.xml", 5, 0);
        write("b/target/surefire-reports/TEST-b.xml", "<testsuite name=\"b\"><testcase name=\"t\">");
        report("c/target/surefire-reports/TEST-c.xml", 5, 0);
        assertThatThrownBy(() -> JUnitReports.collect(tmp, MAVEN_AND_GRADLE))
                .isInstanceOf(EvidenceException.class)
                .hasMessageStartingWith("test report b/target/surefire-reports/TEST-b.xml is not well-formed XML at line 1, column ");
        write("b/target/surefire-reports/TEST-b.xml", "");
        assertThatThrownBy(() -> JUnitReports.collect(tmp, MAVEN_AND_GRADLE))
                .hasMessage("test report b/target/surefire-reports/TEST-b.xml is empty: the test run wrote no results");
    }

    @Test
    void aFailsafeSummaryMatchedByTheGlobIsRefused() throws IOException {
        report("target/failsafe-reports/TEST-it.xml", 2, 0);
        write("target/failsafe-reports/failsafe-summary.xml", "<failsafe-summary result=\"0\" timeout=\"false\"><completed>2</completed></failsafe-summary>");
        assertThatThrownBy(() -> JUnitReports.collect(tmp, "target/failsafe-reports/*.xml"))
                .hasMessage("test report target/failsafe-reports/failsafe-summary.xml is not a JUnit XML report (root element <failsafe-summary>):"
                        + " let the pattern match JUnit XML files only, such as TEST-*.xml");
        assertThat(JUnitReports.collect(tmp, "target/failsafe-reports/TEST-*.xml").total()).isEqualTo(2);
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @ValueSource(strings = {"", "   ", " , ,"})
    void aBlankPatternIsRefused(String patterns) {
        assertThatThrownBy(() -> JUnitReports.collect(tmp, patterns)).isInstanceOf(EvidenceException.class)
                .hasMessage("no test report pattern given for " + tmp + ": name the reports, e.g. '**/target/surefire-reports/*.xml'");
        assertThatThrownBy(() -> JUnitReports.collect(tmp, null)).isInstanceOf(EvidenceException.class);
    }

    @Test
    void patternsStayInsideTheBaseDirectory() {
        assertThatThrownBy(() -> JUnitReports.collect(tmp, "../other/*.xml")).isInstanceOf(EvidenceException.class)
                .hasMessage("test report pattern '../other/*.xml' leaves the workspace (..): write it relative to the workspace");
        assertThatThrownBy(() -> JUnitReports.collect(tmp, "/var/reports/*.xml")).isInstanceOf(EvidenceException.class)
                .hasMessage("test report pattern '/var/reports/*.xml' is absolute: write it relative to the workspace");
        assertThatThrownBy(() -> JUnitReports.collect(tmp, "reports/[a.xml")).isInstanceOf(EvidenceException.class)
                .hasMessage("invalid test report pattern 'reports/[a.xml': unclosed '[' in path pattern '/reports/[a.xml'");
        assertThatThrownBy(() -> JUnitReports.collect(tmp.resolve("missing"), "*.xml")).isInstanceOf(EvidenceException.class)
                .hasMessage("test report directory " + tmp.resolve("missing") + " does not exist or is not a directory: check the path");
    }

    @Test
    void linksOutOfTheBaseDirectoryAreNotFollowed() throws IOException {
        Path base = Files.createDirectories(tmp.resolve("workspace"));
        Path outside = Files.createDirectories(tmp.resolve("elsewhere/reports"));
        Files.writeString(outside.resolve("TEST-outside.xml"), "<testsuite name=\"outside\"><testcase name=\"t\"/></testsuite>");
        Files.createDirectories(base.resolve("own"));
        Files.writeString(base.resolve("own/TEST-own.xml"), "<testsuite name=\"own\"><testcase name=\"t\"/></testsuite>");
        try {
            Files.createSymbolicLink(base.resolve("linked-dir"), outside);
            Files.createSymbolicLink(base.resolve("own/TEST-linked.xml"), outside.resolve("TEST-outside.xml"));
            Files.createSymbolicLink(base.resolve("own/TEST-inside-link.xml"), base.resolve("own/TEST-own.xml"));
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "symbolic links are not available here: " + e);
        }
        assertThat(files(JUnitReports.collect(base, "**/*.xml"))).containsExactly("own/TEST-inside-link.xml", "own/TEST-own.xml");
        assertThatThrownBy(() -> JUnitReports.collect(base, "linked-dir/*.xml")).hasMessageStartingWith("no test reports match");
    }
}
