package io.jenkins.plugins.riskgate;

import hudson.Extension;
import hudson.ExtensionList;
import hudson.Util;
import hudson.util.FormValidation;
import hudson.util.Secret;
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
    private String storeUrl;
    private String storeUser;
    private Secret storePassword;
    private String exportUrl;
    private String exportCredentialsId;
    private String notifyUrl;
    private String notifyCredentialsId;

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

    /** The JDBC URL of a shared PostgreSQL store, or null for the embedded store in JENKINS_HOME/riskgate/records. */
    public String getStoreUrl() {
        return storeUrl;
    }

    @DataBoundSetter
    public void setStoreUrl(String storeUrl) {
        this.storeUrl = Util.fixEmptyAndTrim(storeUrl);
        save();
    }

    public String getStoreUser() {
        return storeUser;
    }

    @DataBoundSetter
    public void setStoreUser(String storeUser) {
        this.storeUser = Util.fixEmptyAndTrim(storeUser);
        save();
    }

    public Secret getStorePassword() {
        return storePassword;
    }

    @DataBoundSetter
    public void setStorePassword(Secret storePassword) {
        this.storePassword = storePassword;
        save();
    }

    /** Opens the configured store (as it would be used) and says how many records it holds, or why it cannot be used. */
    @POST
    public FormValidation doTestStore(@QueryParameter String storeUrl, @QueryParameter String storeUser, @QueryParameter Secret storePassword) {
        JenkinsFacade.JENKINS.checkPermission(Jenkins.ADMINISTER, null);
        String url = Util.fixEmptyAndTrim(storeUrl);
        try (io.riskgate.records.ChangeRecordStore store = url == null
                ? io.riskgate.records.JdbcChangeRecordStore.embedded(ChangeRecords.home().resolve("records"))
                : io.riskgate.records.JdbcChangeRecordStore.connect(url, Util.fixEmptyAndTrim(storeUser),
                        storePassword == null ? null : storePassword.getPlainText())) {
            return FormValidation.ok(Messages.RiskGateConfiguration_StoreConnected(store.location(), String.valueOf(store.count(io.riskgate.records.RecordQuery.ALL))));
        } catch (RiskGateException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    /** An external change-management endpoint that receives every change record as JSON, or null. */
    public String getExportUrl() {
        return exportUrl;
    }

    @DataBoundSetter
    public void setExportUrl(String exportUrl) {
        this.exportUrl = Util.fixEmptyAndTrim(exportUrl);
        save();
    }

    public String getExportCredentialsId() {
        return exportCredentialsId;
    }

    @DataBoundSetter
    public void setExportCredentialsId(String exportCredentialsId) {
        this.exportCredentialsId = Util.fixEmptyAndTrim(exportCredentialsId);
        save();
    }

    /** Secret text (sent as a Bearer token) or username with password (Basic) credentials for the endpoint. */
    @POST
    public hudson.util.ListBoxModel doFillExportCredentialsIdItems(@QueryParameter String exportCredentialsId) {
        if (!JenkinsFacade.JENKINS.hasPermission(Jenkins.ADMINISTER)) {
            return new com.cloudbees.plugins.credentials.common.StandardListBoxModel().includeCurrentValue(exportCredentialsId);
        }
        return new com.cloudbees.plugins.credentials.common.StandardListBoxModel().includeEmptyValue()
                .includeMatchingAs(hudson.security.ACL.SYSTEM2, JenkinsFacade.JENKINS.root(), com.cloudbees.plugins.credentials.common.StandardCredentials.class,
                        java.util.List.of(), com.cloudbees.plugins.credentials.CredentialsMatchers.anyOf(
                                com.cloudbees.plugins.credentials.CredentialsMatchers.instanceOf(org.jenkinsci.plugins.plaincredentials.StringCredentials.class),
                                com.cloudbees.plugins.credentials.CredentialsMatchers.instanceOf(
                                        com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials.class)))
                .includeCurrentValue(exportCredentialsId);
    }

    /** A webhook that receives a JSON event when a promotion starts waiting for approval, or null. */
    public String getNotifyUrl() {
        return notifyUrl;
    }

    @DataBoundSetter
    public void setNotifyUrl(String notifyUrl) {
        String url = Util.fixEmptyAndTrim(notifyUrl);
        if (url != null && !url.matches("(?i)https?://.+")) {
            throw new RiskGateException("the notification webhook must be an http(s) URL (got '" + (url.length() > 60 ? url.substring(0, 60) + "..." : url) + "')");
        }
        this.notifyUrl = url;
        save();
    }

    public String getNotifyCredentialsId() {
        return notifyCredentialsId;
    }

    @DataBoundSetter
    public void setNotifyCredentialsId(String notifyCredentialsId) {
        this.notifyCredentialsId = Util.fixEmptyAndTrim(notifyCredentialsId);
        save();
    }

    /** The same kinds of credentials as the change-management endpoint's. */
    @POST
    public hudson.util.ListBoxModel doFillNotifyCredentialsIdItems(@QueryParameter String notifyCredentialsId) {
        if (!JenkinsFacade.JENKINS.hasPermission(Jenkins.ADMINISTER)) {
            return new com.cloudbees.plugins.credentials.common.StandardListBoxModel().includeCurrentValue(notifyCredentialsId);
        }
        return doFillExportCredentialsIdItems(notifyCredentialsId);
    }

    /** The global policy, or the built-in defaults when none is set. */
    public RiskPolicy globalPolicy() {
        return policy == null ? RiskPolicy.defaults() : PolicyLoader.parse(policy, SOURCE);
    }

    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        try {
            setPolicy(json.optString("policy", null));
            setStoreUrl(json.optString("storeUrl", null));
            setStoreUser(json.optString("storeUser", null));
            setStorePassword(json.has("storePassword") ? Secret.fromString(json.getString("storePassword")) : storePassword);
            setExportUrl(json.optString("exportUrl", null));
            setExportCredentialsId(json.optString("exportCredentialsId", null));
            setNotifyUrl(json.optString("notifyUrl", null));
            setNotifyCredentialsId(json.optString("notifyCredentialsId", null));
            return true;
        } catch (RiskGateException e) {
            throw new FormException(e.getMessage(), e, "policy");
        }
    }

    @POST
    public FormValidation doCheckPolicy(@QueryParameter String value) {
        JenkinsFacade.JENKINS.checkPermission(Jenkins.ADMINISTER, null);
        String yaml = Util.fixEmptyAndTrim(value);
        if (yaml == null) {
            return FormValidation.ok(Messages.RiskGateConfiguration_NoGlobalPolicy());
        }
        try {
            RiskPolicy parsed = PolicyLoader.parse(yaml, "this policy");
            String names = String.valueOf(parsed.promotion().names());
            return FormValidation.ok(parsed.declaresEnvironments() ? Messages.RiskGateConfiguration_ValidPolicy(names)
                    : Messages.RiskGateConfiguration_ValidPolicyWithDefaults(names));
        } catch (RiskGateException e) {
            return FormValidation.error(e.getMessage());
        }
    }
}
