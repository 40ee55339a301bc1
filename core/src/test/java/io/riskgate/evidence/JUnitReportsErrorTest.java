package io.riskgate.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.riskgate.RiskGateException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Reports that cannot count as evidence: each is refused with one line that names the file. Unsafe XML is never expanded. */
class JUnitReportsErrorTest {
    private static final String SECRET = "s3cr3t-Ou7s1de-The-Rep0rt";

    @TempDir
    Path tmp;

    private Path write(String content) throws IOException {
        Path file = tmp.resolve("TEST-broken.xml");
        Files.writeString(file, content);
        return file;
    }

    private EvidenceException refused(String content) throws IOException {
        Path file = write(content);
        EvidenceException e = catchThrowableOfType(() -> JUnitReports.parse(file), EvidenceException.class);
        assertThat(e).as("refused: " + content).isNotNull().isInstanceOf(RiskGateException.class);
        assertThat(e.getMessage()).startsWith("test report " + file + " ").doesNotContain("\n", "\r");
        return e;
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", " ", "\n\n\t \r\n", "\uFEFF\n"})
    void anEmptyOrBlankFileMeansNoResults(String content) throws IOException {
        assertThat(refused(content)).hasMessageEndingWith(" is empty: the test run wrote no results");
    }

    @Test
    void countsBeyondAnyRealRunAreRefusedNotOverflowed() throws IOException {
        assertThat(refused("<testsuite name='s' tests='99999999999999999999'/>"))
                .hasMessageContaining("tests=\"99999999999999999999\", more than 2147483647, which cannot be right");
        assertThat(refused("<testsuites><testsuite name='a' tests='2000000000'/><testsuite name='b' tests='2000000000'/></testsuites>"))
                .hasMessageContaining("counts more than 2147483647 tests");
        assertThat(refused("<testsuites tests='3'><testsuites><testsuite name='a' failures='2000000000'/>"
                + "<testsuite name='b' failures='2000000000'/></testsuites></testsuites>")).hasMessageContaining("counts more than");
        // two reports that are each fine but cannot both be true
        Path one = tmp.resolve("reports/TEST-one.xml");
        Files.createDirectories(one.getParent());
        Files.writeString(one, "<testsuite name='a' tests='2000000000'/>");
        Files.writeString(tmp.resolve("reports/TEST-two.xml"), "<testsuite name='b' tests='2000000000'/>");
        assertThatThrownBy(() -> JUnitReports.collect(tmp, "reports/*.xml")).isInstanceOf(EvidenceException.class)
                .hasMessageContaining("the test reports together count more than 2147483647 tests");
    }

    @Test
    void malformedXmlNamesLineAndColumn() throws IOException {
        assertThat(refused("<testsuite name=\"s\">\n  <testcase name=\"a\">\n</testsuite>\n"))
                .hasMessageMatching("test report .*TEST-broken\\.xml is not well-formed XML at line 3, column 3: "
                        + "The element type \"testcase\" must be terminated by the matching end-tag \"</testcase>\"\\. \\(regenerate it.*\\)");
    }

    @Test
    void aReportCutOffByAKilledRunIsMalformedNotEmpty() throws IOException {
        assertThat(refused("<?xml version=\"1.0\"?>\n<testsuite name=\"s\" tests=\"3\">\n  <testcase name=\"a\"/>\n  <testca"))
                .hasMessageContaining("is not well-formed XML at line 4, column ");
    }

    @Test
    void textThatIsNotXmlIsMalformed() throws IOException {
        assertThat(refused("Tests run: 3, Failures: 0\n")).hasMessageContaining("is not well-formed XML at line 1, column 1: ");
    }

    @Test
    void bytesThatAreNotUtf8AreMalformed() throws IOException {
        Path file = tmp.resolve("latin1.xml");
        Files.write(file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><testsuite name=\"caf\u00e9\"/>".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> JUnitReports.parse(file)).isInstanceOf(EvidenceException.class)
                .hasMessageStartingWith("test report " + file + " is not well-formed XML at line 1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // another root element: not a JUnit report
            "<html><body>404</body></html>|is not a JUnit XML report (root element <html>): let the pattern match JUnit XML files only, such as TEST-*.xml",
            "<failsafe-summary result=\"255\"><completed>3</completed></failsafe-summary>|is not a JUnit XML report (root element <failsafe-summary>)",
            "<testng-results skipped=\"0\" failed=\"0\" total=\"1\" passed=\"1\"/>|is not a JUnit XML report (root element <testng-results>)",
            "<testcase name=\"alone\"/>|is not a JUnit XML report (root element <testcase>)",
            // counts that are used must be whole numbers
            "<testsuite name=\"s\" tests=\"many\"/>|has suite 's' with tests=\"many\", which is not a whole number: fix or regenerate the report",
            "<testsuite name=\"s\" tests=\"3\" failures=\"-1\"/>|has suite 's' with failures=\"-1\", which is not a whole number",
            "<testsuites><testsuite name=\"x\" tests=\"2\" errors=\"1.0\"/></testsuites>|has suite 'x' with errors=\"1.0\", which is not a whole number",
            "<testsuite name=\"s\" skipped=\"99999999999\"/>|has suite 's' with skipped=\"99999999999\", more than 2147483647, which cannot be right",
    })
    void reportsThatAreNotTestResultsNameFileAndReason(String xml, String reason) throws IOException {
        assertThat(refused(xml)).hasMessageContaining(" " + reason);
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = tmp.resolve("target/surefire-reports/TEST-gone.xml");
        assertThatThrownBy(() -> JUnitReports.parse(file)).isInstanceOf(EvidenceException.class)
                .hasMessage("test report " + file + " does not exist: check the path, or that the tests ran");
    }

    @Test
    void aDirectoryCannotBeRead() {
        assertThatThrownBy(() -> JUnitReports.parse(tmp)).isInstanceOf(EvidenceException.class)
                .hasMessageStartingWith("cannot read test report " + tmp + ": ");
    }

    @Test
    void aStreamThatFailsIsACannotRead() {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw new IOException("connection reset");
            }
        };
        assertThatThrownBy(() -> JUnitReports.parse(failing, "remote/TEST-x.xml")).isInstanceOf(EvidenceException.class)
                .hasMessage("cannot read test report remote/TEST-x.xml: connection reset");
    }

    @Test
    void aStreamsErrorsUseItsName() {
        assertThatThrownBy(() -> JUnitReports.parse(new ByteArrayInputStream(new byte[0]), "upload #3"))
                .isInstanceOf(EvidenceException.class).hasMessage("test report upload #3 is empty: the test run wrote no results");
    }

    @Test
    void anyDoctypeIsRefused() throws IOException {
        assertThat(refused("<?xml version=\"1.0\"?>\n<!DOCTYPE testsuite>\n<testsuite name=\"s\"><testcase name=\"t\"/></testsuite>"))
                .hasMessageEndingWith(" declares a DTD (<!DOCTYPE>), which is refused: its entities are never expanded nor its references"
                        + " read; write the report without a DOCTYPE");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            // a general external entity in the content, in an attribute (the failure message), and a parameter entity in the DTD
            "<!DOCTYPE testsuite [<!ENTITY xxe SYSTEM \"%s\">]>\n<testsuite name=\"s\"><testcase name=\"t\"><failure>&xxe;</failure></testcase></testsuite>",
            "<!DOCTYPE testsuite [<!ENTITY xxe SYSTEM \"%s\">]>\n<testsuite name=\"&xxe;\" tests=\"1\"/>",
            "<!DOCTYPE testsuite [<!ENTITY % ext SYSTEM \"%s\"> %ext;]>\n<testsuite name=\"s\"/>",
            "<!DOCTYPE testsuite SYSTEM \"%s\">\n<testsuite name=\"s\"/>",
    })
    void externalEntitiesAreNeverRead(String template) throws IOException {
        Path secret = tmp.resolve("secret.txt");
        Files.writeString(secret, SECRET + "\n");
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + template.replace("%s", secret.toUri().toString());
        EvidenceException e = refused(xml);
        assertThat(e).hasMessageContaining("declares a DTD");
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(SECRET);
        // and through a stream: the same refusal, nothing read from the file
        assertThatThrownBy(() -> JUnitReports.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "stream"))
                .isInstanceOf(EvidenceException.class).hasMessageContaining("declares a DTD")
                .satisfies(t -> assertThat(String.valueOf(t.getMessage()) + t.getCause()).doesNotContain(SECRET));
    }

    @Test
    void entityExpansionIsRefusedNotExpanded() throws IOException {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
        xml.append(" <!ENTITY lol1 \"").append("&lol;".repeat(10)).append("\">\n");
        for (int i = 2; i <= 9; i++) {
            xml.append(" <!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10)).append("\">\n");
        }
        xml.append("]>\n<testsuite name=\"&lol9;\"><testcase name=\"t\"><failure message=\"&lol9;\">&lol9;</failure></testcase></testsuite>\n");
        long before = System.nanoTime();
        EvidenceException e = refused(xml.toString());
        assertThat(e).hasMessageContaining("declares a DTD").hasMessageNotContaining("lollol");
        assertThat(System.nanoTime() - before).as("refused at once, nothing expanded").isLessThan(5_000_000_000L);
    }

    @Test
    void entitiesThatAreNotDeclaredAreMalformed() throws IOException {
        assertThat(refused("<testsuite name=\"s\">&xxe;</testsuite>"))
                .hasMessageContaining("is not well-formed XML at line 1, column ").hasMessageContaining("\"xxe\"");
    }
}
