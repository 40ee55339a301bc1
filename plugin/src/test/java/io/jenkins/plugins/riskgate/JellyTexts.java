package io.jenkins.plugins.riskgate;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Reads a Jelly view for the texts it shows: its text nodes and the attributes people read (titles,
 * placeholders, labels, the values of buttons), outside the {@code ${...}} expressions; and the
 * localizer's {@code ${%key}} / {@code ${%key(args)}} expressions, with how many arguments each is given.
 */
final class JellyTexts {
    /** Attributes whose value people read. */
    private static final Set<String> READ = Set.of("title", "placeholder", "alt", "tooltip", "description", "progress", "label", "caption",
            "confirm", "message");
    private static final Pattern LETTER = Pattern.compile("\\p{L}");
    private static final Pattern QUOTED = Pattern.compile("'([^']*)'|\"([^\"]*)\"");
    private static final Pattern ARGUMENT = Pattern.compile("\\{(\\d+)");
    /** A key that names a text rather than being it: one lowercase word or camelCase identifier. */
    private static final Pattern SYMBOLIC = Pattern.compile("[a-z][A-Za-z0-9_.]*");

    private JellyTexts() {
    }

    /** One expression of a text: its body (without {@code ${ }}), and where it ends. */
    private record Expression(String body, int end) {
    }

    /** The texts of a view that do not come from its bundle, one line each. */
    static List<String> hardCoded(String name, String jelly) throws Exception {
        List<String> problems = new ArrayList<>();
        visit(parse(jelly), name, problems);
        return problems;
    }

    /**
     * The localizer keys of a view whose entry is missing though needed (they have arguments, or
     * they are not the text itself), or whose entry uses more arguments than the view gives.
     */
    static List<String> missingEntries(String name, String jelly, Properties entries) {
        java.util.Set<String> problems = new java.util.LinkedHashSet<>();
        for (Expression e : expressions(jelly)) {
            if (!e.body().startsWith("%")) {
                continue;
            }
            String call = e.body().substring(1).trim();
            int open = call.indexOf('(');
            String key = (open < 0 ? call : call.substring(0, open)).trim();
            int given = open < 0 ? 0 : arguments(call.substring(open + 1, call.lastIndexOf(')')));
            String entry = entries.getProperty(key);
            if (entry == null) {
                if (given > 0 || SYMBOLIC.matcher(key).matches()) {
                    problems.add(name + ": ${%" + key + "} has no entry in the view's .properties");
                }
                continue;
            }
            int used = 0;
            Matcher m = ARGUMENT.matcher(entry.replaceAll("'[^']*'", ""));
            while (m.find()) {
                used = Math.max(used, Integer.parseInt(m.group(1)) + 1);
            }
            if (used > given) {
                problems.add(name + ": ${%" + key + "} is given " + given + " arguments, its entry uses " + used);
            }
        }
        return new ArrayList<>(problems);
    }

    private static Node parse(String jelly) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(jelly.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
    }

    private static void visit(Node node, String name, List<String> problems) {
        if (node.getNodeType() == Node.TEXT_NODE || node.getNodeType() == Node.CDATA_SECTION_NODE) {
            check(name, "text", node.getNodeValue(), true, problems);
            return;
        }
        if (node instanceof Element element) {
            String tag = element.getTagName();
            if (tag.equals("script") || tag.equals("style")) {
                return;
            }
            NamedNodeMap attributes = element.getAttributes();
            for (int i = 0; i < attributes.getLength(); i++) {
                Node a = attributes.item(i);
                boolean button = a.getNodeName().equals("value") && (tag.equals("f:submit")
                        || tag.equals("input") && Set.of("submit", "button", "reset").contains(element.getAttribute("type")));
                if (READ.contains(a.getNodeName()) || button) {
                    check(name, "<" + tag + " " + a.getNodeName() + ">", a.getNodeValue(), false, problems);
                }
            }
            for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
                visit(child, name, problems);
            }
        }
    }

    /** A text with its expressions taken out must have no letter; a text node's expressions quote no text either. */
    private static void check(String name, String where, String text, boolean quotedToo, List<String> problems) {
        StringBuilder outside = new StringBuilder();
        int from = 0;
        for (Expression e : expressions(text)) {
            int start = text.indexOf("${", from);
            outside.append(text, from, start).append(' ');
            from = e.end();
            if (quotedToo && !e.body().startsWith("%")) {
                Matcher q = QUOTED.matcher(e.body());
                while (q.find()) {
                    String literal = q.group(1) != null ? q.group(1) : q.group(2);
                    if (LETTER.matcher(literal).find()) {
                        problems.add(name + ": " + where + " \"${" + e.body() + "}\" quotes the text '" + literal + "'");
                    }
                }
            }
        }
        outside.append(text.substring(from));
        String rest = outside.toString().trim().replaceAll("\\s+", " ");
        if (LETTER.matcher(rest).find()) {
            problems.add(name + ": " + where + " \"" + rest + "\"");
        }
    }

    /** The {@code ${...}} expressions of a text in order; braces and quotes inside them nest. */
    private static List<Expression> expressions(String text) {
        List<Expression> found = new ArrayList<>();
        int i = text.indexOf("${");
        while (i >= 0) {
            int depth = 0;
            char quote = 0;
            int j = i + 2;
            for (; j < text.length(); j++) {
                char c = text.charAt(j);
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    }
                } else if ((c == '\'' || c == '"') && !text.startsWith("%", i + 2)) {
                    quote = c;
                } else if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    if (depth == 0) {
                        break;
                    }
                    depth--;
                }
            }
            if (j >= text.length()) {
                break;   // unterminated: Jelly refuses the view anyway
            }
            found.add(new Expression(text.substring(i + 2, j), j + 1));
            i = text.indexOf("${", j + 1);
        }
        return found;
    }

    /** How many arguments an argument list has: its commas outside parentheses and quotes, plus one. */
    private static int arguments(String list) {
        if (list.isBlank()) {
            return 0;
        }
        int count = 1;
        int depth = 0;
        char quote = 0;
        for (char c : list.toCharArray()) {
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                count++;
            }
        }
        return count;
    }
}
