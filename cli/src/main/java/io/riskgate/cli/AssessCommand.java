package io.riskgate.cli;

import io.riskgate.git.GitRepository;
import io.riskgate.learning.LearnedScorer;
import io.riskgate.policy.PolicyLoader;
import io.riskgate.policy.RiskPolicy;
import io.riskgate.report.AssessmentReport;
import io.riskgate.risk.ChangeAnalyzer;
import io.riskgate.risk.ChangeAssessor;
import io.riskgate.risk.RiskAssessment;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "assess", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Scores the change between two commits for size and reversibility and explains every point."},
        footer = {"", "Examples:",
                "  riskgate assess --repo . --base origin/main",
                "  riskgate assess --repo service --base v1.4.0 --head HEAD --format json > risk.json",
                "  riskgate assess --base \"$(git describe --tags --abbrev=0)\" --fail-above 60",
                "  riskgate assess --base origin/main --store jdbc:postgresql://db/riskgate   (learned model once the store has enough outcomes)",
                "  riskgate assess --base origin/main --model model.json                     (a model saved by 'riskgate backtest --save-model')",
                "",
                "Exit codes: 0 assessed, 3 score above --fail-above, 2 bad input (one line on stderr), 5 retry later (store busy, output error)."})
final class AssessCommand implements Callable<Integer> {
    enum Format { text, json }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--repo", paramLabel = "DIR", defaultValue = ".", description = "The git checkout to read (default: ${DEFAULT-VALUE}).")
    Path repo;

    @Option(names = "--base", paramLabel = "REF", required = true,
            description = "The baseline: the commit, tag or branch that is already deployed.")
    String base;

    @Option(names = "--head", paramLabel = "REF", defaultValue = "HEAD", description = "The commit to promote (default: ${DEFAULT-VALUE}).")
    String head;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "Policy file (default: .riskgate.yml at the top of the repository, else built-in defaults).")
    Path policy;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text", description = "Output format (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--fail-above", paramLabel = "N", description = "Exit with 3 when the score is above N (0-100).")
    Integer failAbove;

    @Option(names = "--model", paramLabel = "auto|default|FILE", defaultValue = "auto",
            description = {"Which model scores the change: auto (default) learns from the record store's outcomes once it holds enough"
                    + " (the policy's learning: section), else the default score; default: always the default score;"
                    + " FILE: a model saved by 'riskgate backtest --save-model'."})
    String model;

    @Option(names = "--store", paramLabel = "PATH|JDBC_URL",
            description = "The record store to learn from with --model auto: a directory (embedded H2) or a jdbc:postgresql:// URL"
                    + " (default: ~/.riskgate/records when it exists; user and password from RISKGATE_STORE_USER / RISKGATE_STORE_PASSWORD).")
    String store;

    @Override
    public Integer call() {
        if (failAbove != null && (failAbove < 0 || failAbove > 100)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--fail-above must be between 0 and 100 (got " + failAbove + ")");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        GitRepository repository = GitRepository.open(repo);
        RiskPolicy riskPolicy = PolicyLoader.load(repository.topLevel(), policy);
        TerminalProgress progress = TerminalProgress.forStream(err);
        Consumer<ChangeAnalyzer.Progress> onProgress = progress == null ? null
                : p -> progress.show("reading diff: " + p.files() + " files, " + p.lines() + " changed lines");
        if (progress != null) {
            progress.show("choosing the model");
        }
        ModelOption.Chosen chosen = ModelOption.choose(model, store, riskPolicy);
        ChangeAssessor assessor = new ChangeAssessor(LearnedScorer.forRules(chosen.model(), riskPolicy.scorings()), riskPolicy.detection(),
                onProgress);
        RiskAssessment assessment = assessor.assess(repository, base, head);
        if (progress != null) {
            progress.clear();
        }
        out.print(format == Format.json ? AssessmentReport.toJson(assessment, chosen.note()) + System.lineSeparator()
                : AssessmentReport.toText(assessment, chosen.note()));
        if (format == Format.text && !riskPolicy.source().equals(RiskPolicy.defaults().source())) {
            out.println(System.lineSeparator() + "Policy: " + riskPolicy.source());
        }
        Output.check(out);
        if (failAbove != null && assessment.score() > failAbove) {
            err.println("riskgate: score " + assessment.score() + " (" + assessment.level() + ") is above --fail-above " + failAbove);
            return ExitCodes.ABOVE_THRESHOLD;
        }
        return ExitCodes.OK;
    }
}
