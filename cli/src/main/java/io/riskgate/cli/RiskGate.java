package io.riskgate.cli;

import io.riskgate.report.TerminalText;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code riskgate}: the command line over the same core as the Jenkins steps. */
@Command(name = "riskgate", mixinStandardHelpOptions = true, versionProvider = RiskGate.Version.class,
        description = "Scores, gates and records deployments: how big and how reversible is this change?",
        subcommands = {AssessCommand.class, GateCommand.class, BacktestCommand.class, RecordCommand.class, ImportCommand.class, ExportCommand.class, ReportCommand.class, IncidentCommand.class, ReviewCommand.class, StoreCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 2 bad input, 3 risk above --fail-above or gate BLOCK, 4 gate NEEDS_APPROVAL,",
                "5 record store busy, unreachable or full, or a disk or output error (retry later).", "Docs: docs/cli.md"})
public final class RiskGate implements Runnable {
    /** Error lines are cut here: they may quote input (a CSV cell, a ref, a file name) of any length. */
    static final int MAX_MESSAGE = 2000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(Output.stdout(new java.io.FileOutputStream(java.io.FileDescriptor.out)),
                java.nio.charset.Charset.defaultCharset()), true);
        System.exit(run(args, out, new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new RiskGate());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler(RiskGate::badUsage);
        cli.setExecutionExceptionHandler(RiskGate::failure);
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static int badUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        cmd.getErr().println("riskgate: " + TerminalText.safe(e.getMessage(), MAX_MESSAGE) + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        return ExitCodes.BAD_INPUT;
    }

    private static int failure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof io.riskgate.records.RecordStoreUnavailableException || e instanceof io.riskgate.DiskException) {
            cmd.getErr().println("riskgate: " + TerminalText.safe(e.getMessage(), MAX_MESSAGE));
            return ExitCodes.RETRY;
        }
        if (e instanceof io.riskgate.RiskGateException) {
            cmd.getErr().println("riskgate: " + TerminalText.safe(e.getMessage(), MAX_MESSAGE));
            return ExitCodes.BAD_INPUT;
        }
        cmd.getErr().println("riskgate: internal error: " + e);
        e.printStackTrace(cmd.getErr());
        return ExitCodes.INTERNAL_ERROR;
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RiskGate.class.getPackage().getImplementationVersion();
            return new String[] {"riskgate " + (v == null ? "development build" : v)};
        }
    }
}
