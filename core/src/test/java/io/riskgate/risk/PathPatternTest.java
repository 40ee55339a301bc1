package io.riskgate.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
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
}
