package io.jenkins.plugins.riskgate;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Result;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.testing.TestRecords;
import java.time.Duration;
import java.time.Instant;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class AssessChangeStepITest {
    @Test
    void assessesTheWorkspaceAndReturnsAPlainMap(JenkinsRule r) throws Exception {
        WorkflowJob job = PipelineFixtures.inRepository(r, "assess", PipelineFixtures.DROP_COLUMN,
                "  def risk = assessChange(baseline: 'base')\n"
                + "  echo \"score=${risk.score} level=${risk.level} files=${risk.metrics.files} kind=${risk.reversibility[0].kind}\"", true);
        WorkflowRun run = r.buildAndAssertSuccess(job);
        r.assertLogContains("level=HIGH files=1 kind=DESTRUCTIVE_MIGRATION", run);
        r.assertLogContains("[riskgate] risk ", run);
        RiskAssessmentAction action = run.getAction(RiskAssessmentAction.class);
        assertThat(action).isNotNull();
        assertThat(action.getLevel()).isEqualTo("HIGH");
        assertThat(action.getFindings()).extracting(io.riskgate.report.Assessment.Finding::path).containsExactly("db/migration/V2__drop.sql");
        // the build page shows the factor table, escaped
        assertThat(r.createWebClient().getPage(run).getWebResponse().getContentAsString())
                .contains("reversibility.destructive-migration").contains("db/migration/V2__drop.sql");
    }

    @Test
    void failAboveFailsTheStepAfterRecording(JenkinsRule r) throws Exception {
        WorkflowJob job = PipelineFixtures.inRepository(r, "fail-above", PipelineFixtures.DROP_COLUMN,
                "assessChange(baseline: 'base', failAbove: 40)", true);
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job);
        r.assertLogContains("is above failAbove: 40", run);
        assertThat(run.getAction(RiskAssessmentAction.class)).isNotNull();
    }

    @Test
    void badInputFailsWithOneClearMessage(JenkinsRule r) throws Exception {
        WorkflowJob job = PipelineFixtures.inRepository(r, "bad", PipelineFixtures.SMALL_CHANGE, "assessChange(baseline: 'v9.9')", true);
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job);
        r.assertLogContains("baseline 'v9.9' is not a commit", run);
        WorkflowJob env = PipelineFixtures.inRepository(r, "first-deployment", PipelineFixtures.SMALL_CHANGE,
                "assessChange(baseline: 'production')", true);
        r.assertLogContains("has no successful deployment to it yet", r.buildAndAssertStatus(Result.FAILURE, env));
    }

    @Test
    void aRepositoryPolicyThatIsALinkOrTooLargeIsRefusedWhereTheWorkspaceIs(JenkinsRule r) throws Exception {
        WorkflowJob job = PipelineFixtures.inRepository(r, "policy-link", PipelineFixtures.SMALL_CHANGE,
                "  writeFile file: '../target.yml', text: 'weights: {lines: 77}\\n'\n"
                + "  sh 'ln -s ../target.yml .riskgate.yml'\n"
                + "  assessChange(baseline: 'base')", true);
        WorkflowRun run = r.buildAndAssertStatus(Result.FAILURE, job);
        r.assertLogContains("invalid policy .riskgate.yml: is a symbolic link: a policy file in the repository must be a regular file", run);
        r.assertLogNotContains("lines: 77", run);
        WorkflowJob large = PipelineFixtures.inRepository(r, "policy-large", PipelineFixtures.SMALL_CHANGE,
                "  writeFile file: '.riskgate.yml', text: '#' * 1100000\n"
                + "  assessChange(baseline: 'base')", false);
        r.assertLogContains("invalid policy .riskgate.yml: the file has 1100000 bytes; a policy file may have at most 1048576 bytes",
                r.buildAndAssertStatus(Result.FAILURE, large));
    }

    @Test
    void anEnvironmentBaselineIsItsLastSuccessfulDeployment(JenkinsRule r) throws Exception {
        WorkflowJob job = r.createProject(WorkflowJob.class, "env-baseline");
        // the repository is made once and grows by one commit in the second build
        job.setDefinition(new CpsFlowDefinition("node {\n"
                + "if (currentBuild.number == 1) {\n" + PipelineFixtures.repository(PipelineFixtures.SMALL_CHANGE) + "}\n"
                + "else { sh 'cd app && echo more >> App.java && git commit -qam more' }\n"
                + "dir('app') {\n"
                + "  if (currentBuild.number == 1) { assessChange(baseline: 'base'); recordDeployment(environment: 'production', result: 'SUCCEEDED') }\n"
                + "  else { def risk = assessChange(baseline: 'production'); echo \"files=${risk.metrics.files}\" }\n"
                + "}\n}", true));
        r.buildAndAssertSuccess(job);
        WorkflowRun second = r.buildAndAssertSuccess(job);
        r.assertLogContains("[riskgate] baseline production = ", second);
        r.assertLogContains("files=1", second);
    }
    @Test
    void aStoreWithEnoughOutcomesScoresWithTheLearnedModelAndTheFactorsStillAddUp(JenkinsRule r) throws Exception {
        try (ChangeRecordStore store = ChangeRecords.openStore()) {
            store.saveAll(TestRecords.sized(300, "production", Instant.now().minus(Duration.ofDays(100)), Duration.ofHours(6), 1));
        }
        WorkflowJob job = PipelineFixtures.inRepository(r, "learned", PipelineFixtures.DROP_COLUMN,
                "  def risk = assessChange(baseline: 'base')\n"
                + "  echo \"model=${risk.model} level=${risk.level}\"\n"
                + "  def plain = assessChange(baseline: 'base', model: 'default')\n"
                + "  echo \"plain=${plain.model}\"", true);
        WorkflowRun run = r.buildAndAssertSuccess(job);
        r.assertLogContains("[riskgate] model learned-", run);
        r.assertLogContains("learned from 300 deployments since", run);
        r.assertLogContains("level=HIGH", run);   // a destructive migration stays at least HIGH under any model
        r.assertLogContains("plain=default", run);
        RiskAssessmentAction learned = run.getActions(RiskAssessmentAction.class).get(0);
        assertThat(learned.getModel()).startsWith("learned-");
        assertThat(learned.getFactors()).extracting(io.riskgate.risk.Factor::id).contains("learned.baseline", "learned.linesAdded",
                "reversibility.destructive-migration");
        assertThat(learned.getFactors().stream().mapToInt(io.riskgate.risk.Factor::points).sum()).isEqualTo(learned.getScore());
        assertThat(r.createWebClient().getPage(run).getWebResponse().getContentAsString())
                .contains("Model: " + learned.getModel(), "learned.baseline");

        WorkflowJob bad = PipelineFixtures.inRepository(r, "bad-model", PipelineFixtures.SMALL_CHANGE,
                "assessChange(baseline: 'base', model: 'smart')", true);
        r.assertLogContains("model: 'smart' is not a model: use 'auto'", r.buildAndAssertStatus(Result.FAILURE, bad));
    }
}
