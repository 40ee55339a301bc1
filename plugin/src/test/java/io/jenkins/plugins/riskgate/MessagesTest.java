package io.jenkins.plugins.riskgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every localised string of the plugin is a valid MessageFormat (Jenkins' localizer formats even the ones without
 * arguments, so an unquoted brace or a lone apostrophe breaks the message at run time), and the code's
 * {@code Messages.Class_key(...)} calls name keys that exist (the localizer turns a key's dots into underscores).
 * The pages' texts come from their bundles too: a Jelly view has no text of its own (only {@code ${%Text}} and
 * {@code ${%key(args)}}), and a key with arguments, or a key that is not the text itself, has its entry in the
 * view's sibling {@code .properties}, with no more arguments than the view gives it.
 */
class MessagesTest {
    private static final Path MODULE = module();
    private static final Path RESOURCES = MODULE.resolve("src/main/resources/io/jenkins/plugins/riskgate");
    private static final Path SOURCES = MODULE.resolve("src/main/java/io/jenkins/plugins/riskgate");
    private static final Pattern ARGUMENT = Pattern.compile("\\{(\\d+)");
    private static final Pattern CALL = Pattern.compile("\\bMessages\\.([A-Z][A-Za-z0-9]*_[A-Za-z0-9_]+)\\(");

    @Test
    void everyMessageFormatsAndItsArgumentsAreNumberedFromZero() throws IOException {
        assertThat(files(RESOURCES, "Messages.properties")).as("the bundles under " + RESOURCES).isNotEmpty();
        List<String> problems = new ArrayList<>();
        for (Path file : files(RESOURCES, ".properties")) {
            Properties messages = load(file);
            for (String key : messages.stringPropertyNames()) {
                String text = messages.getProperty(key);
                try {
                    MessageFormat format = new MessageFormat(text, Locale.ROOT);
                    String formatted;
                    try {
                        formatted = format.format(new Object[] {"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"});
                    } catch (IllegalArgumentException numbers) {
                        formatted = format.format(new Object[] {0, 1, 2, 3, 4, 5, 6, 7});   // a choice or number format, e.g. plurals
                    }
                    if (text.contains("''") && !formatted.contains("'")) {
                        problems.add(file + ": " + key + " loses its apostrophes");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(file + ": " + key + " is not a MessageFormat: " + e.getMessage());
                }
                int highest = -1;
                Matcher m = ARGUMENT.matcher(text.replaceAll("'[^']*'", ""));
                List<Integer> used = new ArrayList<>();
                while (m.find()) {
                    used.add(Integer.parseInt(m.group(1)));
                    highest = Math.max(highest, Integer.parseInt(m.group(1)));
                }
                for (int i = 0; i <= highest; i++) {
                    if (!used.contains(i)) {
                        problems.add(file + ": " + key + " skips argument {" + i + "}");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyMessagesCallNamesAKeyOfItsPackage() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path source : files(SOURCES, ".java")) {
            String code = Files.readString(source, StandardCharsets.UTF_8);
            Path bundle = RESOURCES.resolve(SOURCES.relativize(source.getParent())).resolve("Messages.properties");
            Matcher m = CALL.matcher(code);
            while (m.find()) {
                if (!Files.exists(bundle) || !methodNames(load(bundle)).contains(m.group(1))) {
                    problems.add(source.getFileName() + " calls Messages." + m.group(1) + ", which " + bundle + " lacks");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void noViewHasATextOfItsOwn() throws Exception {
        assertThat(files(RESOURCES, ".jelly")).as("the views under " + RESOURCES).isNotEmpty();
        List<String> problems = new ArrayList<>();
        for (Path view : files(RESOURCES, ".jelly")) {
            problems.addAll(JellyTexts.hardCoded(RESOURCES.relativize(view).toString(), Files.readString(view, StandardCharsets.UTF_8)));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyKeyOfAViewThatNeedsAnEntryHasOneWithTheArgumentsItIsGiven() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Path view : files(RESOURCES, ".jelly")) {
            String name = view.getFileName().toString();
            Path bundle = view.resolveSibling(name.substring(0, name.length() - ".jelly".length()) + ".properties");
            Properties entries = Files.exists(bundle) ? load(bundle) : new Properties();
            problems.addAll(JellyTexts.missingEntries(RESOURCES.relativize(view).toString(), Files.readString(view, StandardCharsets.UTF_8),
                    entries));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theViewCheckFindsTextsOutsideTheBundleAndKeysWithoutTheirEntry() throws Exception {
        String view = "<?jelly escape-by-default='true'?>\n<j:jelly xmlns:j=\"jelly:core\" xmlns:f=\"/lib/form\" xmlns:l=\"/lib/layout\">"
                + "<l:layout title=\"Deployment risk\"><h1>${%Deployment gates}</h1><p>${%intro} ${it.count(3)}</p>"
                + "<p>Commit <code>${r.head}</code></p><td>${rule.passed ? 'pass' : rule.effect}</td>"
                + "<input placeholder=\"${%job}\" name=\"job\"/><f:submit value=\"Attach\"/><script>var a = 'text';</script>"
                + "<p>${%backtest(it.count(b.rows()), it.day(b.from()))}</p><p>${%Reject}</p><p>${%title(it.run.fullDisplayName)}</p></l:layout></j:jelly>";
        assertThat(JellyTexts.hardCoded("v.jelly", view)).containsExactly(
                "v.jelly: <l:layout title> \"Deployment risk\"", "v.jelly: text \"Commit\"",
                "v.jelly: text \"${rule.passed ? 'pass' : rule.effect}\" quotes the text 'pass'", "v.jelly: <f:submit value> \"Attach\"");
        Properties entries = new Properties();
        entries.setProperty("backtest", "from the oldest {0} ({1} to {2})");
        entries.setProperty("job", "job");
        assertThat(JellyTexts.missingEntries("v.jelly", view, entries)).containsExactly(
                "v.jelly: ${%intro} has no entry in the view's .properties",
                "v.jelly: ${%backtest} is given 2 arguments, its entry uses 3",
                "v.jelly: ${%title} has no entry in the view's .properties");
    }

    /** The plugin module's directory: Maven's {@code basedir}, else the parent of target/classes. */
    private static Path module() {
        String basedir = System.getProperty("basedir");
        if (basedir != null) {
            return Path.of(basedir);
        }
        try {
            Path classes = Path.of(Messages.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return classes.getParent().getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> files(Path root, String suffix) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** The localizer's method names: a key's dots become underscores ({@code PromoteStep.Queued} is {@code PromoteStep_Queued()}). */
    private static java.util.Set<String> methodNames(Properties bundle) {
        java.util.Set<String> names = new java.util.HashSet<>();
        bundle.stringPropertyNames().forEach(k -> names.add(k.replace('.', '_')));
        return names;
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }
}
