package io.riskgate.risk;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the added lines of one schema-migration file and tells destructive or data-dependent
 * statements (drop, rename, truncate, type change, NOT NULL on existing rows, delete/update without
 * WHERE) from additive ones. SQL files are read statement by statement (a statement may span lines
 * and ends at {@code ;}); migration DSLs (Rails, Django, Alembic, Knex, Liquibase) line by line,
 * where embedded SQL is checked too.
 */
final class MigrationScanner {
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;

    /** A destructive pattern and the words that explain it. */
    private record Rule(Pattern pattern, String meaning) {
        static Rule of(String regex, String meaning) {
            return new Rule(Pattern.compile(regex, FLAGS), meaning);
        }
    }

    private static final List<Rule> SQL = List.of(
            Rule.of("\\bDROP\\s+(?:MATERIALIZED\\s+)?(TABLE|COLUMN|SCHEMA|DATABASE|VIEW|INDEX|CONSTRAINT|TYPE|SEQUENCE|FUNCTION|PROCEDURE|TRIGGER)\\b", "drops a %s"),
            Rule.of("\\bALTER\\s+TABLE\\b[^;]*?\\bDROP\\s+(?!CONSTRAINT|INDEX|DEFAULT|NOT\\s+NULL)(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?\\w+", "drops a column"),
            Rule.of("\\bTRUNCATE\\b", "truncates a table"),
            Rule.of("\\bRENAME\\s+(TABLE|COLUMN|TO)\\b", "renames a table or column: old code breaks"),
            Rule.of("\\bALTER\\s+(?:TABLE\\b[^;]*?\\bALTER\\s+)?COLUMN\\b[^;]*?\\b(?:SET\\s+DATA\\s+)?TYPE\\b", "changes a column type"),
            Rule.of("\\bALTER\\s+TABLE\\b[^;]*?\\b(?:MODIFY|CHANGE)\\s+(?:COLUMN\\s+)?\\w+", "changes a column definition"),
            Rule.of("\\bALTER\\s+COLUMN\\b[^;]*?\\bSET\\s+NOT\\s+NULL\\b", "makes a column NOT NULL: fails or needs a backfill if rows hold NULL"));

    private static final Pattern DELETE = Pattern.compile("\\bDELETE\\s+FROM\\b", FLAGS);
    private static final Pattern UPDATE = Pattern.compile("\\bUPDATE\\s+[\\w.\"`\\[\\]]+\\s+SET\\b", FLAGS);
    private static final Pattern WHERE = Pattern.compile("\\bWHERE\\b", FLAGS);

    private static final List<Rule> DSL = List.of(
            // Rails
            Rule.of("\\b(drop_table|remove_column|remove_columns|rename_column|rename_table|change_column|remove_reference|remove_belongs_to|drop_join_table|remove_timestamps|change_column_null)\\b", "%s"),
            // Django
            Rule.of("\\bmigrations\\.(RemoveField|DeleteModel|RenameField|RenameModel|AlterField|RemoveIndex|RemoveConstraint|AlterModelTable)\\b", "migrations.%s"),
            // Alembic
            Rule.of("\\bop\\.(drop_table|drop_column|drop_index|drop_constraint|rename_table)\\b", "op.%s"),
            Rule.of("\\bop\\.alter_column\\([^)]*\\b(type_|new_column_name|nullable\\s*=\\s*False)", "op.alter_column with %s"),
            // Knex and similar JavaScript builders
            Rule.of("\\.(dropTable|dropTableIfExists|dropColumn|dropColumns|renameColumn|renameTable|dropIndex|dropForeign|dropPrimary|dropUnique)\\s*\\(", "%s()"),
            Rule.of("\\.alter\\(\\s*\\)", "column .alter()"),
            // Liquibase (XML, YAML, JSON)
            Rule.of("<(dropTable|dropColumn|renameColumn|renameTable|modifyDataType|dropView|dropSequence|dropPrimaryKey|addNotNullConstraint|dropAllForeignKeyConstraints)\\b", "Liquibase %s"),
            Rule.of("[\"']?\\b(dropTable|dropColumn|renameColumn|renameTable|modifyDataType|addNotNullConstraint)\\b[\"']?\\s*:", "Liquibase %s"),
            Rule.of("<delete\\b[^>]*/>", "Liquibase delete without a where clause"));

    private static final Pattern ADDITIVE = Pattern.compile(
            "\\b(CREATE\\s+(?:UNIQUE\\s+)?(?:TABLE|INDEX|VIEW|SEQUENCE|TYPE)|ADD\\s+(?:COLUMN|CONSTRAINT)|INSERT\\s+INTO|create_table|add_column|add_index|add_reference"
                    + "|migrations\\.(?:CreateModel|AddField|AddIndex)|op\\.(?:create_table|add_column|create_index)|createTable|addColumn|createIndex)\\b", FLAGS);

