package io.riskgate.risk;

import io.riskgate.git.HistoryRules;
import java.util.List;

/**
 * Which paths are excluded from size, which are documentation or tests (counted for size, never a
 * reversibility finding), and which make a change harder to undo; the markers that show new code is behind a feature flag;
 * and how the history of the touched files is read ({@link HistoryRules}: look-back, fix patterns). Defaults cover the common
 * tools; a policy file adds to them (a {@code !glob} removes paths again).
 */
public record DetectionRules(PathPatterns exclude, PathPatterns docs, PathPatterns tests, PathPatterns migrations,
                             PathPatterns infrastructure, PathPatterns dependencies, PathPatterns publicApi,
                             PathPatterns config, PathPatterns secrets, List<String> featureFlagMarkers, HistoryRules history) {

    public DetectionRules {
        featureFlagMarkers = List.copyOf(featureFlagMarkers);
        if (history == null) {
            history = HistoryRules.defaults();
        }
    }

    /** The path patterns and markers, with the default history rules. */
    public DetectionRules(PathPatterns exclude, PathPatterns docs, PathPatterns tests, PathPatterns migrations,
                          PathPatterns infrastructure, PathPatterns dependencies, PathPatterns publicApi,
                          PathPatterns config, PathPatterns secrets, List<String> featureFlagMarkers) {
        this(exclude, docs, tests, migrations, infrastructure, dependencies, publicApi, config, secrets, featureFlagMarkers, null);
    }

    public static final List<String> DEFAULT_EXCLUDE = List.of(
            "vendor/", "third_party/", "third-party/", "node_modules/", "**/generated/", "**/__generated__/",
            "*.min.js", "*.min.css", "*.map", "*.pb.go", "*_pb2.py", "*.generated.*", "*.g.dart",
            "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb",
            "Cargo.lock", "Gemfile.lock", "poetry.lock", "uv.lock", "Pipfile.lock", "composer.lock",
            "go.sum", "mix.lock", "pubspec.lock", "Podfile.lock", "Package.resolved", "packages.lock.json");

    public static final List<String> DEFAULT_DOCS = List.of(
            "*.md", "*.markdown", "*.adoc", "*.asciidoc", "*.rst", "docs/", "doc/", "documentation/",
            "LICENSE", "LICENSE.*", "LICENCE", "NOTICE", "NOTICE.*", "AUTHORS", "AUTHORS.*", "CHANGELOG*",
            "CHANGES", "CHANGES.*", "CONTRIBUTING*", "CODEOWNERS", "README", "README.*", ".github/ISSUE_TEMPLATE/");

    public static final List<String> DEFAULT_TESTS = List.of(
            "**/src/test/**", "**/src/it/**", "**/test/**", "**/tests/**", "**/__tests__/**", "**/spec/**",
            "**/testdata/**", "**/fixtures/**", "*Test.java", "*Tests.java", "*IT.java", "*Test.kt", "*_test.go",
            "*_test.py", "test_*.py", "*.test.js", "*.test.ts", "*.test.tsx", "*.spec.js", "*.spec.ts", "*.spec.tsx",
            "*_spec.rb", "*Tests.cs", "*Test.cs");

    public static final List<String> DEFAULT_MIGRATIONS = List.of(
            "**/db/migration/**", "**/db/migrations/**", "V*__*.sql", "U*__*.sql", "R__*.sql",
            "**/db/changelog/**", "*changelog*.xml", "*changelog*.yaml", "*changelog*.yml", "*changelog*.json",
            "*changelog*.sql", "**/db/migrate/*.rb", "**/migrations/**", "**/migrate/*.sql",
            "**/alembic/versions/*.py", "**/prisma/migrations/**/migration.sql", "!**/__init__.py",
            "!*.md", "!CHANGELOG*", "!changelog.md");

    public static final List<String> DEFAULT_INFRASTRUCTURE = List.of(
            "*.tf", "*.tfvars", "*.tf.json", "terragrunt.hcl", "**/cloudformation/**", "*.cfn.yaml", "*.cfn.yml",
            "*.cfn.json", "template.yaml", "template.yml", "cdk.json", "**/k8s/**", "**/kubernetes/**", "**/kube/**",
            "kustomization.yaml", "kustomization.yml", "Chart.yaml", "**/charts/**", "**/helm/**",
            "Dockerfile", "Dockerfile.*", "*.dockerfile", "Containerfile", "docker-compose*.yml", "docker-compose*.yaml",
            "compose.yml", "compose.yaml", "serverless.yml", "serverless.yaml", "Pulumi.yaml", "Pulumi.*.yaml",
            "**/ansible/**", "playbook*.yml", "playbook*.yaml", "*.nomad", "Vagrantfile", "**/terraform/**",
            "!*.md");

    public static final List<String> DEFAULT_DEPENDENCIES = List.of(
            "pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts",
            "libs.versions.toml", "gradle-wrapper.properties", "package.json", "package-lock.json",
            "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "requirements*.txt", "constraints*.txt",
            "Pipfile", "Pipfile.lock", "pyproject.toml", "poetry.lock", "uv.lock", "setup.py", "setup.cfg",
            "go.mod", "go.sum", "Cargo.toml", "Cargo.lock", "Gemfile", "Gemfile.lock", "*.gemspec",
            "composer.json", "composer.lock", "*.csproj", "*.fsproj", "*.vbproj", "packages.config",
            "Directory.Packages.props", "Directory.Build.props", "packages.lock.json", "build.sbt", "project/*.sbt",
            "mix.exs", "mix.lock", "Package.swift", "Package.resolved", "Podfile", "Podfile.lock",
            "pubspec.yaml", "pubspec.lock", "deps.edn", "project.clj", "conanfile.txt", "conanfile.py", "vcpkg.json",
            "Makefile", "*.mk", "CMakeLists.txt", "BUILD", "BUILD.bazel", "WORKSPACE", "WORKSPACE.bazel", "MODULE.bazel",
            ".mvn/**", "mvnw", "gradlew");

    public static final List<String> DEFAULT_PUBLIC_API = List.of(
            "*.proto", "openapi*.yaml", "openapi*.yml", "openapi*.json", "*.openapi.yaml", "*.openapi.yml",
            "*.openapi.json", "swagger*.yaml", "swagger*.yml", "swagger*.json", "asyncapi*.yaml", "asyncapi*.yml",
            "asyncapi*.json", "*.graphql", "*.graphqls", "*.gql", "*.avsc", "*.avdl", "*.avpr", "*.thrift", "*.wsdl");

    public static final List<String> DEFAULT_CONFIG = List.of(
            "*.properties", "application*.yml", "application*.yaml", "bootstrap*.yml", "bootstrap*.yaml",
            "appsettings*.json", "*.env", ".env", ".env.*", "*.conf", "*.cfg", "*.ini", "*.config",
            "**/config/**/*.{yml,yaml,json,xml,properties,conf,ini,toml,env}",
            "**/configs/**/*.{yml,yaml,json,xml,properties,conf,ini,toml,env}", "**/conf/**/*.{yml,yaml,json,xml,properties,conf,ini,toml,env}", "settings.py", "settings_*.py", "**/settings/*.py",
            "*.toml", "!*.md", "!**/test/**", "!**/tests/**", "!**/src/test/**");

    public static final List<String> DEFAULT_SECRETS = List.of(
            "*secret*", "*secrets*", "*credential*", "*credentials*", "*.pem", "*.key", "*.p12", "*.pfx", "*.jks",
            "*.keystore", "*.truststore", "id_rsa*", "id_ed25519*", ".npmrc", ".pypirc", "*.kdbx", ".htpasswd",
            "!*.md", "!**/test/**", "!**/tests/**", "!**/src/test/**");

    /** Substrings that show a feature-flag guard in added code (LaunchDarkly, Unleash, OpenFeature, Togglz, Flipper, FF4j, Split...). */
    public static final List<String> DEFAULT_FEATURE_FLAG_MARKERS = List.of(
            "featureFlag", "FeatureFlag", "feature_flag", "FEATURE_FLAG", "featureToggle", "FeatureToggle",
            "feature_toggle", "isFeatureEnabled", "is_feature_enabled", "boolVariation(", "BoolVariation(",
            "ldClient.variation(", "unleash.isEnabled(", "unleash.is_enabled(", "getBooleanValue(",
            "getBooleanDetails(", "get_boolean_value(", "FeatureManager", "Flipper.enabled?", "Flipper[",
            "ff4j.check(", "getTreatment(", "@FeatureGate", "flags.enabled(", "isToggleActive(");

    /**
     * These rules with the patterns and markers of {@code other} added; {@code other}'s {@code !}
     * negations are left out, so that adding rules can find more but never hide what these find.
     */
    public DetectionRules including(DetectionRules other) {
        return new DetectionRules(add(exclude, other.exclude), add(docs, other.docs), add(tests, other.tests),
                add(migrations, other.migrations), add(infrastructure, other.infrastructure), add(dependencies, other.dependencies),
                add(publicApi, other.publicApi), add(config, other.config), add(secrets, other.secrets),
                java.util.stream.Stream.concat(featureFlagMarkers.stream(), other.featureFlagMarkers.stream()).distinct().toList(),
                history.including(other.history));
    }

    private static PathPatterns add(PathPatterns mine, PathPatterns theirs) {
        List<String> extra = theirs.globs().stream()
                .filter(g -> !g.strip().startsWith("!") && !mine.globs().contains(g)).toList();
        return extra.isEmpty() ? mine : mine.plus(extra);
    }

    public static DetectionRules defaults() {
        return new DetectionRules(PathPatterns.of(DEFAULT_EXCLUDE), PathPatterns.of(DEFAULT_DOCS),
                PathPatterns.of(DEFAULT_TESTS), PathPatterns.of(DEFAULT_MIGRATIONS), PathPatterns.of(DEFAULT_INFRASTRUCTURE),
                PathPatterns.of(DEFAULT_DEPENDENCIES), PathPatterns.of(DEFAULT_PUBLIC_API),
                PathPatterns.of(DEFAULT_CONFIG), PathPatterns.of(DEFAULT_SECRETS), DEFAULT_FEATURE_FLAG_MARKERS);
    }
}
