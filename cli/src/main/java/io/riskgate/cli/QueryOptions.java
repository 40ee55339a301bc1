package io.riskgate.cli;

import io.riskgate.records.RecordQuery;
import picocli.CommandLine.Option;

/** Which records: environment, pipeline and the window of finish times. */
final class QueryOptions {
    @Option(names = "--environment", paramLabel = "E", description = "Only this environment.")
    String environment;

    @Option(names = "--pipeline", paramLabel = "P", description = "Only this pipeline.")
    String pipeline;

    @Option(names = "--since", paramLabel = "T", description = "Deployments finished at or after T (ISO-8601 time or date).")
    String since;

    @Option(names = "--until", paramLabel = "T", description = "Deployments finished before T.")
    String until;

    /** Whether any of the options was given. */
    boolean given() {
        return environment != null || pipeline != null || since != null || until != null;
    }

    RecordQuery query() {
        return new RecordQuery(environment, pipeline, Times.parse(since, "--since"), Times.parse(until, "--until"));
    }
}
