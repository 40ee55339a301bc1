package io.riskgate.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Counting: the sample reports of each tool (src/test/resources/evidence) and the rules for nesting, reruns and summaries. */
class JUnitReportsTest {
    @TempDir
    Path tmp;

    static Path sample(String name) {
        try {
            return Path.of(JUnitReportsTest.class.getResource("/evidence/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private TestEvidence parse(String xml) throws IOException {
        Path file = tmp.resolve("report.xml");
        Files.writeString(file, xml);
        return JUnitReports.parse(file);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // sample                                       | total | failed | errors | skipped | passed | sources | listed failures
            "surefire/TEST-com.example.CalculatorTest.xml    | 5     | 1      | 1      | 1       | 2      | 1       | 2",
            "surefire/TEST-com.example.PaymentClientTest.xml | 5     | 1      | 1      | 0       | 3      | 1       | 2",
            "failsafe/TEST-com.example.CheckoutIT.xml        | 3     | 1      | 0      | 0       | 2      | 1       | 1",
            "gradle/TEST-com.example.GreeterTest.xml         | 4     | 1      | 0      | 1       | 2      | 1       | 1",
            "pytest/junit.xml                                | 6     | 1      | 1      | 2       | 2      | 1       | 2",
            "jest/junit.xml                                  | 5     | 1      | 0      | 1       | 3      | 2       | 1",
            "mocha/test-results.xml                          | 4     | 1      | 0      | 1       | 2      | 3       | 1",
            "go/report-v1.xml                                | 4     | 1      | 0      | 1       | 2      | 2       | 1",
            "go/report-v2.xml                                | 5     | 1      | 1      | 1       | 2      | 2       | 2",
            "nested/phpunit.xml                              | 4     | 1      | 0      | 1       | 2      | 1       | 1",
            "summary/results.xml                             | 19    | 3      | 1      | 1       | 14     | 3       | 1",
    })
    void countsEachToolsReport(String sample, int total, int failed, int errors, int skipped, int passed, int sources, int listed) {
        TestEvidence e = JUnitReports.parse(sample(sample));
        assertThat(List.of(e.total(), e.failed(), e.errors(), e.skipped(), e.passed()))
                .containsExactly(total, failed, errors, skipped, passed);
        assertThat(e.sources()).hasSize(sources).allSatisfy(s -> assertThat(s.file()).isEqualTo(sample(sample).toString()));
        assertThat(e.sources().stream().mapToInt(TestSource::total).sum()).as("sources add up to the total").isEqualTo(total);
        assertThat(e.failures()).as("summary-only suites name no tests").hasSize(listed);
        assertThat(e.hasFailures()).isTrue();
    }

    @Test
    void surefireFailuresNameClassTestAndMessage() {
        TestEvidence e = JUnitReports.parse(sample("surefire/TEST-com.example.CalculatorTest.xml"));
        assertThat(e.failures()).containsExactly(
                "com.example.CalculatorTest.dividesByZero: expected: <Infinity> but was: <NaN>",
                "com.example.CalculatorTest.parsesInput: For input string: \"1,5\"");
        assertThat(e.sources()).singleElement().satisfies(s -> {
            assertThat(s.suite()).isEqualTo("com.example.CalculatorTest");
            assertThat(List.of(s.total(), s.failed(), s.errors(), s.skipped(), s.passed())).containsExactly(5, 1, 1, 1, 2);
        });
    }

    @Test
    void surefireRerunsFlakyTestsPassAndRerunFailuresFail() {
        TestEvidence e = JUnitReports.parse(sample("surefire/TEST-com.example.PaymentClientTest.xml"));
        assertThat(e.failures()).containsExactly(
                "com.example.PaymentClientTest.chargesCard: expected: <PAID> but was: <PENDING>",
                "com.example.PaymentClientTest.refunds: Read timed out");
    }

    @Test
    void eachToolsFailureReadsAsClassTestAndFirstLine() {
        assertThat(JUnitReports.parse(sample("gradle/TEST-com.example.GreeterTest.xml")).failures()).containsExactly(
                "com.example.GreeterTest.greetsLoudly(): org.opentest4j.AssertionFailedError: expected: <HELLO, ADA> but was: <Hello, Ada>");
        assertThat(JUnitReports.parse(sample("pytest/junit.xml")).failures()).containsExactly(
                "tests.test_prices.test_discount[50-40]: assert 50 == 40",
                "tests.test_db.test_connect: failed on setup with \"ConnectionRefusedError: [Errno 111] Connection refused\"");
        assertThat(JUnitReports.parse(sample("jest/junit.xml")).failures()).as("jest-junit writes no message attribute: the text's first line")
                .containsExactly("cart applies a voucher: Error: expect(received).toBe(expected) // Object.is equality");
        assertThat(JUnitReports.parse(sample("mocha/test-results.xml")).failures())
                .containsExactly("Array #indexOf() should return the index of a present value: expected 2 to equal 1");
        assertThat(JUnitReports.parse(sample("go/report-v1.xml")).failures()).containsExactly("cart.TestTotal: Failed");
        assertThat(JUnitReports.parse(sample("go/report-v2.xml")).failures()).containsExactly(
                "github.com/example/shop/cart.TestTotal: Failed", "github.com/example/shop/money.TestRound: Runtime error");
        assertThat(JUnitReports.parse(sample("nested/phpunit.xml")).failures()).containsExactly(
                "App.Tests.PriceTest.testDiscount with data set #1: App\\Tests\\PriceTest::testDiscount with data set #1 (50, 40)");
    }

    @Test
    void sourcesAreTheTopLevelSuites() {
        TestEvidence jest = JUnitReports.parse(sample("jest/junit.xml"));
        assertThat(jest.sources()).extracting(TestSource::suite, TestSource::total, TestSource::failed, TestSource::skipped)
                .containsExactly(tuple("cart", 3, 1, 1), tuple("format", 2, 0, 0));
        TestEvidence mocha = JUnitReports.parse(sample("mocha/test-results.xml"));
        assertThat(mocha.sources()).extracting(TestSource::suite, TestSource::total)
                .containsExactly(tuple("Root Suite", 0), tuple("Array", 0),
                        tuple("#indexOf()", 4));
        assertThat(mocha.summary()).isEqualTo("4 tests: 2 passed, 1 failed, 0 errors, 1 skipped (from 1 report)");
    }

    @Test
    void summaryOnlySuitesCountByAttributesAndTestCasesWinOverAttributes() {
        TestEvidence e = JUnitReports.parse(sample("summary/results.xml"));
        assertThat(e.sources()).extracting(TestSource::suite, TestSource::total, TestSource::failed, TestSource::errors, TestSource::skipped)
                .containsExactly(
                        tuple("checkout.cy.ts", 12, 2, 0, 1),
                        tuple("login.cy.ts", 5, 0, 1, 0),
                        tuple("search.cy.ts", 2, 1, 0, 0));
        assertThat(e.failures()).as("a summary has no test names to list")
                .containsExactly("search.finds by author: Timed out retrying after 4000ms: Expected to find element: .result, but never found it.");
    }

    @Test
    void nestedSuitesCountEachTestCaseOnce() throws IOException {
        TestEvidence e = parse("""
                <testsuite name="all" tests="99" failures="99">
                  <testcase classname="A" name="top"/>
                  <testsuite name="inner" tests="3" failures="1">
                    <testcase classname="B" name="one"><failure message="boom"/></testcase>
                    <testsuite name="innermost" tests="2" skipped="1">
                      <testcase classname="C" name="two"><skipped/></testcase>
                      <testcase classname="C" name="three"/>
                    </testsuite>
                  </testsuite>
                </testsuite>
                """);
        assertThat(List.of(e.total(), e.failed(), e.errors(), e.skipped())).containsExactly(4, 1, 0, 1);
        assertThat(e.sources()).singleElement().extracting(TestSource::suite).isEqualTo("all");
    }

    @Test
    void nestedSummariesWinOverTheirParentsAttributes() throws IOException {
        TestEvidence e = parse("""
                <testsuites>
                  <testsuite name="parent" tests="50" failures="9">
                    <testsuite name="a" tests="3" failures="1"/>
                    <testsuite name="b" tests="4" errors="2" skipped="1"/>
                  </testsuite>
                </testsuites>
                """);
        assertThat(List.of(e.total(), e.failed(), e.errors(), e.skipped())).containsExactly(7, 1, 2, 1);
    }

    @Test
    void aTestCaseWithSeveralResultsCountsOnceAndFailureOutranksError() throws IOException {
        TestEvidence e = parse("""
                <testsuite name="s">
                  <testcase classname="T" name="retried"><failure>first try</failure><failure>second try</failure></testcase>
                  <testcase classname="T" name="teardown"><failure message="assert 1 == 2"/><error message="teardown broke"/></testcase>
                  <testcase classname="T" name="skippedThenBroke"><skipped/><error message="setup broke"/></testcase>
                  <testcase classname="T" name="onlyRerun"><rerunFailure message="still red"/></testcase>
                </testsuite>
                """);
        assertThat(List.of(e.total(), e.failed(), e.errors(), e.skipped())).containsExactly(4, 3, 1, 0);
        assertThat(e.failures()).containsExactly("T.retried: first try", "T.teardown: assert 1 == 2",
                "T.skippedThenBroke: setup broke", "T.onlyRerun: still red");
    }

    @Test
    void testCasesDirectlyUnderTheRootAndOldPytestSkipsAttribute() throws IOException {
        TestEvidence direct = parse("""
                <testsuites name="loose">
                  <testcase name="alone"><error/></testcase>
                  <testsuite name="s"><testcase classname="s" name="ok"/></testsuite>
                </testsuites>
                """);
        assertThat(List.of(direct.total(), direct.errors())).containsExactly(2, 1);
        assertThat(direct.sources()).extracting(TestSource::suite).containsExactly("s", "loose");
        assertThat(direct.failures()).as("no class name: the suite's name").containsExactly("loose.alone: (no message)");

        TestEvidence old = parse("<testsuite errors=\"0\" failures=\"1\" name=\"pytest\" skips=\"2\" tests=\"5\" time=\"0.1\"/>");
        assertThat(List.of(old.total(), old.failed(), old.skipped(), old.passed())).containsExactly(5, 1, 2, 2);
    }

    @Test
    void aReportWithoutTestsIsValid() throws IOException {
        for (String xml : List.of("<testsuites/>", "<testsuite name=\"empty\" tests=\"0\"/>",
                "<?xml version=\"1.0\"?>\n<testsuites name=\"jest tests\" tests=\"0\" failures=\"0\" errors=\"0\" time=\"0.3\">\n</testsuites>\n")) {
            TestEvidence e = parse(xml);
            assertThat(e.total()).isZero();
            assertThat(e.hasFailures()).isFalse();
            assertThat(e.summary()).isEqualTo("0 tests: 0 passed, 0 failed, 0 errors, 0 skipped (from 1 report)");
        }
    }

    @Test
    void attributesAreOnlyCheckedWhereTheyAreUsed() throws IOException {
        TestEvidence e = parse("<testsuite name=\"s\" tests=\"${count}\"><testcase name=\"t\"/></testsuite>");
        assertThat(e.total()).isEqualTo(1);
    }

    @Test
    void summaryCountsNeverAddUpToMoreThanTheTotal() throws IOException {
        TestEvidence e = parse("<testsuite name=\"s\" tests=\"3\" failures=\"2\" skipped=\"4\"/>");
        assertThat(List.of(e.total(), e.failed(), e.skipped(), e.passed())).containsExactly(6, 2, 4, 0);
    }

    @Test
    void failureMessagesAreOneShortLineAndTheListIsCapped() throws IOException {
        StringBuilder xml = new StringBuilder("<testsuite name=\"many\">");
        xml.append("<testcase classname=\"T\" name=\"long\"><failure message=\"").append("x".repeat(500)).append("\"/></testcase>");
        xml.append("<testcase classname=\"T\" name=\"blank\"><failure message=\"  \">\n\n   \tfirst real line  \nsecond</failure></testcase>");
        xml.append("<testcase classname=\"T\" name=\"none\"><error/></testcase>");
        for (int i = 0; i < 30; i++) {
            xml.append("<testcase classname=\"T\" name=\"t").append(i).append("\"><failure message=\"m").append(i).append("\"/></testcase>");
        }
        TestEvidence e = parse(xml.append("</testsuite>").toString());
        assertThat(List.of(e.total(), e.failed(), e.errors())).containsExactly(33, 32, 1);
        assertThat(e.failures()).hasSize(20);
        assertThat(e.failures().get(0)).isEqualTo("T.long: " + "x".repeat(199) + "…");
        assertThat(e.failures().get(1)).isEqualTo("T.blank: first real line");
        assertThat(e.failures().get(2)).isEqualTo("T.none: (no message)");
        assertThat(e.failures().get(19)).isEqualTo("T.t16: m16");
    }

    @Test
    void aStreamIsNamedByTheCallerAndLeftOpen() {
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream("<testsuite name=\"s\"><testcase name=\"t\"/></testsuite>".getBytes(StandardCharsets.UTF_8)) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        TestEvidence e = JUnitReports.parse(in, "artifact.zip!/TEST-s.xml");
        assertThat(e.sources()).containsExactly(new TestSource("artifact.zip!/TEST-s.xml", "s", 1, 0, 0, 0));
        assertThat(closed[0]).isFalse();
    }

    @Test
    void largeReportsAreStreamed() {
        // 200,000 test cases after a 32 MB stack trace, generated on the fly: the parser reads the trace in chunks
        int cases = 200_000;
        int traceChunks = 512;
        TestEvidence e = JUnitReports.parse(generated(i -> {
            if (i == 0) {
                return "<testsuite name=\"big\"><testcase classname=\"Big\" name=\"trace\"><failure message=\"deep\"><![CDATA[";
            } else if (i <= traceChunks) {
                return ("\tat some.deeply.nested.Frame.method(Frame.java:" + i + ")\n").repeat(1200);
            } else if (i == traceChunks + 1) {
                return "]]></failure></testcase>";
            }
            int c = i - traceChunks - 2;
            if (c < cases) {
                return "<testcase classname=\"Big\" name=\"t" + c + "\"" + (c % 1000 == 999 ? "><skipped/></testcase>" : "/>");
            }
            return c == cases ? "</testsuite>" : null;
        }), "generated");
        assertThat(List.of(e.total(), e.failed(), e.skipped(), e.passed())).containsExactly(cases + 1, 1, 200, cases - 200);
        assertThat(e.failures()).containsExactly("Big.trace: deep");
    }

    /** The pieces {@code piece(0)}, {@code piece(1)}, ... up to the first null, as one stream. */
    private static InputStream generated(IntFunction<String> piece) {
        return new SequenceInputStream(new Enumeration<>() {
            private int index;
            private String next = piece.apply(0);

            @Override
            public boolean hasMoreElements() {
                return next != null;
            }

            @Override
            public InputStream nextElement() {
                InputStream current = new ByteArrayInputStream(next.getBytes(StandardCharsets.UTF_8));
                next = piece.apply(++index);
                return current;
            }
        });
    }
}
