package io.riskgate.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.riskgate.git.HistoryRules;
import io.riskgate.risk.DetectionRules;
import io.riskgate.risk.FindingKind;
import io.riskgate.risk.Level;
import io.riskgate.risk.PathPatterns;
import io.riskgate.risk.ScoringRules;
import io.riskgate.risk.Thresholds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@code .riskgate.yml}: every field optional, every value checked, unknown fields refused
 * with the list of known ones. Lists of path patterns extend the built-in ones. See docs/policy.md.
 */
public final class PolicyLoader {
    /** File names looked for at the top of the assessed repository, in order. */
    public static final List<String> FILE_NAMES = List.of(".riskgate.yml", ".riskgate.yaml");

    /** The largest policy file read: anything bigger is refused before it is parsed. */
    public static final int MAX_BYTES = 1 << 20;

    /** The YAML parser, made on first use: an assessment without a policy file never loads it. */
    private static final class Yaml {
        static final YAMLMapper MAPPER = new YAMLMapper();
    }
    private static final Set<String> TOP_LEVEL = new TreeSet<>(List.of("version", "weights", "saturation", "thresholds",
            "minimumLevel", "deletedLineShare", "docsOnlySizeShare", "paths", "featureFlagMarkers", "environments", "learning", "history"));
    private static final Set<String> PATH_KEYS = new TreeSet<>(List.of("exclude", "docs", "tests", "migrations", "infrastructure",
            "dependencies", "publicApi", "config", "secrets"));

    private PolicyLoader() {
    }

    /**
     * The policy for a repository: {@code explicitFile} if given (it must exist), else the repository's
     * own policy file if it has one, else the built-in defaults.
     */
    public static RiskPolicy load(Path repositoryTop, Path explicitFile) {
        if (explicitFile != null) {
            if (!Files.isRegularFile(explicitFile)) {
                throw new PolicyException("policy file " + explicitFile + " does not exist: check the --policy path");
            }
            return fromFile(explicitFile);
        }
        RepositoryFile file = repositoryTop == null ? null : repositoryFile(repositoryTop, true);
        return file == null ? RiskPolicy.defaults() : parse(file.text(), file.source());
    }

    /** A repository's policy file: how errors name it, and its text. */
    public record RepositoryFile(String source, String text) {
    }

