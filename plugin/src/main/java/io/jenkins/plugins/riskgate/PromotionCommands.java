package io.jenkins.plugins.riskgate;

import hudson.EnvVars;
import hudson.Proc;
import hudson.model.Executor;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.riskgate.gate.Verification;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import jenkins.model.CauseOfInterruption;
import jenkins.model.InterruptedBuildAction;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The commands a promotion runs itself, off the Pipeline's thread: the verification's checks and the
 * rollback, where the deployment ran, with their output in the build's log; and how a stop of the
 * build is told from a failure.
 */
@Restricted(NoExternalUse.class)
final class PromotionCommands {
    /** Names the processes of one command in their environment, so that an abort stops them all, also those that left the process tree. */
    static final String PROCESS_COOKIE = "RISKGATE_PROMOTION_PROCESS";

    private final StepContext context;

    PromotionCommands(StepContext context) {
        this.context = context;
    }

    /** A finished command: its exit code, whether it ran out of time, its output's end. */
    record Launched(int code, boolean timedOut, String output) {
    }

    /** Runs a command where the deployment ran; interrupting the thread (abort) kills it and every process it started. */
    Launched launch(RollbackLocation where, String command, Duration timeout, TaskListener listener) throws IOException, InterruptedException {
        List<String> cmd = where.launcher().isUnix() ? List.of("sh", "-c", command) : List.of("cmd.exe", "/C", command);
        Tail tail = new Tail(listener.getLogger());
        long start = System.nanoTime();
        Map<String, String> cookie = Map.of(PROCESS_COOKIE, UUID.randomUUID().toString());
        EnvVars env = new EnvVars(where.env() == null ? new EnvVars() : where.env());
        env.putAll(cookie);
        Proc proc = where.launcher().launch().cmds(cmd).envs(env).pwd(where.workspace()).stdout(tail).start();
        boolean timedOut = false;
        try {
            // watch rather than block: a stop of the build that reached only the finished body still ends the command
            while (proc.isAlive()) {
                if (stopRequested()) {
                    throw new InterruptedException("the build was stopped");
                }
                if (timeout != null && System.nanoTime() - start >= timeout.toNanos()) {
                    timedOut = true;
                    proc.kill();
                    where.launcher().kill(cookie);
                    break;
                }
                Thread.sleep(250);
            }
            int code = proc.join();
            return new Launched(timedOut && code == 0 ? -1 : code, timedOut, tail.text());
        } catch (InterruptedException e) {
            proc.kill();
            where.launcher().kill(cookie);
            throw e;
        }
    }

    /**
     * Whether the body ended because the build was stopped: the interruption the body's steps fail
     * with names the person who stopped it, or nobody (a stop by the system, e.g. a script). A
     * timeout() around the deployment names its own cause and is a failure: the rollback runs.
     */
    static boolean stoppedByAPerson(Throwable cause) {
        return cause instanceof FlowInterruptedException interrupted && interrupted.getResult() == Result.ABORTED
                && (interrupted.getCauses().isEmpty()
                        || interrupted.getCauses().stream().anyMatch(c -> c instanceof CauseOfInterruption.UserInterruption));
    }

    /**
     * Whether someone stopped the build (its executor carries the cause, or the build records it),
     * whether or not this step heard of it.
     */
    boolean stopRequested() {
        try {
            Run<?, ?> run = context.get(Run.class);
            Executor executor = run.getExecutor();
            return executor != null && !executor.getCausesOfInterruption().isEmpty()
                    || !run.getActions(InterruptedBuildAction.class).isEmpty();
        } catch (IOException | InterruptedException | RuntimeException e) {
            return false;
        }
    }

    /** Copies a command's output to the log and keeps its last bytes. */
    private static final class Tail extends OutputStream {
        private static final int KEEP = Verification.OUTPUT_LIMIT * 2;
        private final OutputStream log;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        Tail(OutputStream log) {
            this.log = log;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            log.write(b);
            kept.write(b);
            trim();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            log.write(b, off, len);
            kept.write(b, off, len);
            trim();
        }

        private void trim() {
            if (kept.size() > 2 * KEEP) {
                byte[] all = kept.toByteArray();
                kept.reset();
                kept.write(all, all.length - KEEP, KEEP);
            }
        }

        @Override
        public void flush() throws IOException {
            log.flush();
        }

        synchronized String text() {
            return Verification.tail(kept.toString(StandardCharsets.UTF_8));
        }
    }
}
