package io.riskgate.cli;

import io.riskgate.report.TerminalText;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code riskgate}: the command line over the same core as the Jenkins steps. */
@Command(name = "riskgate", mixinStandardHelpOptions = true, versionProvider = RiskGate.Version.class,
        description = "Scores, gates and records deployments: how big and how reversible is this change?",
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

    /** The subcommands by name, in the order the usage lists them. */
    private static final java.util.Map<String, java.util.function.Supplier<Object>> SUBCOMMANDS = new java.util.LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("assess", AssessCommand::new);
        SUBCOMMANDS.put("gate", GateCommand::new);
        SUBCOMMANDS.put("backtest", BacktestCommand::new);
        SUBCOMMANDS.put("record", RecordCommand::new);
        SUBCOMMANDS.put("import", ImportCommand::new);
        SUBCOMMANDS.put("export", ExportCommand::new);
        SUBCOMMANDS.put("report", ReportCommand::new);
        SUBCOMMANDS.put("incident", IncidentCommand::new);
        SUBCOMMANDS.put("review", ReviewCommand::new);
        SUBCOMMANDS.put("store", StoreCommand::new);
        SUBCOMMANDS.put("help", CommandLine.HelpCommand::new);
    }

    /** Runs the command line with the given streams and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new RiskGate());
        // picocli reads a command's options when it is added: a run of one command adds only that one, --version
        // none ("help" and anything else get them all, for the usage and the messages that list them)
        String first = args.length > 0 ? args[0] : "";
        if (SUBCOMMANDS.containsKey(first) && !first.equals("help")) {
            cli.addSubcommand(first, SUBCOMMANDS.get(first).get());
        } else if (!(args.length == 1 && (first.equals("--version") || first.equals("-V")))) {
            SUBCOMMANDS.forEach((name, command) -> cli.addSubcommand(name, command.get()));
        }
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
