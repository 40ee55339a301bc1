package io.riskgate.cli;

import static io.riskgate.cli.RiskGateCliTest.riskgate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code riskgate report --format openmetrics}, read back by the Prometheus project's own OpenMetrics
 * parser (prometheus_client.openmetrics.parser, a real process), which refuses text that breaks the format.
 */
class OpenMetricsOutputTest {
    static final String PYTHON = "/usr/bin/python3";
    /** Parses standard input strictly and prints the families as JSON: name, type, unit and samples. */
    static final String PARSE = String.join("\n",
            "import json, sys",
            "from prometheus_client.openmetrics.parser import text_string_to_metric_families",
            "out = []",
            "for f in text_string_to_metric_families(sys.stdin.read()):",
            "    out.append({'name': f.name, 'type': f.type, 'unit': f.unit, 'help': f.documentation,",
            "                'samples': [{'name': s.name, 'labels': s.labels, 'value': s.value} for s in f.samples]})",
            "print(json.dumps(out))");

    @TempDir
    Path tmp;

    static boolean parserAvailable() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import prometheus_client.openmetrics.parser").redirectErrorStream(true).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    static JsonNode parse(String text) throws Exception {
        boolean available = parserAvailable();
        if (!available && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("the OpenMetrics parser is missing: .ci/openmetrics-parser.sh installs python3-prometheus-client");
        }
        Assumptions.assumeTrue(available, "the Prometheus OpenMetrics parser (python3-prometheus-client) is not installed");
        Process p = new ProcessBuilder(PYTHON, "-c", PARSE).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("the parser refused the text:\n" + err + "\n" + text).isZero();
        return new ObjectMapper().readTree(out);
    }

    static double value(JsonNode families, String family, String... labels) {
        for (JsonNode f : families) {
            if (!f.get("name").asText().equals(family)) {
                continue;
            }
            for (JsonNode s : f.get("samples")) {
                boolean all = true;
                for (int i = 0; i < labels.length; i += 2) {
                    all &= labels[i + 1].equals(s.get("labels").path(labels[i]).asText(null));
                }
                if (all) {
                    return s.get("value").asDouble();
                }
            }
        }
        throw new AssertionError("no sample of " + family + " with " + String.join(",", labels) + " in " + families);
    }

    @Test
    void theDeliveryMetricsAreValidOpenMetricsWithTheValuesOfTheReport() throws Exception {
        String store = tmp.resolve("store").toString();
        Path csv = tmp.resolve("records.csv");
        Files.writeString(csv, RecordsCliTest.CSV);
        assertThat(riskgate("import", csv.toString(), "--store", store).exit()).isZero();
        assertThat(riskgate("incident", "open", "--store", store, "--id", "INC-1", "--pipeline", "shop", "--environment", "production",
                "--started", "2026-11-02T11:10:00Z").exit()).isZero();
        assertThat(riskgate("incident", "resolve", "--store", store, "--id", "INC-1", "--resolved", "2026-11-02T12:40:00Z").exit()).isZero();

        RiskGateCliTest.Run run = riskgate("report", "--store", store, "--format", "openmetrics");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).endsWith("# EOF\n");
        JsonNode families = parse(run.out());

        assertThat(families.findValuesAsText("type")).containsOnly("gauge");
        assertThat(value(families, "riskgate_deployments", "environment", "production")).isEqualTo(5);
        assertThat(value(families, "riskgate_deployments", "environment", "staging")).isEqualTo(1);
        assertThat(value(families, "riskgate_deployment_failures", "environment", "production")).isEqualTo(2);
        assertThat(value(families, "riskgate_change_failure_ratio", "environment", "production", "definition", "deployment")).isEqualTo(0.4);
        assertThat(value(families, "riskgate_change_failure_ratio", "environment", "production", "definition", "incident")).isEqualTo(0.2);
        assertThat(value(families, "riskgate_change_failure_ratio", "environment", "production", "definition", "combined")).isEqualTo(0.6);
        assertThat(value(families, "riskgate_time_to_restore_median_seconds", "environment", "production", "definition", "deployment"))
                .isEqualTo(3600);
        assertThat(value(families, "riskgate_time_to_restore_median_seconds", "environment", "production", "definition", "incident"))
                .isEqualTo(5400);
        assertThat(value(families, "riskgate_lead_time_median_seconds", "environment", "production")).as("3600, 3600 and 10800 s")
                .isEqualTo(3600);
        assertThat(value(families, "riskgate_incidents", "environment", "production")).isEqualTo(1);
        assertThat(value(families, "riskgate_deployments_awaiting_review", "environment", "production"))
                .as("r1 caused INC-1, r4 was rolled back; r2 has its review").isEqualTo(2);
        assertThat(value(families, "riskgate_pipeline_ready", "pipeline", "shop")).isZero();
        // a pipeline name that needs escaping in a label value survives the round trip
        assertThat(value(families, "riskgate_readiness_checks_passed", "pipeline", "<script>alert(1)</script>")).isGreaterThanOrEqualTo(0);
        assertThat(families.toString()).contains("\"unit\":\"seconds\"");
    }

    @Test
    void aWindowNamesExactlyTheEnvironmentsOfItsDeploymentsEvenOnItsEdgeDays() throws Exception {
        String store = tmp.resolve("store").toString();
        Path csv = tmp.resolve("edges.csv");
        // staging deploys on the window's first and last days, but only outside it; qa only inside it
        Files.writeString(csv, "pipeline,environment,commit,startedAt,finishedAt,outcome\n"
                + "shop,production,c1,2026-11-02T09:00:00Z,2026-11-02T09:10:00Z,SUCCEEDED\n"
                + "shop,staging,c1,2026-11-02T07:00:00Z,2026-11-02T07:10:00Z,SUCCEEDED\n"
                + "shop,staging,c2,2026-11-04T20:00:00Z,2026-11-04T20:10:00Z,FAILED\n"
                + "shop,qa,c2,2026-11-03T12:00:00Z,2026-11-03T12:10:00Z,FAILED\n"
                + "shop,production,c3,2026-11-04T10:00:00Z,2026-11-04T10:10:00Z,FAILED\n");
        assertThat(riskgate("import", csv.toString(), "--store", store).exit()).isZero();
        RiskGateCliTest.Run run = riskgate("report", "--store", store, "--format", "openmetrics",
                "--since", "2026-11-02T08:30:00Z", "--until", "2026-11-04T12:00:00Z");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode families = parse(run.out());
        assertThat(value(families, "riskgate_deployments", "environment", "production")).isEqualTo(2);
        assertThat(value(families, "riskgate_deployment_failures", "environment", "production")).isEqualTo(1);
        assertThat(value(families, "riskgate_deployments", "environment", "qa")).isEqualTo(1);
        assertThat(run.out()).doesNotContain("environment=\"staging\"");
        // the whole history: staging too
        JsonNode all = parse(riskgate("report", "--store", store, "--format", "openmetrics").out());
        assertThat(value(all, "riskgate_deployments", "environment", "staging")).isEqualTo(2);
        // one environment asked for by name gets its series, deployments or not
        RiskGateCliTest.Run named = riskgate("report", "--store", store, "--format", "openmetrics", "--environment", "staging",
                "--since", "2026-11-02T08:30:00Z", "--until", "2026-11-04T12:00:00Z");
        assertThat(value(parse(named.out()), "riskgate_deployments", "environment", "staging")).isZero();
    }

    @Test
    void aWindowWithAStartAndNoEndEndsNowSoTheFrequencyIsOverItsDays() throws Exception {
        String store = tmp.resolve("store").toString();
        Path csv = tmp.resolve("early.csv");
        java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        java.time.Instant early = now.minus(java.time.Duration.ofDays(29));
        StringBuilder rows = new StringBuilder("pipeline,environment,commit,startedAt,finishedAt,outcome\n");
        for (int i = 0; i < 3; i++) {
            // three successful deployments within twenty minutes, 29 days ago, none since
            rows.append("shop,production,c").append(i).append(',').append(early.plusSeconds(600L * i - 300)).append(',')
                    .append(early.plusSeconds(600L * i)).append(",SUCCEEDED\n");
        }
        Files.writeString(csv, rows);
        assertThat(riskgate("import", csv.toString(), "--store", store).exit()).isZero();
        RiskGateCliTest.Run run = riskgate("report", "--store", store, "--format", "openmetrics", "--since",
                now.minus(java.time.Duration.ofDays(30)).toString());
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode families = parse(run.out());
        assertThat(value(families, "riskgate_deployments", "environment", "production")).isEqualTo(3);
        assertThat(value(families, "riskgate_deployments_per_day", "environment", "production")).as("3 in 30 days")
                .isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void labelValuesWithQuotesBackslashesAndLineBreaksAreEscaped() throws Exception {
        String store = tmp.resolve("store").toString();
        Path csv = tmp.resolve("odd.csv");
        Files.writeString(csv, "pipeline,environment,commit,startedAt,finishedAt,outcome\n"
                + "\"a\"\"b\\c\nd\",prod,c1,2026-11-02T09:00:00Z,2026-11-02T09:10:00Z,SUCCEEDED\n");
        assertThat(riskgate("import", csv.toString(), "--store", store).exit()).isZero();
        JsonNode families = parse(riskgate("report", "--store", store, "--format", "openmetrics").out());
        assertThat(value(families, "riskgate_readiness_checks_passed", "pipeline", "a\"b\\c\nd")).isGreaterThanOrEqualTo(0);
    }

    @Test
    void theParserRefusesTextThatBreaksTheFormat() {
        Assumptions.assumeTrue(parserAvailable() || "true".equals(System.getenv("CI")), "the OpenMetrics parser is not installed");
        for (String broken : new String[] {"# TYPE a gauge\na 1\n", "# TYPE a gauge\na{x=\"unterminated} 1\n# EOF\n",
                "# TYPE a_seconds gauge\n# UNIT a_seconds bytes\na_seconds 1\n# EOF\n"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> parse(broken)).as(broken).isInstanceOf(AssertionError.class);
        }
    }
}
