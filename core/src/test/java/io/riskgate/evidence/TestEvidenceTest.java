package io.riskgate.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TestEvidenceTest {
    private static List<String> failures(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i + ": boom").toList();
    }

    @Test
    void passedIsWhatIsLeft() {
        TestEvidence e = new TestEvidence(412, 1, 0, 2, List.of(), List.of("A.b: boom"));
        assertThat(e.passed()).isEqualTo(409);
        assertThat(e.hasFailures()).isTrue();
        assertThat(new TestEvidence(5, 0, 1, 0, List.of(), List.of()).hasFailures()).as("errors fail too").isTrue();
        assertThat(new TestEvidence(5, 0, 0, 5, List.of(), List.of()).hasFailures()).as("all skipped is no failure").isFalse();
    }

    @Test
    void noneIsZeroEverything() {
        TestEvidence none = TestEvidence.none();
        assertThat(List.of(none.total(), none.failed(), none.errors(), none.skipped(), none.passed())).containsOnly(0);
        assertThat(none.sources()).isEmpty();
        assertThat(none.failures()).isEmpty();
        assertThat(none.hasFailures()).isFalse();
        assertThat(none.summary()).isEqualTo("0 tests: 0 passed, 0 failed, 0 errors, 0 skipped");
    }

    @Test
    void summaryCountsReportsNotSuites() {
        List<TestSource> sources = new ArrayList<>();
        for (int i = 0; i < 37; i++) {
            sources.add(new TestSource("target/surefire-reports/TEST-" + i + ".xml", "S" + i, i < 32 ? 11 : 12, i == 0 ? 1 : 0, 0, i < 2 ? 1 : 0));
        }
        sources.add(new TestSource("target/surefire-reports/TEST-0.xml", "S0$Nested", 0, 0, 0, 0));
        TestEvidence e = new TestEvidence(412, 1, 0, 2, sources, List.of("S0.t: boom"));
        assertThat(e.reports()).isEqualTo(37);
        assertThat(e.summary()).isEqualTo("412 tests: 409 passed, 1 failed, 0 errors, 2 skipped (from 37 reports)");
        assertThat(new TestEvidence(1, 0, 1, 0, List.of(new TestSource("r.xml", "s", 1, 0, 1, 0)), List.of()).summary())
                .isEqualTo("1 test: 0 passed, 0 failed, 1 error, 0 skipped (from 1 report)");
    }

    @Test
    void plusSumsAndConcatenatesAndCapsFailures() {
        TestSource a = new TestSource("a.xml", "A", 30, 15, 0, 3);
        TestSource b = new TestSource("b.xml", "B", 12, 4, 6, 1);
        TestEvidence left = new TestEvidence(30, 15, 0, 3, List.of(a), failures("A.t", 15));
        TestEvidence right = new TestEvidence(12, 4, 6, 1, List.of(b), failures("B.t", 10));
        TestEvidence sum = left.plus(right);
        assertThat(List.of(sum.total(), sum.failed(), sum.errors(), sum.skipped(), sum.passed())).containsExactly(42, 19, 6, 4, 13);
        assertThat(sum.sources()).containsExactly(a, b);
        assertThat(sum.failures()).hasSize(20).startsWith("A.t0: boom").endsWith("B.t4: boom");
        assertThat(sum.failures().subList(14, 16)).containsExactly("A.t14: boom", "B.t0: boom");
        assertThat(sum.summary()).isEqualTo("42 tests: 13 passed, 19 failed, 6 errors, 4 skipped (from 2 reports)");
        assertThat(TestEvidence.none().plus(left)).isEqualTo(left);
        assertThat(left.plus(TestEvidence.none())).isEqualTo(left);
    }

    @Test
    void theFailureListIsCappedAndCopied() {
        List<String> many = new ArrayList<>(failures("T.t", 25));
        TestEvidence e = new TestEvidence(25, 25, 0, 0, List.of(), many);
        many.clear();
        assertThat(e.failures()).hasSize(20).first().isEqualTo("T.t0: boom");
        assertThatThrownBy(() -> e.failures().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void countsMustAddUp() {
        assertThatThrownBy(() -> new TestEvidence(2, 1, 1, 1, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not exceed total (got total 2, failed 1, errors 1, skipped 1)");
        assertThatThrownBy(() -> new TestEvidence(-1, 0, 0, 0, List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TestSource("f", "s", 1, 2, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
