package io.jenkins.plugins.riskgate;

import hudson.FilePath;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.riskgate.policy.PolicyLoader;
import io.riskgate.policy.RiskPolicy;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import jenkins.MasterToSlaveFileCallable;

/** The policy in force for a build: the global one, tightened by the repository's {@code .riskgate.yml} in the workspace. */
final class Policies {
    private Policies() {
    }

    /**
     * The repository's policy file text and name, or null when the workspace has none. The file is
     * read where the workspace is, bounded there (a regular file of at most 1 MiB, not a symbolic
     * link): only its text comes to the controller.
     */
    static String[] repositoryPolicy(FilePath workspace) throws IOException, InterruptedException {
        if (workspace == null) {
            return null;
        }
        String[] found = workspace.act(new ReadPolicy());
        if (found != null && found[1] == null) {
            throw new io.riskgate.policy.PolicyException(found[0]);
        }
        return found;
    }

    /** On the workspace's machine ({@link PolicyLoader#repositoryFile}): {text, name}, {the error, null} when it may not be read, or null. */
    private static final class ReadPolicy extends MasterToSlaveFileCallable<String[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public String[] invoke(File dir, VirtualChannel channel) {
            try {
                PolicyLoader.RepositoryFile file = PolicyLoader.repositoryFile(dir.toPath(), false);
                return file == null ? null : new String[] {file.text(), file.source()};
            } catch (io.riskgate.policy.PolicyException e) {
                return new String[] {e.getMessage(), null};
            }
        }
    }

    /** Combines the global policy text and a repository policy text (either may be null); prints what was ignored. */
    static RiskPolicy effective(String globalYaml, String[] repository, TaskListener listener) {
        RiskPolicy global = globalYaml == null ? RiskPolicy.defaults() : PolicyLoader.parse(globalYaml, RiskGateConfiguration.SOURCE);
        if (repository == null) {
            return global;
        }
        RiskPolicy repo = PolicyLoader.parse(repository[0], repository[1]);
        List<String> notes = new ArrayList<>();
        RiskPolicy combined = global.tightenedBy(repo, notes);
        if (listener != null) {
            notes.forEach(n -> listener.getLogger().println("[riskgate] " + n));
        }
        return combined;
    }

    /**
     * The rules of an environment, or an error that names the known ones and where to define a new
     * one: the global policy when it defines environments (a repository cannot add any then).
     */
    static io.riskgate.policy.EnvironmentRules environment(RiskPolicy policy, String name) {
        java.util.Optional<io.riskgate.policy.EnvironmentRules> found = policy.promotion().find(name);
        if (found.isPresent()) {
            return found.get();
        }
        // only the error needs to know whether the global policy defines the environments
        String global = RiskGateConfiguration.get().getPolicy();
        boolean globalDefines = global != null && PolicyLoader.parse(global, RiskGateConfiguration.SOURCE).declaresEnvironments();
        return policy.promotion().environment(name, globalDefines
                ? "under environments: in the global policy (Manage Jenkins > Deployment Risk Gates): a repository's .riskgate.yml cannot add environments while the global policy defines them"
                : "under environments: in the repository's .riskgate.yml or in the global policy (Manage Jenkins > Deployment Risk Gates)");
    }

    static RiskPolicy effective(FilePath workspace, TaskListener listener) throws IOException, InterruptedException {
        return effective(RiskGateConfiguration.get().getPolicy(), repositoryPolicy(workspace), listener);
    }
}
