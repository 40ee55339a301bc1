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

    @Test
    @WithJenkinsConfiguredWithCode
    @ConfiguredWithCode("casc-export.yaml")
    void theExportedConfigurationConfiguresTheSameAgain(JenkinsConfiguredWithCodeRule r) throws Exception {
        io.jenkins.plugins.casc.ConfigurationContext context =
                new io.jenkins.plugins.casc.ConfigurationContext(io.jenkins.plugins.casc.ConfiguratorRegistry.get());
        io.jenkins.plugins.casc.model.CNode exported = io.jenkins.plugins.casc.misc.Util.getUnclassifiedRoot(context).get("riskGates");
        assertThat(exported).as("riskGates is exported").isNotNull();
        String yaml = io.jenkins.plugins.casc.misc.Util.toYamlString(exported);
        assertThat(yaml).contains("storeUrl: \"jdbc:postgresql://db.example.test:5432/riskgate\"", "storeUser: \"riskgate\"",
                "exportUrl: \"https://changes.example.test/api/changes\"", "exportCredentialsId: \"change-management\"",
                "minTests: 100").doesNotContain("s3cret");

        // a controller configured with what was exported holds the same settings
        RiskGateConfiguration config = RiskGateConfiguration.get();
        config.setStoreUrl(null);
        config.setStoreUser(null);
        config.setStorePassword(null);
        config.setExportUrl(null);
        config.setExportCredentialsId(null);
        config.setPolicy(null);
        io.jenkins.plugins.casc.ConfigurationAsCode.get().configureWith(
                io.jenkins.plugins.casc.yaml.YamlSource.of(new java.io.ByteArrayInputStream(
                        ("unclassified:\n  riskGates:\n" + yaml.indent(4)).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        assertThat(config.getStoreUrl()).isEqualTo("jdbc:postgresql://db.example.test:5432/riskgate");
        assertThat(config.getStoreUser()).isEqualTo("riskgate");
        assertThat(config.getStorePassword().getPlainText()).isEqualTo("s3cret");
        assertThat(config.getExportUrl()).isEqualTo("https://changes.example.test/api/changes");
        assertThat(config.getExportCredentialsId()).isEqualTo("change-management");
        assertThat(config.globalPolicy().promotion().environment("production").minTests()).isEqualTo(100);
        String again = io.jenkins.plugins.casc.misc.Util.toYamlString(io.jenkins.plugins.casc.misc.Util.getUnclassifiedRoot(
                new io.jenkins.plugins.casc.ConfigurationContext(io.jenkins.plugins.casc.ConfiguratorRegistry.get())).get("riskGates"));
        assertThat(withoutPassword(again)).as("exported again: the same, but for the password's encryption").isEqualTo(withoutPassword(yaml));
    }

    private static String withoutPassword(String yaml) {
        return yaml.replaceAll("(?m)^\\s*storePassword: .*\\R", "");
    }
}