    private final String path;
    private final boolean sql;
    private final List<ReversibilityFinding> destructive = new ArrayList<>();
    private final StringBuilder statement = new StringBuilder();
    private int statementLine;
    private int lastLine = -1;
    private String additiveEvidence;
    private int firstAddedLine;
    private int addedLines;

    private final SourceText source;

    MigrationScanner(String path) {
        this.path = path;
        this.sql = path.toLowerCase(Locale.ROOT).endsWith(".sql");
        // SQL: comments and string literals are not statements; DSLs keep their strings (embedded SQL, Liquibase keys)
        this.source = new SourceText(SourceText.Syntax.of(path), !sql);
    }

    void addedLine(int lineNumber, String text) {
        addedLines++;
        if (firstAddedLine == 0) {
            firstAddedLine = lineNumber;
        }
        if (sql) {
            addSqlLine(lineNumber, text);
        } else {
            String code = source.code(lineNumber, text).strip();
            if (!code.startsWith("#") && !code.startsWith("//") && !code.startsWith("--")) {
                checkLine(lineNumber, code);
            }
        }
    }

    private void addSqlLine(int lineNumber, String text) {
        if (lastLine >= 0 && lineNumber != lastLine + 1) {
            flushStatement();   // lines from different hunks do not form one statement
        }
        lastLine = lineNumber;
        String code = source.code(lineNumber, text);
        int from = 0;
        int semicolon;
        while ((semicolon = code.indexOf(';', from)) >= 0) {
            appendToStatement(lineNumber, code.substring(from, semicolon));
            flushStatement();
            from = semicolon + 1;
        }
        appendToStatement(lineNumber, code.substring(from));
    }

    private void appendToStatement(int lineNumber, String part) {
        if (part.isBlank()) {
            return;
        }
        if (statement.length() == 0) {
            statementLine = lineNumber;
        } else {
            statement.append(' ');
        }
        statement.append(part.strip());
    }

    private void flushStatement() {
        if (statement.length() > 0) {
            checkStatement(statementLine, statement.toString());
            statement.setLength(0);
        }
    }

    private void checkStatement(int line, String text) {
        for (Rule rule : SQL) {
            Matcher m = rule.pattern().matcher(text);
            if (m.find()) {
                report(line, rule, m, text);
                return;
            }
        }
        if (DELETE.matcher(text).find() && !WHERE.matcher(text).find()) {
            destructive.add(new ReversibilityFinding(FindingKind.DESTRUCTIVE_MIGRATION, path, line,
                    "deletes every row (DELETE without WHERE): " + abbreviate(text)));
        } else if (UPDATE.matcher(text).find() && !WHERE.matcher(text).find()) {
            destructive.add(new ReversibilityFinding(FindingKind.DESTRUCTIVE_MIGRATION, path, line,
                    "rewrites every row (UPDATE without WHERE): " + abbreviate(text)));
        } else {
            noteAdditive(text);
        }
    }

    private void checkLine(int line, String text) {
        for (Rule rule : DSL) {
            Matcher m = rule.pattern().matcher(text);
            if (m.find()) {
                report(line, rule, m, text);
                return;
            }
        }
        checkStatement(line, text);
    }

    private void report(int line, Rule rule, Matcher m, String text) {
        String what = m.groupCount() >= 1 && m.group(1) != null
                ? String.format(Locale.ROOT, rule.meaning(), m.group(1).toLowerCase(Locale.ROOT).replaceAll("\\s+", " "))
                : rule.meaning();
        destructive.add(new ReversibilityFinding(FindingKind.DESTRUCTIVE_MIGRATION, path, line, what + ": " + abbreviate(text)));
    }

    private void noteAdditive(String text) {
        if (additiveEvidence == null && ADDITIVE.matcher(text).find()) {
            additiveEvidence = abbreviate(text);
        }
    }

    /** The findings of this file once all its lines are read. */
    List<ReversibilityFinding> finish() {
        flushStatement();
        if (!destructive.isEmpty()) {
            return destructive;
        }
        if (addedLines == 0) {
            return List.of();
        }
        String evidence = additiveEvidence != null
                ? "additive schema change: " + additiveEvidence
                : "migration with " + addedLines + " added line" + (addedLines == 1 ? "" : "s") + " and no destructive statement";
        return List.of(new ReversibilityFinding(FindingKind.ADDITIVE_MIGRATION, path, firstAddedLine, evidence));
    }

    static String abbreviate(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
    }
}
