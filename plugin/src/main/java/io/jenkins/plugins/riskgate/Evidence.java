package io.jenkins.plugins.riskgate;

import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.riskgate.evidence.JUnitReports;
import io.riskgate.evidence.TestEvidence;
import java.io.File;
import java.io.IOException;
import jenkins.MasterToSlaveFileCallable;

/**
 * The test evidence of a build: JUnit XML reports matching the step's globs (read where the
 * workspace is), or else the test results the build recorded with the junit step. Null when there
 * is none: the gate's minimum-tests rule then says so.
 */
final class Evidence {
    private Evidence() {
    }

    static TestEvidence of(Run<?, ?> run, FilePath workspace, String globs, TaskListener listener) throws IOException, InterruptedException {
        if (globs != null) {
            if (workspace == null) {
                throw new hudson.AbortException(Messages.Evidence_TestsNeedWorkspace(globs));
            }
            TestEvidence found = workspace.act(new Collect(globs));
            listener.getLogger().println("[riskgate] " + Messages.Evidence_Tests(found == null ? Messages.Evidence_NoReportsMatch(globs) : found.summary()));
            return found;
        }
        if (JenkinsFacade.JENKINS.hasPlugin("junit")) {
            TestEvidence recorded = JUnitResults.of(run);
            listener.getLogger().println("[riskgate] " + Messages.Evidence_Tests(recorded == null ? Messages.Evidence_NoneRecorded() : Messages.Evidence_RecordedByJunit(recorded.summary())));
            return recorded;
        }
        listener.getLogger().println("[riskgate] " + Messages.Evidence_Tests(Messages.Evidence_NoJunit()));
        return null;
    }

    private static final class Collect extends MasterToSlaveFileCallable<TestEvidence> {
        private static final long serialVersionUID = 1L;
        private final String globs;

        Collect(String globs) {
            this.globs = globs;
        }

        @Override
        public TestEvidence invoke(File dir, VirtualChannel channel) {
            return JUnitReports.collectIfAny(dir.toPath(), globs);
        }
    }
}
