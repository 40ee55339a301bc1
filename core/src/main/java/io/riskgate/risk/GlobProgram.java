package io.riskgate.risk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A glob compiled to a small automaton and matched by simulating all its states at once (a Pike
 * VM): the time is at most the path's length times the program's size, whatever the glob, so a
 * pattern such as {@code *a*a*a*a*b} from a repository's policy file cannot stall an assessment
 * the way a backtracking regular expression does.
 */
final class GlobProgram {
    private static final int CHAR = 0;
    /** Any character but {@code /}. */
    private static final int ANY_IN_SEGMENT = 1;
    /** Any character. */
    private static final int ANY = 2;
    private static final int CLASS = 3;
    private static final int SPLIT = 4;
    private static final int JUMP = 5;
    private static final int MATCH = 6;

    private final int[] op;
    private final int[] x;
    private final int[] y;
    private final CharClass[] classes;
    private final String literal;

    private GlobProgram(int[] op, int[] x, int[] y, CharClass[] classes, String literal) {
        this.op = op;
        this.x = x;
        this.y = y;
        this.classes = classes;
        this.literal = literal;
    }

    /**
     * Compiles a glob in which {@code *} stays in a segment, {@code **} crosses them ({@code **}{@code /}
     * at the start of a segment may match no directory, {@code /**} at the end nothing), {@code ?} is one
     * character, {@code [...]} a class ({@code [!...]} negated) and {@code {a,b}} alternatives.
     */
    static GlobProgram compile(String glob, String original) {
        Compiler c = new Compiler(glob, original);
        c.sequence(0);
        if (c.pos < glob.length()) {
            throw new IllegalArgumentException("unmatched '}' in path pattern '" + original + "'");
        }
        c.emit(MATCH, 0, 0);
        c.endRun();
        return new GlobProgram(c.op.toArray(), c.x.toArray(), c.y.toArray(), c.classes.toArray(new CharClass[0]), c.longest);
    }

    /**
     * The longest run of characters that every match contains, in order: a cheap filter before
     * running the automaton.
     */
    String literal() {
        return literal;
    }

    boolean matches(CharSequence s) {
        return run(s) >= 0;
    }

    /**
     * Runs the automaton: the number of state visits it took, or -1 when {@code s} does not
     * match. Never more than about (length + 1) times the program's size.
     */
    int run(CharSequence s) {
        int n = op.length;
        int[] current = new int[n];
        int[] next = new int[n];
        int[] seen = new int[n];
        int[] stack = new int[n];
        int stamp = 1;
        int[] sizeAndSteps = {0, 0};
        add(current, sizeAndSteps, 0, seen, stamp, stack);
        int size = sizeAndSteps[0];
        for (int i = 0; i < s.length() && size > 0; i++) {
            char ch = s.charAt(i);
            stamp++;
            sizeAndSteps[0] = 0;
            for (int k = 0; k < size; k++) {
                int pc = current[k];
                boolean step = switch (op[pc]) {
                    case CHAR -> ch == x[pc];
                    case ANY_IN_SEGMENT -> ch != '/';
                    case ANY -> true;
                    case CLASS -> classes[x[pc]].contains(ch);
                    default -> false;
                };
                if (step) {
                    add(next, sizeAndSteps, pc + 1, seen, stamp, stack);
                }
            }
            size = sizeAndSteps[0];
            int[] t = current;
            current = next;
            next = t;
        }
        for (int k = 0; k < size; k++) {
            if (op[current[k]] == MATCH) {
                return sizeAndSteps[1];
            }
        }
        return -1;
    }

    /** Adds a state and everything its jumps and splits reach, each state once per step. */
    private void add(int[] list, int[] sizeAndSteps, int start, int[] seen, int stamp, int[] stack) {
        int top = 0;
        stack[top++] = start;
        while (top > 0) {
            int pc = stack[--top];
            if (seen[pc] == stamp) {
                continue;
            }
            seen[pc] = stamp;
            sizeAndSteps[1]++;
            switch (op[pc]) {
                case JUMP -> stack[top++] = x[pc];
                case SPLIT -> {
                    stack[top++] = y[pc];
                    stack[top++] = x[pc];
                }
                default -> list[sizeAndSteps[0]++] = pc;
            }
        }
    }

    /** A bracket expression: characters and ranges, possibly negated; never matches {@code /}. */
    private record CharClass(char[] from, char[] to, boolean negated) {
        boolean contains(char c) {
            if (c == '/') {
                return false;
            }
            for (int i = 0; i < from.length; i++) {
                if (c >= from[i] && c <= to[i]) {
                    return !negated;
                }
            }
            return negated;
        }
    }

    private static final class Compiler {
        private final String g;
        private final String original;
        private final IntList op = new IntList();
        private final IntList x = new IntList();
        private final IntList y = new IntList();
        private final List<CharClass> classes = new ArrayList<>();
        private final StringBuilder run = new StringBuilder();
        private String longest = "";
        private int lastLiteral = -1;
        private int pos;

