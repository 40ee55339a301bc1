package io.riskgate.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathPatternTest {
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
            "pom.xml, pom.xml, true",
            "pom.xml, a/b/pom.xml, true",
            "pom.xml, a/pom.xml.bak, false",
            "*.tf, infra/main.tf, true",
            "*.tf, main.tfvars, false",
            "**/db/migration/**, src/main/resources/db/migration/V1__init.sql, true",
            "**/db/migration/**, db/migration/V1__init.sql, true",
            "**/db/migration/**, src/db/migrations/x.sql, false",
            "docs/, docs/a/b.md, true",
            "docs/, src/docs/a.md, true",
            "/docs/, src/docs/a.md, false",
            "/docs/, docs/x.png, true",
            "src/*.java, src/A.java, true",
            "src/*.java, src/a/A.java, false",
            "V*__*.sql, db/V12__add_users.sql, true",
            "V?__*.sql, V1__a.sql, true",
            "V?__*.sql, V12__a.sql, false",
            "'*.{yml,yaml}', k8s/app.yaml, true",
            "'*.{yml,yaml}', k8s/app.json, false",
            "[Dd]ockerfile, Dockerfile, true",
            "[!D]ockerfile, Dockerfile, false",
            "a+b(c).txt, x/a+b(c).txt, true",
            "vendor/**/x, vendor/x, true",
            "vendor/**/x, vendor/p/q/x, true",
            "**/db/migrate/*.rb, db/migrate/1_x.rb, true",
            "**/db/migrate/*.rb, app/db/migrate/1_x.rb, true",
            "**/db/migrate/*.rb, app/db/migrate/x/1_x.rb, false",
            "'**/config/**/*.{yml,json}', config/app.yml, true",
            "'**/config/**/*.{yml,json}', svc/config/a/b.json, true",
            "'**/config/**/*.{yml,json}', svc/config/a/b.java, false",
    })
    void matchesLikeGitignore(String glob, String path, boolean expected) {
        assertThat(PathPattern.of(glob).matches(path)).isEqualTo(expected);
    }

    @Test
    void negatedGlobsRemovePathsFromASet() {
        PathPatterns set = PathPatterns.of(List.of("**/migrations/**", "!**/__init__.py"));
        assertThat(set.matches("app/migrations/0002_drop.py")).isTrue();
        assertThat(set.matches("app/migrations/__init__.py")).isFalse();
        assertThat(set.plus(List.of("!app/**")).matches("app/migrations/0002_drop.py")).isFalse();
        assertThat(PathPatterns.none().matches("anything")).isFalse();
    }

    @ParameterizedTest(name = "{0} in a set ~ {1} = {2}")
    @CsvSource({
            "**/db/migrate/*.rb, db/migrate/1_x.rb, true",
            "**/src/test/**, src/test/A.java, true",
            "**/src/test/**, mod/src/test/A.java, true",
            "**/src/test/**, mod/src/testing/A.java, false",
            "/docs/, docs/a.md, true",
            "*.tf, main.tf, true",
            "pom.xml, x/pom.xml, true",
    })
    void setsMatchLikeTheirGlobs(String glob, String path, boolean expected) {
        // a set takes shortcuts (names in a hash set, literal prefilters); they must not change the answer
        assertThat(PathPatterns.of(List.of(glob)).matches(path)).isEqualTo(expected).isEqualTo(PathPattern.of(glob).matches(path));
    }

    @Test
    void malformedGlobsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> PathPattern.of("src/[abc")).hasMessageContaining("unclosed '['");
        assertThatThrownBy(() -> PathPattern.of("*.{yml")).hasMessageContaining("unclosed '{'");
        assertThatThrownBy(() -> PathPattern.of(" ")).hasMessageContaining("empty");
    }

    @Test
    void hostileGlobsTakeTimeLinearInThePathLength() {
        // as a backtracking regular expression this pattern takes minutes on a name of 40 'a's
        PathPattern hostile = PathPattern.of("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
        String short40 = "a".repeat(40);
        String long400 = "a".repeat(400);
        assertThat(hostile.matches(short40)).isFalse();
        assertThat(hostile.matches(long400)).isFalse();
        assertThat(hostile.matches(long400 + "b")).isTrue();
        int steps41 = hostile.steps(short40 + "b");
        int steps401 = hostile.steps(long400 + "b");
        // state visits grow with the length (41 vs 401 characters), not exponentially
        assertThat(steps41).isPositive();
        assertThat(steps401).isLessThanOrEqualTo(steps41 * 12);
        assertThat(PathPatterns.of(List.of("**/*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b/**")).matches("x/" + short40 + "/y")).isFalse();
    }

    @Test
    void theAutomatonAgreesWithTheGlobsRegularExpressionOnRandomGlobsAndPaths() {
        Random random = new Random(20261201);
        String[] atoms = {"a", "b", "/", "*", "**", "?", "[ab]", "[!a]", "{a,b/}", "{,x}", ".", "**/", "/**"};
        String[] chars = {"a", "b", "x", "/", "."};
        int compared = 0;
        for (int i = 0; i < 3000; i++) {
            StringBuilder glob = new StringBuilder();
            int atomsInGlob = 1 + random.nextInt(6);
            for (int k = 0; k < atomsInGlob; k++) {
                glob.append(atoms[random.nextInt(atoms.length)]);
            }
            String g = glob.toString();
            Pattern oracle;
            try {
                oracle = Pattern.compile(Oracle.regexOf(g));
            } catch (RuntimeException e) {
                continue;
            }
            PathPattern pattern = PathPattern.of(g);
            for (int p = 0; p < 20; p++) {
                StringBuilder path = new StringBuilder();
                int length = 1 + random.nextInt(8);
                for (int k = 0; k < length; k++) {
                    path.append(chars[random.nextInt(chars.length)]);
                }
                String candidate = path.toString();
                assertThat(pattern.matches(candidate)).as("%s ~ %s", g, candidate)
                        .isEqualTo(oracle.matcher(Oracle.subject(g, candidate)).matches());
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(30_000);
    }

    /** The glob's meaning as a (backtracking) regular expression, for comparison. */
    private static final class Oracle {
        static String subject(String glob, String path) {
            String g = glob.strip();
            boolean nameOnly = !g.startsWith("/") && !g.substring(0, g.length() - 1).contains("/") && !g.endsWith("/") && !g.contains("**");
            return nameOnly ? path.substring(path.lastIndexOf('/') + 1) : path;
        }

        static String regexOf(String glob) {
            String g = glob.strip();
            if (g.startsWith("/")) {
                g = g.substring(1);
            } else if (!g.substring(0, g.length() - 1).contains("/") && (g.endsWith("/") || g.contains("**"))) {
                g = "**/" + g;
            }
            if (g.endsWith("/")) {
                g = g + "**";
            }
            List<String> parts = new ArrayList<>();
            StringBuilder re = new StringBuilder();
            int braces = 0;
            for (int i = 0; i < g.length(); i++) {
                char c = g.charAt(i);
                switch (c) {
                    case '*' -> {
                        boolean doubleStar = i + 1 < g.length() && g.charAt(i + 1) == '*';
                        if (doubleStar) {
                            boolean atStart = i == 0 || g.charAt(i - 1) == '/';
                            boolean slashAfter = i + 2 < g.length() && g.charAt(i + 2) == '/';
                            boolean atEnd = i + 2 == g.length();
                            if (atStart && slashAfter) {
                                re.append("(?:.*/)?");
                                i += 2;
                            } else if (atEnd && i > 0 && g.charAt(i - 1) == '/' && re.charAt(re.length() - 1) == '/') {
                                re.setLength(re.length() - 1);
                                re.append("(?:/.*)?");
                                i += 1;
                            } else {
                                re.append(".*");
                                i += 1;
                            }
                        } else {
                            re.append("[^/]*");
                        }
                    }
                    case '?' -> re.append("[^/]");
                    case '[' -> {
                        int close = g.indexOf(']', i + 1);
                        String body = g.substring(i + 1, close);
                        re.append(body.startsWith("!") ? "[^/" + body.substring(1) + "]" : "[" + body + "]");
                        i = close;
                    }
                    case '{' -> {
                        braces++;
                        re.append("(?:");
                    }
                    case '}' -> {
                        braces--;
                        re.append(')');
                    }
                    case ',' -> re.append(braces > 0 ? "|" : ",");
                    default -> {
                        if ("\\.^$+()|".indexOf(c) >= 0) {
                            re.append('\\');
                        }
                        re.append(c);
                    }
                }
            }
            parts.add(re.toString());
            return parts.get(0);
        }
    }
}
