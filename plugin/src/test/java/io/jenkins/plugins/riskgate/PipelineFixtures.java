package io.jenkins.plugins.riskgate;

import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jvnet.hudson.test.JenkinsRule;

/** Pipeline script fragments shared by the integration tests: a demo repository and a recorded test report. */
final class PipelineFixtures {
    private PipelineFixtures() {
    }

    /** A git repository in {@code app/}: tag {@code base}, then one commit by dev@example.com with {@code change} as its shell. */
    static String repository(String change) {
        return "sh '''\n"
                + "rm -rf app && mkdir -p app/db/migration && cd app\n"
                + "git init -q -b main && git config user.email dev@example.com && git config user.name Dev\n"
                + "echo 'class App {}' > App.java && git add -A && git commit -qm base && git tag base\n"
                + change + "\n"
                + "git add -A && git commit -qm change\n"
                + "'''\n"
                + "writeFile file: 'app/reports/TEST-AppTest.xml', text: '<testsuite name=\"AppTest\" tests=\"2\">"
                + "<testcase classname=\"AppTest\" name=\"a\"/><testcase classname=\"AppTest\" name=\"b\"/></testsuite>'\n"
                + "junit 'app/reports/*.xml'\n";
    }

    /** A Pipeline job {@code name} that makes {@link #repository} with {@code change} on a node and runs {@code body} in {@code app/}. */
    static WorkflowJob inRepository(JenkinsRule r, String name, String change, String body, boolean sandbox) throws Exception {
        WorkflowJob job = r.createProject(WorkflowJob.class, name);
        job.setDefinition(new CpsFlowDefinition("node {\n" + repository(change) + "dir('app') {\n" + body
                + "\n}\n}", sandbox));
        return job;
    }

    static final String SMALL_CHANGE = "echo 'class App { int x; }' > App.java";
    static final String DROP_COLUMN = "echo 'ALTER TABLE orders DROP COLUMN note;' > db/migration/V2__drop.sql";

    /**
     * Declares rollbacks and promotes through every environment of the default policy (dev, staging, production; each
     * after the previous one took the change), all inside {@code dir('app')}.
     */
    static String promoteToProduction(String productionBody) {
        return "dir('app') {\n"
                + "  assessChange(baseline: 'base')\n"
                + "  promote(to: 'dev') { echo 'deploy dev' }\n"
                + "  declareRollback(environment: 'staging', command: 'echo rollback-staging')\n"
                + "  promote(to: 'staging') { echo 'deploy staging' }\n"
                + "  declareRollback(environment: 'production', command: 'echo ROLLBACK-RAN > rolled-back.txt', runbook: 'https://runbooks.example.com/app')\n"
                + "  promote(to: 'production') { " + productionBody + " }\n"
                + "}\n";
    }
}
