package io.jenkins.plugins.riskgate;

import hudson.FilePath;
import hudson.model.TaskListener;
import io.riskgate.policy.PolicyLoader;
import io.riskgate.policy.RiskPolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The policy in force for a build: the global one, tightened by the repository's {@code .riskgate.yml} in the workspace. */
final class Policies {
    private Policies() {
    }

    /** The repository's policy file text and name, or null when the workspace has none. */
    static String[] repositoryPolicy(FilePath workspace) throws IOException, InterruptedException {
        if (workspace == null) {
            return null;
        }
        for (String name : PolicyLoader.FILE_NAMES) {
            FilePath file = workspace.child(name);
            if (file.exists()) {
                return new String[] {file.readToString(), name};
            }
        }
        return null;
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

    static RiskPolicy effective(FilePath workspace, TaskListener listener) throws IOException, InterruptedException {
        return effective(RiskGateConfiguration.get().getPolicy(), repositoryPolicy(workspace), listener);
    }
}
