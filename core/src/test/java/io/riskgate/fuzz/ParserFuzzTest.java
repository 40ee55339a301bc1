package io.riskgate.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.riskgate.RiskGateException;
import io.riskgate.evidence.JUnitReports;
import io.riskgate.evidence.TestEvidence;
import io.riskgate.policy.PolicyLoader;
import io.riskgate.policy.RiskPolicy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Generated and mutated inputs for the parsers of untrusted files (JUnit XML reports, policy files),
 * with fixed seeds: every input ends in a value or in one clear error (a {@link RiskGateException}
 * with a one-line message), never in another exception.
 */
class ParserFuzzTest {
    private static final int CASES = 2500;

    private static final List<String> REPORTS = List.of(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"app.ServiceTest\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\">\n"
                    + "  <testcase classname=\"app.ServiceTest\" name=\"works\" time=\"0.1\"/>\n"
                    + "  <testcase classname=\"app.ServiceTest\" name=\"fails\"><failure message=\"expected 1\">trace &amp; more</failure></testcase>\n"
                    + "  <testcase classname=\"app.ServiceTest\" name=\"skipped\"><skipped/></testcase>\n</testsuite>\n",
            "<testsuites tests=\"2\"><testsuite name=\"a\"><testcase name=\"x\"><error type=\"E\"><![CDATA[boom]]></error></testcase>"
                    + "<testcase name=\"y\"/></testsuite><testsuite name=\"b\" tests=\"1\"/></testsuites>",
            "<testsuite name=\"pytest\" tests=\"1\"><properties><property name=\"p\" value=\"v\"/></properties>"
                    + "<testcase classname=\"t\" name=\"n\"><system-out>out</system-out></testcase></testsuite>");

    private static final List<String> XML_TOKENS = List.of("<", ">", "&", "&amp;", "&#0;", "&#x1F600;", "]]>", "<![CDATA[", "<!--",
            "-->", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>", "&e;", "<?xml version=\"1.0\"?>", "\"", "'", "=",
            "tests=\"-1\"", "tests=\"99999999999\"", "failures=\"2147483647\"", "skipped=\"abc\"", "<testsuite>", "</testsuite>",
            "<testcase name=\"z\">", "</testcase>", "<failure/>", "<skipped/>", "\u0000", "\uFEFF", "\uD800", "\n", " ");

    private static final List<String> POLICIES = List.of(
            "version: 1\nweights:\n  lines: 40\n  destructiveMigration: 50\nthresholds: {medium: 30, high: 60, critical: 85}\n"
                    + "minimumLevel: {infrastructure: MEDIUM}\npaths:\n  migrations: ['sql/**', '!sql/seed/**']\n  config: ['*.conf']\n"
                    + "featureFlagMarkers: ['Flags.on(']\ndeletedLineShare: 0.25\n",
            "environments:\n  - name: dev\n    minTests: 0\n  - name: staging\n    minTests: 10\n    allowedFailures: 1\n"
                    + "  - name: production\n    minTests: 100\n    rollback: {required: true, rehearsedWithinDays: 30, onFailure: true}\n"
                    + "    requirePreviousEnvironment: true\n    freeze:\n      - name: weekend\n        weekly: {from: 'FRI 18:00', to: 'MON 08:00'}\n"
                    + "        zone: Europe/Berlin\n      - name: year-end\n        from: 2026-12-20\n        to: 2027-01-04\n"
                    + "    freezeExemptLowRisk: true\n    autoApproveBelow: 25\n    blockAbove: 80\n"
                    + "    approvers: {users: [alice], groups: [release-managers], authorsMayApprove: false, starterMayApprove: false}\n",
            "learning: {model: auto, minOutcomes: 200, minFailures: 20, windowDays: 365, environment: production}\n");

    private static final List<String> YAML_TOKENS = List.of(":", ": ", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "---\n", "...\n",
            "!!binary ", "!!python/object:os.system ", "!!map ", "? ", "|\n", ">\n", "'", "\"", "#", "\t", "\n", "  ", "~", "null",
            ".nan", ".inf", "-.inf", "1e309", "-1", "0x10", "99999999999999999999", "2.5", "true", "yes", "on", "2026-13-45",
            "FUN 18:00", "Mars/Olympus", "name: production\n", "weights: {lines: 1}\n", "<<: *a", "\u0000", "\uFEFF", "%YAML 1.2\n");

    @Test
    void junitReportsEndInEvidenceOrOneClearError() {
        int[] outcomes = fuzz(20261201L, REPORTS, XML_TOKENS, text -> {
            TestEvidence e = JUnitReports.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "TEST-fuzz.xml");
            assertThat(e.total()).isGreaterThanOrEqualTo(e.failed() + e.errors() + e.skipped());
            assertThat(e.failed()).isNotNegative();
            return e;
        });
        assertThat(outcomes[0]).as("values").isPositive();
        assertThat(outcomes[1]).as("clear errors").isPositive();
    }

    @Test
    void policyFilesEndInAPolicyOrOneClearError() {
        int[] outcomes = fuzz(20261202L, POLICIES, YAML_TOKENS, text -> {
            RiskPolicy p = PolicyLoader.parse(text, "fuzz.yml");
            assertThat(p.scoring()).isNotNull();
            return p;
        });
        assertThat(outcomes[0]).as("values").isPositive();
        assertThat(outcomes[1]).as("clear errors").isPositive();
    }

    /** Runs {@link #CASES} mutated inputs; counts values and clear errors, fails on anything else. */
    private static int[] fuzz(long seed, List<String> seeds, List<String> tokens, Function<String, Object> parse) {
        Random random = new Random(seed);
        int[] outcomes = new int[2];
        for (int i = 0; i < CASES; i++) {
            String input = mutate(random, seeds.get(random.nextInt(seeds.size())), tokens);
            try {
                parse.apply(input);
                outcomes[0]++;
            } catch (RiskGateException e) {
                assertThat(e.getMessage()).as("one line for %s", quoted(input)).isNotBlank().doesNotContain("\n", "\r");
                outcomes[1]++;
            } catch (RuntimeException | StackOverflowError e) {
                fail("case " + i + " of seed " + seed + " ended in " + e + " for input " + quoted(input), e);
            }
        }
        return outcomes;
    }

    /** One to four edits: a token inserted, a span deleted or repeated, a character replaced, or the text cut. */
    static String mutate(Random random, String text, List<String> tokens) {
        StringBuilder s = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int k = 0; k < edits; k++) {
            int at = s.length() == 0 ? 0 : random.nextInt(s.length());
            switch (random.nextInt(5)) {
                case 0 -> s.insert(at, tokens.get(random.nextInt(tokens.size())));
                case 1 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(12)));
                case 2 -> {
                    int end = Math.min(s.length(), at + 1 + random.nextInt(40));
                    s.insert(end, s.substring(at, end).repeat(1 + random.nextInt(3)));
                }
                case 3 -> {
                    if (s.length() > 0) {
                        s.setCharAt(at, (char) random.nextInt(128));
                    }
                }
                default -> s.setLength(at);
            }
        }
        return s.toString();
    }

    private static String quoted(String input) {
        String shown = input.length() > 400 ? input.substring(0, 400) + "..." : input;
        return "\"" + shown.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"") + "\"";
    }
}
