package io.jenkins.plugins.riskgate;

import hudson.Extension;
import hudson.ExtensionList;
import hudson.Util;
import hudson.util.FormValidation;
import io.riskgate.RiskGateException;
import io.riskgate.policy.PolicyLoader;
import io.riskgate.policy.RiskPolicy;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * The global policy (Manage Jenkins, or Configuration as Code as {@code unclassified: riskGates: policy: ...}):
 * the same YAML as a repository's {@code .riskgate.yml}. A repository's file may tighten it, never loosen it.
 */
@Extension
@Symbol("riskGates")
public class RiskGateConfiguration extends GlobalConfiguration {
    static final String SOURCE = "the global policy (Manage Jenkins > Deployment Risk Gates)";

    private String policy;

    public RiskGateConfiguration() {
        load();
    }

    public static RiskGateConfiguration get() {
        return ExtensionList.lookupSingleton(RiskGateConfiguration.class);
    }

    public String getPolicy() {
        return policy;
    }

    @DataBoundSetter
    public void setPolicy(String policy) {
        String value = Util.fixEmptyAndTrim(policy);
        if (value != null) {
            PolicyLoader.parse(value, SOURCE);   // refuse an invalid policy, whoever sets it
        }
        this.policy = value;
        save();
    }

    /** The global policy, or the built-in defaults when none is set. */
    public RiskPolicy globalPolicy() {
        return policy == null ? RiskPolicy.defaults() : PolicyLoader.parse(policy, SOURCE);
    }

    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        try {
            setPolicy(json.optString("policy", null));
            return true;
        } catch (RiskGateException e) {
            throw new FormException(e.getMessage(), e, "policy");
        }
    }

    @POST
    public FormValidation doCheckPolicy(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        String yaml = Util.fixEmptyAndTrim(value);
        if (yaml == null) {
            return FormValidation.ok("No global policy: the built-in defaults apply (environments dev, staging, production).");
        }
        try {
            RiskPolicy parsed = PolicyLoader.parse(yaml, "this policy");
            return FormValidation.ok("Valid. Environments: " + parsed.promotion().names()
                    + (parsed.declaresEnvironments() ? "" : " (the defaults)"));
        } catch (RiskGateException e) {
            return FormValidation.error(e.getMessage());
        }
    }
}
