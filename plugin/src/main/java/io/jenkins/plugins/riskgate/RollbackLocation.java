package io.jenkins.plugins.riskgate;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Computer;
import hudson.model.Node;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import java.io.IOException;
import org.jenkinsci.plugins.workflow.actions.WorkspaceAction;
import org.jenkinsci.plugins.workflow.flow.FlowExecution;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.graphanalysis.DepthFirstScanner;

/**
 * Where a rollback or a verification runs when the promotion holds no workspace (promote outside
 * node {}): where declareRollback was called, or on the node and in the workspace the deployment's
 * body used last, as long as that node is online.
 */
record RollbackLocation(FilePath workspace, Launcher launcher, EnvVars env, String describe, String problem) {
    static RollbackLocation of(RollbackPlansAction.Plan declared, TaskListener listener) throws IOException, InterruptedException {
        if (declared == null || declared.getNode() == null || declared.getWorkspace() == null) {
            return failed("declareRollback was called outside node {}, and promote holds no workspace either:"
                    + " call declareRollback inside the node {} that deploys");
        }
        return on(declared.getNode(), declared.getWorkspace(), "where declareRollback was called", listener);
    }

    /**
     * The workspace of the last {@code node {}} inside the body of the promote step {@code step}, or
     * where declareRollback was called; {@code declaredFirst} prefers the latter (the rollback does,
     * the verification does not).
     */
    static RollbackLocation of(FlowNode step, RollbackPlansAction.Plan declared, boolean declaredFirst, TaskListener listener)
            throws IOException, InterruptedException {
        boolean wasDeclared = declared != null && declared.getNode() != null && declared.getWorkspace() != null;
        if (declaredFirst && wasDeclared) {
            return of(declared, listener);
        }
        WorkspaceAction used = step == null ? null : lastWorkspace(step);
        if (used != null) {
            return on(used.getNode(), used.getPath(), "where the deployment ran", listener);
        }
        return of(declared, listener);
    }

    private static RollbackLocation on(String name, String path, String why, TaskListener listener) throws IOException, InterruptedException {
        Node node = JenkinsFacade.JENKINS.node(name);
        Computer computer = node == null ? null : node.toComputer();
        VirtualChannel channel = computer == null ? null : computer.getChannel();
        String label = name.isEmpty() ? "the built-in node" : "node " + name;
        if (channel == null) {
            return failed(label + ", " + why + ", is " + (node == null ? "gone" : "offline"));
        }
        EnvVars env = computer.buildEnvironment(listener);
        env.put("NODE_NAME", name.isEmpty() ? "built-in" : name);
        env.put("WORKSPACE", path);
        return new RollbackLocation(new FilePath(channel, path), node.createLauncher(listener), env,
                label + " in " + path + " (" + why + ")", null);
    }

    /** The newest workspace allocated inside the step's block. */
    private static WorkspaceAction lastWorkspace(FlowNode step) {
        FlowExecution execution = step.getExecution();
        WorkspaceAction newest = null;
        int newestId = -1;
        for (FlowNode n : new DepthFirstScanner().allNodes(execution)) {
            WorkspaceAction w = n.getPersistentAction(WorkspaceAction.class);
            if (w == null || !n.getAllEnclosingIds().contains(step.getId())) {
                continue;
            }
            int id = numeric(n.getId());
            if (id > newestId) {
                newestId = id;
                newest = w;
            }
        }
        return newest;
    }

    private static int numeric(String id) {
        try {
            return Integer.parseInt(id);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static RollbackLocation failed(String problem) {
        return new RollbackLocation(null, null, null, null, problem);
    }
}
