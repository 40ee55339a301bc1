package io.riskgate.evidence;

import java.util.Objects;

/**
 * The results of one top-level test suite of a report file (for a report without suites, of the
 * file itself). The sources of a {@link TestEvidence} add up to its totals.
 */
public record TestSource(String file, String suite, int total, int failed, int errors, int skipped) implements java.io.Serializable {
    public TestSource {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(suite, "suite");
        TestEvidence.checkCounts(total, failed, errors, skipped);
    }

    public int passed() {
        return total - failed - errors - skipped;
    }
}
