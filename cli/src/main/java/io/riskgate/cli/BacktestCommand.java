package io.riskgate.cli;

import io.riskgate.AtomicFiles;
import io.riskgate.learning.Backtest;
import io.riskgate.learning.BacktestReport;
import io.riskgate.learning.BacktestResult;
import io.riskgate.learning.History;
import io.riskgate.learning.HistoryColumns;
import io.riskgate.records.ChangeRecordStore;
import io.riskgate.records.RecordStores;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "backtest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replays past changes: trains a risk model on the oldest part of a history CSV and compares it with",
                "the default score on the newest part (AUC, failures caught when gating the riskiest 5/10/20%%, calibration)."},
        footer = {"", "Examples:",
                "  riskgate backtest --history deployments.csv",
                "  riskgate backtest --store jdbc:postgresql://db/riskgate --environment production --since 2026-01-01",
                "  riskgate backtest --history apachejit.csv --outcome buggy --time author_date   (la, ld, nf, nd, ns, ent, ndev, age, nuc,",
                "      aexp, arexp, asexp and fix columns are read as the metrics they stand for)",
                "  riskgate backtest --history changes.csv --map linesAdded=added --map developers=devs --feature reviewers",
                "",
                "Metrics: linesAdded, linesDeleted, files, directories, subsystems, entropy, commits, authors; history: developers, age,",
                "priorChanges, authorExperience, recentExperience, subsystemExperience, fix.",
                "Exit codes: 0 done, 2 bad input (one line on stderr), 5 retry later (store busy, disk or output error). Docs: docs/risk-model.md"})
final class BacktestCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--history", paramLabel = "FILE.csv",
            description = "Past changes, one row each, with a header (the change records' CSV export works as it is).")
    Path history;

    @Option(names = "--store", paramLabel = "PATH|JDBC_URL",
            description = "Instead of --history: the deployments of a record store that have assessed metrics (a directory, or a"
                    + " jdbc:postgresql:// URL; user and password from RISKGATE_STORE_USER / RISKGATE_STORE_PASSWORD).")
    String store;

    @CommandLine.Mixin
    QueryOptions query;

    @Option(names = "--outcome", paramLabel = "COLUMN", defaultValue = HistoryColumns.DEFAULT_OUTCOME,
            description = "Whether the change failed: true/false, 1/0, or FAILED/ROLLED_BACK vs SUCCEEDED (default: ${DEFAULT-VALUE}).")
    String outcome;

    @Option(names = "--time", paramLabel = "COLUMN", defaultValue = HistoryColumns.DEFAULT_TIME,
            description = "When the change happened: epoch seconds or milliseconds, or ISO-8601 (default: ${DEFAULT-VALUE}).")
    String time;

    @Option(names = "--map", paramLabel = "METRIC=COLUMN",
            description = "Read a metric from a column; repeatable. Metrics not mapped are read from a column of the same name, or one of the names public data sets give them (la, ndev, ...).")
    Map<String, String> map = new LinkedHashMap<>();

    @Option(names = "--feature", paramLabel = "COLUMN", description = "An extra numeric column for the learned model; repeatable.")
    List<String> features = new ArrayList<>();

    @Option(names = "--train-fraction", paramLabel = "F", defaultValue = "0.6",
            description = "Train on the oldest F of the rows, test on the rest (default: ${DEFAULT-VALUE}).")
    double trainFraction;

    @Option(names = "--window-days", paramLabel = "N", description = "Fit only on the last N days of the training part (default: all of it).")
    Integer windowDays;

    @Option(names = "--half-life-days", paramLabel = "H",
            description = "Weigh training rows by recency: a row H days older counts half (default: all the same).")
    Double halfLifeDays;

    @Option(names = "--l2", paramLabel = "LAMBDA",
            description = "L2 penalty on the standardised coefficients (default: chosen by time-ordered validation inside the training part).")
    Double l2;

    @Option(names = "--save-model", paramLabel = "FILE.json", description = "Write the learned model as JSON.")
    Path saveModel;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text", description = "Output format (default: ${DEFAULT-VALUE}).")
    AssessCommand.Format format;

    @Override
    public Integer call() {
        Backtest.Options options = new Backtest.Options(trainFraction, windowDays, halfLifeDays, l2);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TerminalProgress progress = TerminalProgress.forStream(err);
        LongConsumer onProgress = progress == null ? null
                : rows -> progress.show("reading " + history.getFileName() + ": " + NumberFormat.getIntegerInstance(Locale.ROOT).format(rows) + " rows");
        if ((history == null) == (store == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), history == null
                    ? "Missing the history: pass --history FILE.csv or --store PATH|JDBC_URL"
                    : "--history and --store are alternatives: pass one of them");
        }
        if (store != null && (!map.isEmpty() || !features.isEmpty())) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--map and --feature read CSV columns: a record store has the change metrics already; use them with --history");
        }
        History past;
        if (store != null) {
            if (progress != null) {
                progress.show("reading the record store");
            }
            try (ChangeRecordStore records = RecordStores.openExisting(store)) {
                past = History.fromRecords(records, query.query(), records.location());
            }
        } else {
            if (query.given()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--environment, --pipeline, --since and --until select records of --store; a --history file is read whole");
            }
            past = History.read(history, new HistoryColumns(outcome, time, map, features), onProgress);
        }
        if (progress != null) {
            progress.clear();
        }
        BacktestResult result = Backtest.run(past, options);
        if (saveModel != null) {
            AtomicFiles.write(saveModel, result.model().toJson() + System.lineSeparator(), "the model (--save-model)");
        }
        // column names and the file's name come from the history: each line is made safe for the terminal
        out.print(format == AssessCommand.Format.json ? BacktestReport.toJson(result) + System.lineSeparator()
                : BacktestReport.toText(result).lines().map(io.riskgate.report.TerminalText::safe)
                        .collect(java.util.stream.Collectors.joining(System.lineSeparator(), "", System.lineSeparator())));
        Output.check(out);
        return ExitCodes.OK;
    }
}
