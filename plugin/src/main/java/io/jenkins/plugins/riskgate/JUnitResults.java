package io.jenkins.plugins.riskgate;

import hudson.model.Run;
import hudson.tasks.test.AbstractTestResultAction;
import hudson.tasks.test.TestResult;
import io.riskgate.evidence.TestEvidence;
import java.util.ArrayList;
import java.util.List;

/** Test results recorded by the JUnit plugin (an optional dependency: only called when it is installed). */
final class JUnitResults {
    private JUnitResults() {
    }

    static TestEvidence of(Run<?, ?> run) {
        AbstractTestResultAction<?> action = run.getAction(AbstractTestResultAction.class);
        if (action == null) {
            return null;
        }
        List<String> failures = new ArrayList<>();
        for (TestResult failed : action.getFailedTests()) {
            if (failures.size() == TestEvidence.MAX_FAILURES) {
                break;
            }
            String details = failed.getErrorDetails();
            failures.add(failed.getFullName() + (details == null ? "" : ": " + details.lines().findFirst().orElse("")));
        }
        return new TestEvidence(action.getTotalCount(), action.getFailCount(), 0, action.getSkipCount(), List.of(), failures);
    }
}
