package io.jenkins.plugins.riskgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.misc.junit.jupiter.WithJenkinsConfiguredWithCode;
import io.riskgate.RiskGateException;
import io.riskgate.policy.RiskPolicy;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

class RiskGateConfigurationITest {
    static final String POLICY = "environments:\n  - name: qa\n  - name: live\n    minTests: 50\n";

    @Test
    @WithJenkins
    void thePolicySurvivesTheConfigurationForm(JenkinsRule r) throws Exception {
        RiskGateConfiguration.get().setPolicy(POLICY);
        r.configRoundtrip();
        RiskPolicy policy = RiskGateConfiguration.get().globalPolicy();
        assertThat(policy.promotion().names()).isEqualTo("qa, live");
        assertThat(policy.promotion().environment("live").minTests()).isEqualTo(50);
        // and it was saved: a fresh instance loads it from JENKINS_HOME
        assertThat(new RiskGateConfiguration().getPolicy()).isEqualTo(POLICY.trim());
    }

    @Test
    @WithJenkins
    void anInvalidPolicyIsRefused(JenkinsRule r) {
        assertThatThrownBy(() -> RiskGateConfiguration.get().setPolicy("environments: [{name: a, minTests: -1}]"))
                .isInstanceOf(RiskGateException.class)
                .hasMessageContaining("environments[0].minTests");
        assertThat(RiskGateConfiguration.get().doCheckPolicy("weights: {lines: lots}").getMessage()).contains("weights.lines");
    }

    @Test
    @WithJenkinsConfiguredWithCode
    @ConfiguredWithCode("casc.yaml")
    void configurationAsCodeSetsThePolicy(JenkinsConfiguredWithCodeRule r) {
        RiskPolicy policy = RiskGateConfiguration.get().globalPolicy();
        assertThat(policy.promotion().names()).isEqualTo("staging, production");
        assertThat(policy.promotion().environment("production").approverGroups()).containsExactly("release-managers");
    }
}
