package io.riskgate.evidence;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Test evidence from JUnit-style XML reports, as written by Maven Surefire and Failsafe, Gradle,
 * pytest ({@code --junitxml}), Jest (jest-junit), Mocha (mocha-junit-reporter), go-junit-report and
 * others: roots {@code <testsuites>} or {@code <testsuite>}, suites nested in suites.
 * <ul>
 *   <li>Every {@code testcase} is counted once, at any depth: with a {@code failure} it failed, else
 *       with an {@code error} it broke, else with {@code skipped} it was skipped. Surefire's reruns:
 *       only {@code flakyFailure}/{@code flakyError} means it passed on a rerun.</li>
 *   <li>A suite without test cases (a summary-only report) counts by its {@code tests},
 *       {@code failures}, {@code errors} and {@code skipped} attributes.</li>
 *   <li>Reports are streamed: memory does not grow with their size. A report that declares a DTD is
 *       refused, so entities are never expanded and nothing outside the report is read.</li>
 * </ul>
 * Every problem is an {@link EvidenceException} that names the report: an empty, cut-off or
 * foreign file is never taken for a passing run.
 */
public final class JUnitReports {
    private JUnitReports() {
    }

    /** The results in one report file. */
    public static TestEvidence parse(Path file) {
        return parse(file, file.toString());
    }

    /** The results in a report read from {@code in}, which the caller closes; {@code name} names it in sources and messages. */
    public static TestEvidence parse(InputStream in, String name) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(name, "name");
        return ReportReader.read(in, name);
    }

    /**
     * The results in all report files that match {@code patterns}: comma-separated Ant-style globs
     * relative to {@code baseDir}, such as {@code "**}{@code /target/surefire-reports/*.xml, build/test-results/**}{@code /*.xml"}.
     * Files are read in path order; at least one must match.
     */
    public static TestEvidence collect(Path baseDir, String patterns) {
        List<TestEvidence> parts = new ArrayList<>();
        for (String report : ReportFinder.find(baseDir, patterns)) {
            parts.add(parse(baseDir.resolve(report), report));
        }
        return TestEvidence.sum(parts);
    }

    /**
     * Like {@link #collect}, but when no file matches the result is null (no test results: the
     * gate's minimum-tests rule reports it) rather than an error; a matched file that is broken is
     * still an error that names it.
     */
    public static TestEvidence collectIfAny(Path baseDir, String patterns) {
        List<String> reports = ReportFinder.findIfAny(baseDir, patterns);
        if (reports.isEmpty()) {
            return null;
        }
        List<TestEvidence> parts = new ArrayList<>();
        for (String report : reports) {
            parts.add(parse(baseDir.resolve(report), report));
        }
        return TestEvidence.sum(parts);
    }

    private static TestEvidence parse(Path file, String name) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return ReportReader.read(in, name);
        } catch (NoSuchFileException e) {
            throw EvidenceException.in(name, "does not exist: check the path, or that the tests ran");
        } catch (IOException e) {
            throw new EvidenceException("cannot read test report " + name + ": " + e.getMessage(), e);
        }
    }
}
