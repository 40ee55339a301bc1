package io.jenkins.plugins.riskgate;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Computer;
import hudson.model.Node;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import java.io.IOException;
import jenkins.model.Jenkins;

/**
 * Where a rollback runs when the promotion holds no workspace (promote outside node {}): on the node
 * and in the workspace where declareRollback was called, as long as that node is online.
 */
record RollbackLocation(FilePath workspace, Launcher launcher, EnvVars env, String describe, String problem) {
    static RollbackLocation of(RollbackPlansAction.Plan declared, TaskListener listener) throws IOException, InterruptedException {
        if (declared == null || declared.getNode() == null || declared.getWorkspace() == null) {
            return failed("declareRollback was called outside node {}, and promote holds no workspace either:"
                    + " call declareRollback inside the node {} that deploys");
        }
        String name = declared.getNode();
        Node node = name.isEmpty() ? Jenkins.get() : Jenkins.get().getNode(name);
        Computer computer = node == null ? null : node.toComputer();
        VirtualChannel channel = computer == null ? null : computer.getChannel();
        String label = name.isEmpty() ? "the built-in node" : "node " + name;
        if (channel == null) {
            return failed(label + ", where declareRollback was called, is " + (node == null ? "gone" : "offline"));
        }
        EnvVars env = computer.buildEnvironment(listener);
        env.put("NODE_NAME", name.isEmpty() ? "built-in" : name);
        env.put("WORKSPACE", declared.getWorkspace());
        return new RollbackLocation(new FilePath(channel, declared.getWorkspace()), node.createLauncher(listener), env,
                label + " in " + declared.getWorkspace() + " (where declareRollback was called)", null);
    }

    private static RollbackLocation failed(String problem) {
        return new RollbackLocation(null, null, null, null, problem);
    }
}
