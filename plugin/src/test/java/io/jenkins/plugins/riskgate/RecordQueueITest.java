package io.jenkins.plugins.riskgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskgate.records.ChangeRecord;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.RecordQuery;
import io.riskgate.records.RecordSpool;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/** Change records that wait for the writer when the controller stops are delivered after the restart. */
class RecordQueueITest {
    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @Test
    void recordsQueuedWhenTheControllerStopsAreWrittenAfterTheRestart() throws Throwable {
        CountDownLatch release = new CountDownLatch(1);
        sessions.then(r -> {
            // the writer is busy (a slow store): nothing the builds finish reaches the store in this session
            ChangeRecords.WRITER.submit(() -> {
                release.await(5, TimeUnit.MINUTES);
                return null;
            });
            r.buildAndAssertSuccess(ChangeRecordsITest.promoting(r, "shop"));
            RecordSpool spool = ChangeRecords.spool();
            assertThat(spool.pending()).as("every record is on disk before the controller stops").isEqualTo(3);
        });
        release.countDown();
        sessions.then(r -> {
            ChangeRecords.drain();
            try (ChangeRecordStore store = ChangeRecords.openStore()) {
                assertThat(store.page(RecordQuery.ALL, 0, 10)).extracting(ChangeRecord::environment)
                        .containsExactlyInAnyOrder("dev", "staging", "production");
            }
            assertThat(ChangeRecords.spool().pending()).isZero();
            WorkflowJob job = r.jenkins.getItemByFullName("shop", WorkflowJob.class);
            assertThat(job.getLastBuild().getNumber()).isEqualTo(1);
        });
    }
}