        Compiler(String g, String original) {
            this.g = g;
            this.original = original;
        }

        /** Compiles until the end, or (inside braces) until the {@code ,} or {@code }} that ends an alternative. */
        void sequence(int depth) {
            while (pos < g.length()) {
                char c = g.charAt(pos);
                if (depth > 0 && (c == ',' || c == '}')) {
                    return;
                }
                if (depth == 0 && c == '}') {
                    return;
                }
                pos++;
                switch (c) {
                    case '*' -> star();
                    case '?' -> wildcard(ANY_IN_SEGMENT);
                    case '[' -> bracket();
                    case '{' -> alternatives(depth + 1);
                    default -> literal(c, depth);
                }
            }
        }

        private void star() {
            int at = pos - 1;
            boolean doubleStar = pos < g.length() && g.charAt(pos) == '*';
            if (!doubleStar) {
                endRun();
                loop(ANY_IN_SEGMENT);
                return;
            }
            boolean atStart = at == 0 || g.charAt(at - 1) == '/';
            boolean slashAfter = at + 2 < g.length() && g.charAt(at + 2) == '/';
            boolean atEnd = at + 2 == g.length();
            boolean afterLiteralSlash = at > 0 && g.charAt(at - 1) == '/' && lastLiteral == op.size() - 1;
            if (atEnd && afterLiteralSlash && run.length() > 0) {
                run.setLength(run.length() - 1);   // the slash may match nothing: not part of every match
            }
            endRun();
            if (atStart && slashAfter) {
                // **/ : any number of directories, including none
                int split = emit(SPLIT, 0, 0);
                x.set(split, op.size());
                loop(ANY);
                emit(CHAR, '/', 0);
                y.set(split, op.size());
                pos += 2;
            } else if (atEnd && afterLiteralSlash) {
                // /** at the end: the directory itself or anything below it
                op.removeLast();
                x.removeLast();
                y.removeLast();
                int split = emit(SPLIT, 0, 0);
                x.set(split, op.size());
                emit(CHAR, '/', 0);
                loop(ANY);
                y.set(split, op.size());
                pos += 1;
            } else {
                loop(ANY);
                pos += 1;
            }
        }

        private void loop(int what) {
            int split = emit(SPLIT, 0, 0);
            emit(what, 0, 0);
            emit(JUMP, split, 0);
            x.set(split, split + 1);
            y.set(split, op.size());
        }

        private void wildcard(int what) {
            endRun();
            emit(what, 0, 0);
        }

        private void bracket() {
            int close = g.indexOf(']', pos);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '[' in path pattern '" + original + "'");
            }
            String body = g.substring(pos, close);
            boolean negated = body.startsWith("!") || body.startsWith("^");
            if (negated) {
                body = body.substring(1);
            }
            StringBuilder from = new StringBuilder();
            StringBuilder to = new StringBuilder();
            for (int i = 0; i < body.length(); i++) {
                char lo = body.charAt(i);
                char hi = lo;
                if (i + 2 < body.length() && body.charAt(i + 1) == '-') {
                    hi = body.charAt(i + 2);
                    i += 2;
                }
                from.append(lo);
                to.append(hi);
            }
            endRun();
            classes.add(new CharClass(from.toString().toCharArray(), to.toString().toCharArray(), negated));
            emit(CLASS, classes.size() - 1, 0);
            pos = close + 1;
        }

        private void alternatives(int depth) {
            endRun();
            List<Integer> jumpsToEnd = new ArrayList<>();
            while (true) {
                int split = emit(SPLIT, 0, 0);
                x.set(split, op.size());
                sequence(depth);
                if (pos >= g.length()) {
                    throw new IllegalArgumentException("unclosed '{' in path pattern '" + original + "'");
                }
                char end = g.charAt(pos++);
                endRun();
                jumpsToEnd.add(emit(JUMP, 0, 0));
                y.set(split, op.size());
                if (end == '}') {
                    break;
                }
            }
            // the last split's second branch falls through to a state that cannot step: no empty alternative is added
            emit(CLASS, classes.size(), 0);
            classes.add(new CharClass(new char[0], new char[0], false));
            for (int jump : jumpsToEnd) {
                x.set(jump, op.size());
            }
        }

        private void literal(char c, int depth) {
            lastLiteral = emit(CHAR, c, 0);
            if (depth == 0) {
                run.append(c);
            } else {
                endRun();
            }
        }

        void endRun() {
            if (run.length() > longest.length()) {
                longest = run.toString();
            }
            run.setLength(0);
        }

        int emit(int code, int a, int b) {
            op.add(code);
            x.add(a);
            y.add(b);
            return op.size() - 1;
        }
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] values = new int[16];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        void set(int i, int v) {
            values[i] = v;
        }

        void removeLast() {
            size--;
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