    /**
     * The repository's own policy file in {@code top} (the first of {@link #FILE_NAMES} there), or null
     * when it has none. It is where whoever can push a branch writes it, so it must be a regular file,
     * not a symbolic link (whose target could be any file the reader may read, quoted in errors), nor
     * a directory; of at most {@link #MAX_BYTES}, never read beyond that; in UTF-8.
     *
     * @param byPath whether errors name the file by its path (else by its name alone)
     */
    public static RepositoryFile repositoryFile(Path top, boolean byPath) {
        for (String name : FILE_NAMES) {
            Path file = top.resolve(name);
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                String source = byPath ? file.toString() : name;
                return new RepositoryFile(source, read(file, source, LinkOption.NOFOLLOW_LINKS));
            }
        }
        return null;
    }

    public static RiskPolicy fromFile(Path file) {
        return parse(read(file, file.toString()), file.toString());
    }

    /**
     * A policy file's text: a regular file (with {@link LinkOption#NOFOLLOW_LINKS}, not a link) of at
     * most {@link #MAX_BYTES}, never read beyond that, in UTF-8.
     */
    private static String read(Path file, String source, LinkOption... links) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, links);
            if (attributes.isSymbolicLink()) {
                throw PolicyException.at(source, "", "is a symbolic link: a policy file in the repository must be a regular file");
            }
            if (!attributes.isRegularFile()) {
                throw PolicyException.at(source, "", "is not a regular file");
            }
            if (attributes.size() > MAX_BYTES) {
                throw tooLarge(source, attributes.size());
            }
            byte[] bytes;
            try (java.io.InputStream in = Files.newInputStream(file, links)) {
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
            if (bytes.length > MAX_BYTES) {
                throw tooLarge(source, bytes.length);   // it grew while read
            }
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw PolicyException.at(source, "", "is not UTF-8 text");
        } catch (IOException e) {
            throw new PolicyException("cannot read policy file " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses policy text; {@code source} names it in error messages. The text is one YAML document
     * of at most {@link #MAX_BYTES}, without duplicate keys, anchors or aliases.
     */
    public static RiskPolicy parse(String yaml, String source) {
        if (yaml.length() > MAX_BYTES) {
            throw tooLarge(source, yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
        JsonNode root;
        try {
            checkStructure(yaml, source);
            root = Yaml.MAPPER.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw PolicyException.at(source, "", where(e.getLocation()) + "not valid YAML ("
                    + e.getOriginalMessage().replaceAll("\\s+", " ").strip() + ")");
        } catch (IOException e) {
            throw PolicyException.at(source, "", "cannot be read (" + e.getMessage() + ")");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new RiskPolicy(ScoringRules.defaults(), DetectionRules.defaults(), PromotionPolicy.defaults(), false, source);
        }
        return new Reader(source).read(root);
    }

    private static PolicyException tooLarge(String source, long bytes) {
        return PolicyException.at(source, "", "the file has " + bytes + " bytes; a policy file may have at most "
                + MAX_BYTES + " bytes (1 MiB)");
    }

    private static String where(JsonLocation at) {
        return at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
    }

    /**
     * Refuses what a YAML reader would silently resolve: a key given twice (the last would win), a
     * second document after {@code ---} (it would be ignored), and anchors and aliases (a value
     * defined in one place and used in others, the root of "billion laughs" expansions).
     */
    private static void checkStructure(String yaml, String source) throws IOException {
        try (YAMLParser p = (YAMLParser) Yaml.MAPPER.getFactory().createParser(yaml)) {
            Deque<Set<String>> keys = new ArrayDeque<>();
            int depth = 0;
            int documents = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (depth == 0 && ++documents > 1) {
                    throw PolicyException.at(source, "", where(p.currentTokenLocation())
                            + "a second YAML document ('---'): a policy file holds one document");
                }
                if (p.getCurrentAnchor() != null || p.isCurrentAlias()) {
                    String name = p.isCurrentAlias() ? "*" + p.getText() : "&" + p.getCurrentAnchor();
                    throw PolicyException.at(source, field(p), where(p.currentTokenLocation()) + "anchors and aliases (" + name
                            + ") are not allowed in a policy file: write the value out where it is used");
                }
                switch (t) {
                    case START_OBJECT -> {
                        keys.push(new HashSet<>());
                        depth++;
                    }
                    case START_ARRAY -> {
                        keys.push(Set.of());
                        depth++;
                    }
                    case END_OBJECT, END_ARRAY -> {
                        keys.pop();
                        depth--;
                    }
                    case FIELD_NAME -> {
                        if (!keys.peek().add(p.currentName())) {
                            throw PolicyException.at(source, field(p), where(p.currentTokenLocation())
                                    + "the key is given twice: each key may appear once");
                        }
                    }
                    default -> {
                    }
                }
            }
        }
    }

    /** The field the parser is at, as the messages name fields: {@code paths.migrations[0]}. */
    private static String field(YAMLParser p) {
        StringBuilder name = new StringBuilder();
        for (String part : p.getParsingContext().pathAsPointer().toString().split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            String unescaped = part.replace("~1", "/").replace("~0", "~");
            if (unescaped.chars().allMatch(Character::isDigit)) {
                name.append('[').append(unescaped).append(']');
            } else {
                name.append(name.length() == 0 ? "" : ".").append(unescaped);
            }
        }
        return name.toString();
    }

    /** Walks the document, keeping the source for messages. */
    private static final class Reader {
        private final String source;
        private final PolicyFields f;

        Reader(String source) {
            this.source = source;
            this.f = new PolicyFields(source);
        }

        RiskPolicy read(JsonNode root) {
            f.requireObject(root, "");
            f.checkKeys(root, "", TOP_LEVEL);
            if (root.has("version")) {
                JsonNode v = root.get("version");
                if (!v.isIntegralNumber() || v.asInt() != 1) {
                    throw f.fail("version", "only version 1 is supported (got " + v + ")");
                }
            }
            ScoringRules defaults = ScoringRules.defaults();
            Map<String, Double> weights = numbers(root, "weights", defaults.weights(), 0, 1000);
            Map<String, Double> saturation = numbers(root, "saturation", defaults.saturation(), 1, Double.MAX_VALUE);
            Thresholds thresholds = thresholds(root.get("thresholds"), defaults.thresholds());
            Map<FindingKind, Level> minimum = minimumLevels(root.get("minimumLevel"), defaults.minimumLevel());
            double deletedShare = share(root, "deletedLineShare", defaults.deletedLineShare());
            double docsShare = share(root, "docsOnlySizeShare", defaults.docsOnlySizeShare());
            ScoringRules scoring = new ScoringRules(weights, saturation, thresholds, minimum, deletedShare, docsShare);

            JsonNode paths = root.get("paths");
            if (paths != null) {
                f.requireObject(paths, "paths");
                f.checkKeys(paths, "paths", PATH_KEYS);
            }
            DetectionRules d = DetectionRules.defaults();
            DetectionRules detection = new DetectionRules(
                    extend(paths, "exclude", d.exclude()), extend(paths, "docs", d.docs()), extend(paths, "tests", d.tests()),
                    extend(paths, "migrations", d.migrations()), extend(paths, "infrastructure", d.infrastructure()),
                    extend(paths, "dependencies", d.dependencies()), extend(paths, "publicApi", d.publicApi()),
                    extend(paths, "config", d.config()), extend(paths, "secrets", d.secrets()),
                    markers(root.get("featureFlagMarkers"), d.featureFlagMarkers()), history(root.get("history"), d.history()));
            PromotionPolicy promotion = root.has("environments")
                    ? new EnvironmentsReader(f).read(root.get("environments")) : PromotionPolicy.defaults();
            return new RiskPolicy(scoring, detection, promotion, root.has("environments"), source, null, learning(root.get("learning")));
        }

        private HistoryRules history(JsonNode node, HistoryRules defaults) {
            if (node == null) {
                return defaults;
            }
            f.requireObject(node, "history");
            f.checkKeys(node, "history", Set.of("lookBackDays", "maxCommits", "fixPatterns"));
            int days = node.has("lookBackDays") ? f.integer(node.get("lookBackDays"), "history.lookBackDays", 1, 36_500) : defaults.lookBackDays();
            int commits = node.has("maxCommits") ? f.integer(node.get("maxCommits"), "history.maxCommits", 1, 10_000_000) : defaults.maxCommits();
            List<String> patterns = new ArrayList<>(defaults.fixPatterns());
            if (node.has("fixPatterns")) {
                List<String> extra = f.strings(node.get("fixPatterns"), "history.fixPatterns");
                for (int i = 0; i < extra.size(); i++) {
                    try {
                        HistoryRules.compile(extra.get(i));
                    } catch (IllegalArgumentException e) {
                        throw f.fail("history.fixPatterns[" + i + "]", e.getMessage());
                    }
                }
                patterns.addAll(extra);
            }
            return new HistoryRules(days, commits, patterns);
        }

        private LearningPolicy learning(JsonNode node) {
            if (node == null) {
                return null;
            }
            f.requireObject(node, "learning");
            f.checkKeys(node, "learning", Set.of("model", "minOutcomes", "minFailures", "windowDays", "environment",
                    "incidentsAreFailures"));
            LearningPolicy d = LearningPolicy.defaults();
            LearningPolicy.Model model = d.model();
            if (node.has("model")) {
                String text = f.text(node.get("model"), "learning.model");
                try {
                    model = LearningPolicy.Model.valueOf(text.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw f.fail("learning.model", "must be auto (the learned model once the record store holds enough outcomes)"
                            + " or default (always the default score) (got '" + text + "')");
                }
            }
            int minOutcomes = node.has("minOutcomes") ? f.integer(node.get("minOutcomes"), "learning.minOutcomes", 2, Integer.MAX_VALUE) : d.minOutcomes();
            int minFailures = node.has("minFailures") ? f.integer(node.get("minFailures"), "learning.minFailures", 1, Integer.MAX_VALUE) : d.minFailures();
            int windowDays = node.has("windowDays") ? f.integer(node.get("windowDays"), "learning.windowDays", 1, 36_500) : d.windowDays();
            String environment = node.has("environment") ? f.text(node.get("environment"), "learning.environment") : null;
            try {
                boolean incidents = !node.has("incidentsAreFailures")
                        || f.bool(node.get("incidentsAreFailures"), "learning.incidentsAreFailures");
                return new LearningPolicy(model, minOutcomes, minFailures, windowDays, environment, incidents);
            } catch (IllegalArgumentException e) {
                // minOutcomes below twice minFailures: the only rule the field ranges above do not cover
                throw f.fail(node.has("minFailures") ? "learning.minFailures" : "learning.minOutcomes", e.getMessage());
            }
        }

        private Map<String, Double> numbers(JsonNode root, String field, Map<String, Double> defaults, double min, double max) {
            Map<String, Double> result = new LinkedHashMap<>(defaults);
            JsonNode node = root.get(field);
            if (node == null) {
                return result;
            }
            f.requireObject(node, field);
            f.checkKeys(node, field, defaults.keySet());
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                result.put(e.getKey(), f.number(e.getValue(), field + "." + e.getKey(), min, max));
            }
            return result;
        }

        private Thresholds thresholds(JsonNode node, Thresholds defaults) {
            if (node == null) {
                return defaults;
            }
            f.requireObject(node, "thresholds");
            f.checkKeys(node, "thresholds", Set.of("medium", "high", "critical"));
            int medium = node.has("medium") ? f.integer(node.get("medium"), "thresholds.medium", 1, 100) : defaults.medium();
            int high = node.has("high") ? f.integer(node.get("high"), "thresholds.high", 1, 100) : defaults.high();
            int critical = node.has("critical") ? f.integer(node.get("critical"), "thresholds.critical", 1, 100) : defaults.critical();
            try {
                return new Thresholds(medium, high, critical);
            } catch (IllegalArgumentException e) {
                throw f.fail("thresholds", e.getMessage());
            }
        }

        private Map<FindingKind, Level> minimumLevels(JsonNode node, Map<FindingKind, Level> defaults) {
            Map<FindingKind, Level> result = new EnumMap<>(FindingKind.class);
            result.putAll(defaults);
            if (node == null) {
                return result;
            }
            f.requireObject(node, "minimumLevel");
            Map<String, FindingKind> byKey = new LinkedHashMap<>();
            for (FindingKind kind : FindingKind.values()) {
                if (!kind.mitigation()) {
                    byKey.put(kind.weightKey(), kind);
                }
            }
            f.checkKeys(node, "minimumLevel", byKey.keySet());
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = "minimumLevel." + e.getKey();
                JsonNode value = e.getValue();
                if (!value.isTextual()) {
                    throw f.fail(field, "must be one of LOW, MEDIUM, HIGH, CRITICAL (got " + value + ")");
                }
                try {
                    result.put(byKey.get(e.getKey()), Level.valueOf(value.asText().strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException ex) {
                    throw f.fail(field, "must be one of LOW, MEDIUM, HIGH, CRITICAL (got '" + value.asText() + "')");
                }
            }
            return result;
        }

        private double share(JsonNode root, String field, double defaultValue) {
            return root.has(field) ? f.number(root.get(field), field, 0, 1) : defaultValue;
        }

        private PathPatterns extend(JsonNode paths, String key, PathPatterns defaults) {
            if (paths == null || !paths.has(key)) {
                return defaults;
            }
            List<String> globs = f.strings(paths.get(key), "paths." + key);
            for (int i = 0; i < globs.size(); i++) {
                try {
                    PathPatterns.of(List.of(globs.get(i)));
                } catch (IllegalArgumentException e) {
                    throw f.fail("paths." + key + "[" + i + "]", e.getMessage());
                }
            }
            return defaults.plus(globs);
        }

        private List<String> markers(JsonNode node, List<String> defaults) {
            if (node == null) {
                return defaults;
            }
            List<String> all = new ArrayList<>(defaults);
            all.addAll(f.strings(node, "featureFlagMarkers"));
            return all;
        }

    }
}
