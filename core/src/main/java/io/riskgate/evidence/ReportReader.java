package io.riskgate.evidence;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads one JUnit XML report as a stream (StAX) and counts its {@code testcase} elements. What it
 * holds does not depend on the size of the report: one counter frame per open suite, the capped
 * failure list and at most {@value #MESSAGE_CAPTURE} characters of the failure text being read.
 * A report that declares a DTD is refused before anything in it is used: entities are never
 * expanded and nothing outside the report is read.
 */
final class ReportReader {
    private static final int MESSAGE_LENGTH = 200;
    private static final int MESSAGE_CAPTURE = 300;
    /** CDATA sections (stack traces, captured output) are read in chunks of this many characters, not whole. */
    private static final String CDATA_CHUNK = "8192";

    /** How a test case ended; a later constant outranks an earlier one. */
    private enum Outcome { PASSED, SKIPPED, ERROR, FAILED }

    /** The counts of one open {@code testsuite} (or of the {@code testsuites} root). */
    private static final class Suite {
        final String name;
        final boolean root;
        final String[] attributes;
        int total;
        int failed;
        int errors;
        int skipped;
        /** Whether a test case stands anywhere inside. */
        boolean hasCases;
        /** Whether a suite inside was counted by its attributes. */
        boolean hasSummaries;
        /** Whether this suite was counted by its attributes. */
        boolean summary;
        boolean hasSuites;

        Suite(String name, boolean root, String[] attributes) {
            this.name = name;
            this.root = root;
            this.attributes = attributes;
        }

        void add(Outcome outcome) {
            hasCases = true;
            total++;
            switch (outcome) {
                case FAILED -> failed++;
                case ERROR -> errors++;
                case SKIPPED -> skipped++;
                default -> { }
            }
        }

        /** Takes in a suite that stood inside this one: its flags, and its counts unless it was reported on its own. */
        void absorb(Suite inner, boolean counts) {
            hasCases |= inner.hasCases;
            hasSummaries |= inner.summary || inner.hasSummaries;
            hasSuites = true;
            if (counts) {
                total = Math.addExact(total, inner.total);
                failed = Math.addExact(failed, inner.failed);
                errors = Math.addExact(errors, inner.errors);
                skipped = Math.addExact(skipped, inner.skipped);
            }
        }

        TestSource source(String file) {
            return new TestSource(file, name, total, failed, errors, skipped);
        }
    }

    private static final String[] COUNT_ATTRIBUTES = {"tests", "failures", "errors", "skipped"};

    private final String report;
    private final Deque<Suite> suites = new ArrayDeque<>();
    private final List<TestSource> sources = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    // the test case being read, if any
    private String caseLabel;
    private int caseDepth;
    private Outcome outcome;
    private String message;
    private StringBuilder text;
    private int textDepth;

    private ReportReader(String report) {
        this.report = report;
    }

    /** Reads a report from a stream that the caller closes; {@code report} names it in sources and messages. */
    static TestEvidence read(InputStream in, String report) {
        return new ReportReader(report).read(in);
    }

    private TestEvidence read(InputStream in) {
        BlankWatch watch = new BlankWatch(in);
        XMLStreamReader xml = null;
        try {
            xml = factory().createXMLStreamReader(watch);
            int depth = 0;
            while (xml.hasNext()) {
                switch (xml.next()) {
                    case XMLStreamConstants.DTD -> throw EvidenceException.in(report, "declares a DTD (<!DOCTYPE>), which is refused:"
                            + " its entities are never expanded nor its references read; write the report without a DOCTYPE");
                    case XMLStreamConstants.START_ELEMENT -> start(xml, ++depth);
                    case XMLStreamConstants.END_ELEMENT -> end(xml.getLocalName(), depth--);
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> capture(xml);
                    default -> { }
                }
            }
        } catch (XMLStreamException e) {
            throw failure(e, watch);
        } catch (ArithmeticException e) {
            throw tooMany();
        } finally {
            close(xml);
        }
        try {
            int total = 0;
            int failed = 0;
            int errors = 0;
            int skipped = 0;
            for (TestSource s : sources) {
                total = Math.addExact(total, s.total());
                failed = Math.addExact(failed, s.failed());
                errors = Math.addExact(errors, s.errors());
                skipped = Math.addExact(skipped, s.skipped());
            }
            return new TestEvidence(total, failed, errors, skipped, sources, failures);
        } catch (ArithmeticException e) {
            throw tooMany();
        }
    }

    private EvidenceException tooMany() {
        return EvidenceException.in(report, "counts more than " + Integer.MAX_VALUE
                + " tests (or failures, errors or skipped tests) in all, which cannot be right: fix or regenerate the report");
    }

    private static XMLInputFactory factory() {
        // the JDK's own implementation, so that the limits and properties below are known to apply
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty("jdk.xml.cdataChunkSize", CDATA_CHUNK);
        factory.setXMLResolver((publicId, systemId, base, namespace) -> {
            throw new XMLStreamException("external reference refused");
        });
        return factory;
    }

    private void start(XMLStreamReader xml, int depth) {
        String name = xml.getLocalName();
        if (caseLabel != null) {
            if (depth == caseDepth + 1) {
                caseChild(xml, name, depth);
            }
            return;
        }
        boolean suite = name.equals("testsuite") || name.equals("testsuites");
        if (depth == 1 && !suite) {
            throw EvidenceException.in(report, "is not a JUnit XML report (root element <" + oneLine(name, 60)
                    + ">): let the pattern match JUnit XML files only, such as TEST-*.xml");
        }
        if (suite) {
            String[] counts = new String[COUNT_ATTRIBUTES.length];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = xml.getAttributeValue(null, COUNT_ATTRIBUTES[i]);
            }
            if (counts[3] == null) {
                counts[3] = xml.getAttributeValue(null, "skips"); // older pytest
            }
            suites.push(new Suite(attribute(xml, "name"), depth == 1 && name.equals("testsuites"), counts));
        } else if (name.equals("testcase")) {
            String className = attribute(xml, "classname");
            caseLabel = label(className.isBlank() && !suites.isEmpty() ? suites.element().name : className, attribute(xml, "name"));
            caseDepth = depth;
            outcome = Outcome.PASSED;
            message = null;
        }
    }

    /**
     * A result element of a test case. Surefire's reruns: {@code flakyFailure}/{@code flakyError} alone
     * mean the test passed on a rerun; {@code rerunFailure}/{@code rerunError} come with the failure.
     */
    private void caseChild(XMLStreamReader xml, String name, int depth) {
        Outcome result = switch (name) {
            case "failure", "rerunFailure" -> Outcome.FAILED;
            case "error", "rerunError" -> Outcome.ERROR;
            case "skipped" -> Outcome.SKIPPED;
            default -> null;
        };
        if (result == null) {
            return;
        }
        if (result.compareTo(outcome) > 0) {
            outcome = result;
        }
        if (result != Outcome.SKIPPED && message == null && failures.size() < TestEvidence.MAX_FAILURES) {
            String first = firstLine(attribute(xml, "message"));
            if (first.isEmpty()) {
                text = new StringBuilder();
                textDepth = depth;
            } else {
                message = first;
            }
        }
    }

    /** Keeps the start of a failure's text, for its first line, when the failure has no message attribute. */
    private void capture(XMLStreamReader xml) {
        if (text == null || text.length() >= MESSAGE_CAPTURE) {
            return;
        }
        char[] chars = xml.getTextCharacters();
        int from = xml.getTextStart();
        int end = from + xml.getTextLength();
        if (text.length() == 0) {
            while (from < end && Character.isWhitespace(chars[from])) {
                from++;
            }
        }
        text.append(chars, from, Math.min(end - from, MESSAGE_CAPTURE - text.length()));
    }

    private void end(String name, int depth) {
        if (caseLabel != null) {
            if (text != null && depth == textDepth) {
                String first = firstLine(text.toString());
                message = first.isEmpty() ? null : first;
                text = null;
            }
            if (depth == caseDepth) {
                endCase();
            }
        } else if ((name.equals("testsuite") || name.equals("testsuites")) && !suites.isEmpty()) {
            endSuite();
        }
    }

    private void endCase() {
        // a test case outside any suite cannot happen: the root element is a suite
        suites.element().add(outcome);
        if ((outcome == Outcome.FAILED || outcome == Outcome.ERROR) && failures.size() < TestEvidence.MAX_FAILURES) {
            failures.add(caseLabel + ": " + (message == null ? "(no message)" : message));
        }
        caseLabel = null;
        text = null;
    }

    /**
     * Closes a suite. One without test cases anywhere inside (a summary-only report) counts by its
     * attributes, unless suites inside it already did. Top-level suites become sources; suites inside
     * them add to them. The {@code testsuites} root is a source only for what stands directly in it.
     */
    private void endSuite() {
        Suite suite = suites.pop();
        if (!suite.hasCases && !suite.hasSummaries && hasAny(suite.attributes)) {
            countAttributes(suite);
        }
        Suite outer = suites.peek();
        if (suite.root) {
            if (suite.total > 0 || !suite.hasSuites) {
                sources.add(suite.source(report));
            }
        } else if (outer == null || outer.root) {
            sources.add(suite.source(report));
            if (outer != null) {
                outer.absorb(suite, false);
            }
        } else {
            outer.absorb(suite, true);
        }
    }

    private void countAttributes(Suite suite) {
        int[] n = new int[COUNT_ATTRIBUTES.length];
        for (int i = 0; i < n.length; i++) {
            n[i] = count(suite, COUNT_ATTRIBUTES[i], suite.attributes[i]);
        }
        suite.summary = true;
        suite.failed = n[1];
        suite.errors = n[2];
        suite.skipped = n[3];
        // some tools leave skipped tests out of "tests"; the total is never less than its parts
        suite.total = (int) Math.min(Integer.MAX_VALUE, Math.max(n[0], (long) n[1] + n[2] + n[3]));
    }

    private int count(Suite suite, String attribute, String value) {
        if (value == null) {
            return 0;
        }
        String digits = value.strip();
        if (!digits.isEmpty() && digits.length() < 40 && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long n = new java.math.BigInteger(digits).min(java.math.BigInteger.valueOf(Long.MAX_VALUE)).longValue();
            if (n > Integer.MAX_VALUE) {
                throw EvidenceException.in(report, "has suite '" + oneLine(suite.name, 80) + "' with " + attribute + "=\""
                        + oneLine(value, 40) + "\", more than " + Integer.MAX_VALUE + ", which cannot be right: fix or regenerate the report");
            }
            return (int) n;
        }
        throw EvidenceException.in(report, "has suite '" + oneLine(suite.name, 80) + "' with " + attribute + "=\""
                + oneLine(value, 40) + "\", which is not a whole number: fix or regenerate the report");
    }

    private static boolean hasAny(String[] values) {
        for (String v : values) {
            if (v != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code Suite.test}: the class name (else the suite's name) and the test name, or the test name
     * alone when it already holds the class name (Jest, Mocha).
     */
    private static String label(String className, String name) {
        String test = name.isBlank() ? "(unnamed test)" : oneLine(name, MESSAGE_LENGTH);
        if (className.isBlank() || name.equals(className) || name.startsWith(className + " ") || name.endsWith(" " + className)) {
            return test;
        }
        return oneLine(className, MESSAGE_LENGTH) + "." + test;
    }

    private static String attribute(XMLStreamReader xml, String name) {
        String value = xml.getAttributeValue(null, name);
        return value == null ? "" : value;
    }

    /** The first line that is not blank, shortened. */
    private static String firstLine(String s) {
        for (String line : s.split("\\R")) {
            if (!line.isBlank()) {
                return oneLine(line, MESSAGE_LENGTH);
            }
        }
        return "";
    }

    private static String oneLine(String s, int max) {
        String line = s.replaceAll("\\s+", " ").strip();
        return line.length() <= max ? line : line.substring(0, max - 1) + "…";
    }

    private EvidenceException failure(XMLStreamException e, BlankWatch watch) {
        if (watch.readFailure() != null) {
            return new EvidenceException("cannot read test report " + report + ": " + watch.readFailure().getMessage(), watch.readFailure());
        }
        if (watch.onlyBlank()) {
            return EvidenceException.in(report, "is empty: the test run wrote no results");
        }
        String reason = e.getMessage() == null ? "" : e.getMessage();
        int at = reason.indexOf("Message:");
        if (at >= 0) {
            reason = reason.substring(at + "Message:".length());
        }
        Location where = e.getLocation();
        String position = where == null ? "" : " at line " + where.getLineNumber() + ", column " + where.getColumnNumber();
        return new EvidenceException("test report " + report + " is not well-formed XML" + position + ": " + oneLine(reason, 300)
                + " (regenerate it; a killed test run can leave it cut off)", e);
    }

    private static void close(XMLStreamReader xml) {
        if (xml != null) {
            try {
                xml.close();
            } catch (XMLStreamException e) {
                // nothing was written; the caller closes the stream itself
            }
        }
    }

    /**
     * Passes bytes through and remembers whether any was more than white space (or a UTF-8 byte order
     * mark), and how reading failed. Closing it leaves the stream open: that is the caller's.
     */
    private static final class BlankWatch extends FilterInputStream {
        private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        private long position;
        private boolean blank = true;
        private IOException failure;

        BlankWatch(InputStream in) {
            super(in);
        }

        boolean onlyBlank() {
            return blank;
        }

        IOException readFailure() {
            return failure;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n;
            try {
                n = super.read(buffer, offset, length);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
            for (int i = 0; blank && i < n; i++) {
                byte b = buffer[offset + i];
                blank = b == ' ' || b == '\t' || b == '\r' || b == '\n' || (position < BOM.length && b == BOM[(int) position]);
                position++;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            blank = false; // skipped bytes are unseen: not known to be blank
            return super.skip(n);
        }

        @Override
        public void close() {
            // the caller closes the stream it passed
        }
    }
}
