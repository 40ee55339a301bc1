package io.riskgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.riskgate.records.StoreWriterMain;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** riskgate commands as real processes sharing one embedded store, as CI jobs on one machine do. */
class CliProcessesTest {
    @TempDir
    Path tmp;

    record Result(int exit, String out, String err) {
    }

    static ProcessBuilder java(String main, List<String> args) {
        return java(main, List.of(), args);
    }

    static ProcessBuilder java(String main, List<String> jvm, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx256m"));
        command.addAll(jvm);
        command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), main));
        command.addAll(args);
        return new ProcessBuilder(command);
    }

    static ProcessBuilder riskgate(String... args) {
        return java(RiskGate.class.getName(), List.of(args));
    }

    static Result await(Process p) throws Exception {
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("a riskgate process did not finish within 180 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    String store() {
        return tmp.resolve("store").toString();
    }

    @Test
    void twentyRecordCommandsStartedAtOnceStoreTwentyRecords() throws Exception {
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            processes.add(riskgate("record", "--store", store(), "--pipeline", "shop", "--environment", "production", "--commit", "c" + i,
                    "--started", "2026-11-24T10:00:00Z", "--finished", "2026-11-24T10:05:00Z", "--outcome", "SUCCEEDED").start());
        }
        List<String> errors = new ArrayList<>();
        for (Process p : processes) {
            Result r = await(p);
            if (r.exit() != 0) {
                errors.add(r.exit() + ": " + r.err().strip());
            }
        }
        assertThat(errors).as("errors of 20 concurrent 'riskgate record'").isEmpty();
        assertThat(RiskGateCliTest.riskgate("export", "--store", store()).out().lines().count()).isEqualTo(21);
    }

    @Test
    void reportsAndExportsAnswerWhileAnImportRuns() throws Exception {
        StringBuilder csv = new StringBuilder("pipeline,environment,commit,commitTime,startedAt,finishedAt,outcome,riskScore,riskLevel\n");
        for (int i = 0; i < 20_000; i++) {
            String day = java.time.Instant.parse("2024-01-01T10:00:00Z").plusSeconds(600L * i).toString();
            csv.append("shop,production,c").append(i).append(',').append(day).append(',').append(day).append(',').append(day)
                    .append(i % 7 == 0 ? ",FAILED,60,HIGH\n" : ",SUCCEEDED,10,LOW\n");
        }
        Path file = tmp.resolve("big.csv");
        Files.writeString(file, csv);
        assertThat(RiskGateCliTest.riskgate("record", "--store", store(), "--pipeline", "shop", "--environment", "production", "--commit",
                "first", "--started", "2023-11-24T10:00:00Z", "--finished", "2023-11-24T10:05:00Z", "--outcome", "SUCCEEDED").exit()).isZero();
        Process importing = riskgate("import", file.toString(), "--store", store()).start();
        Path lock = Path.of(store(), "records.lock.db");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(lock) && importing.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);   // the import checks the file first, then opens the store and serves it
        }
        List<Process> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            readers.add(riskgate("report", "--store", store(), "--format", "json").start());
        }
        readers.add(riskgate("export", "--store", store(), "--since", "2024-01-01", "--until", "2024-01-02").start());
        int answeredDuringImport = 0;
        while (importing.isAlive()) {
            try (io.riskgate.records.ChangeRecordStore s = io.riskgate.records.RecordStores.openExisting(store())) {
                assertThat(s.count(io.riskgate.records.RecordQuery.ALL)).isPositive();
                s.dora(io.riskgate.records.RecordQuery.ALL);
            }
            answeredDuringImport += importing.isAlive() ? 1 : 0;
        }
        assertThat(answeredDuringImport).as("reads from this process answered while the import ran").isPositive();
        for (Process p : readers) {
            Result r = await(p);
            assertThat(r.exit()).as("a reader during the import: %s", r.err()).isZero();
            assertThat(r.err()).isEmpty();
        }
        Result imported = await(importing);
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("imported 20000 records", "20000 new");
    }

    @Test
    void parallelAssessmentsShareTheDefaultStore() throws Exception {
        io.riskgate.testing.TestRepo repo = io.riskgate.testing.TestRepo.init(tmp.resolve("repo"));
        repo.write("a.txt", "a\n");
        String base = repo.commit("a");
        repo.write("a.txt", "b\n");
        repo.commit("b");
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve(".riskgate/records"));   // the default store exists: assess --model auto consults it
        List<Process> assessments = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            assessments.add(java(RiskGate.class.getName(), List.of("-Duser.home=" + home),
                    List.of("assess", "--repo", repo.dir().toString(), "--base", base, "--format", "json")).start());
        }
        for (Process p : assessments) {
            Result r = await(p);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("\"score\"");
        }
    }

    @Test
    void aStoreHeldByAProcessThatDoesNotShareItIsRetryableAndNamesTheHolder() throws Exception {
        assertThat(RiskGateCliTest.riskgate("record", "--store", store(), "--pipeline", "shop", "--environment", "production", "--commit",
                "first", "--started", "2023-11-24T10:00:00Z", "--finished", "2023-11-24T10:05:00Z", "--outcome", "SUCCEEDED").exit()).isZero();
        Process holder = java(StoreWriterMain.class.getName(), List.of("jdbc:h2:file:" + Path.of(store(), "records").toAbsolutePath(), "h", "0"))
                .start();
        try {
            assertThat(holder.inputReader().readLine()).as("the holder writes").startsWith("saved ");
            ProcessBuilder report = riskgate("report", "--store", store());
            report.environment().put("RISKGATE_STORE_WAIT", "2");
            Result r = await(report.start());
            assertThat(r.exit()).as(r.err()).isEqualTo(5);
            assertThat(r.err().strip()).startsWith("riskgate: the record store " + store() + " is held by another process that does not share it")
                    .contains("waited 2 s").doesNotContain("\n");
        } finally {
            holder.toHandle().destroyForcibly();
            holder.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void anExportToAFullDiskExitsFiveWithOneLine() throws Exception {
        StringBuilder csv = new StringBuilder("pipeline,environment,commit,startedAt,finishedAt,outcome\n");
        for (int i = 0; i < 3001; i++) {
            String t = java.time.Instant.parse("2026-01-01T10:00:00Z").plusSeconds(60L * i).toString();
            csv.append("shop,production,c").append(i).append(',').append(t).append(',').append(t).append(",SUCCEEDED\n");
        }
        Path file = tmp.resolve("records.csv");
        Files.writeString(file, csv);
        assertThat(RiskGateCliTest.riskgate("import", file.toString(), "--store", store()).exit()).isZero();
        Process export = riskgate("export", "--store", store()).redirectOutput(new File("/dev/full")).start();
        Result r = await(export);
        assertThat(r.exit()).isEqualTo(5);
        assertThat(r.err().strip()).isEqualTo("riskgate: cannot write the output to standard output: no space left on device:"
                + " the output is incomplete; free space or fix where it goes, then retry");
    }
}
