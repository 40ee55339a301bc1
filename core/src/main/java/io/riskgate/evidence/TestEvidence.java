package io.riskgate.evidence;

import java.util.ArrayList;
import java.util.List;

/**
 * Totals of automated test results and where they came from. {@code failures} holds up to
 * {@value #MAX_FAILURES} entries {@code "Suite.testName: first line of the message"} that explain
 * a blocked gate; the counts are always complete.
 */
public record TestEvidence(int total, int failed, int errors, int skipped, List<TestSource> sources, List<String> failures) implements java.io.Serializable {
    /** How many failure entries are kept. */
    public static final int MAX_FAILURES = 20;

    private static final TestEvidence NONE = new TestEvidence(0, 0, 0, 0, List.of(), List.of());

    /** Checks the counts; failures beyond {@value #MAX_FAILURES} are dropped. */
    public TestEvidence {
        checkCounts(total, failed, errors, skipped);
        sources = List.copyOf(sources);
        failures = List.copyOf(failures.size() > MAX_FAILURES ? failures.subList(0, MAX_FAILURES) : failures);
    }

    /** No tests, no reports. */
    public static TestEvidence none() {
        return NONE;
    }

    public int passed() {
        return total - failed - errors - skipped;
    }

    /** Whether any test failed or broke. */
    public boolean hasFailures() {
        return failed + errors > 0;
    }

    /** How many report files the sources come from. */
    public int reports() {
        return (int) sources.stream().map(TestSource::file).distinct().count();
    }

    /** Both together: counts summed, sources and failures of this one first. */
    public TestEvidence plus(TestEvidence other) {
        return sum(List.of(this, other));
    }

    /** All of them together, in order (one pass, for many reports). */
    static TestEvidence sum(List<TestEvidence> parts) {
        int total = 0;
        int failed = 0;
        int errors = 0;
        int skipped = 0;
        List<TestSource> sources = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (TestEvidence e : parts) {
            try {
                total = Math.addExact(total, e.total);
                failed = Math.addExact(failed, e.failed);
                errors = Math.addExact(errors, e.errors);
                skipped = Math.addExact(skipped, e.skipped);
            } catch (ArithmeticException overflow) {
                throw new EvidenceException("the test reports together count more than " + Integer.MAX_VALUE
                        + " tests (or failures, errors or skipped tests), which cannot be right: fix or regenerate the reports ("
                        + e.sources.stream().map(TestSource::file).distinct().limit(3).toList() + " among them)");
            }
            sources.addAll(e.sources);
            failures.addAll(e.failures.subList(0, Math.min(e.failures.size(), MAX_FAILURES - failures.size())));
        }
        return new TestEvidence(total, failed, errors, skipped, sources, failures);
    }

    /** One line, e.g. {@code "412 tests: 409 passed, 1 failed, 0 errors, 2 skipped (from 37 reports)"}. */
    public String summary() {
        // evidence without report files (e.g. test results a CI server recorded) does not claim "from 0 reports"
        return count(total, "test") + ": " + passed() + " passed, " + failed + " failed, " + count(errors, "error") + ", "
                + skipped + " skipped" + (sources.isEmpty() ? "" : " (from " + count(reports(), "report") + ")");
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    static void checkCounts(int total, int failed, int errors, int skipped) {
        if (total < 0 || failed < 0 || errors < 0 || skipped < 0 || (long) failed + errors + skipped > total) {
            throw new IllegalArgumentException("test counts must be non-negative and failed + errors + skipped must not exceed total (got total "
                    + total + ", failed " + failed + ", errors " + errors + ", skipped " + skipped + ")");
        }
    }
}
