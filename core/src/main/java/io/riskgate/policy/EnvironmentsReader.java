package io.riskgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads the {@code environments:} list of a policy file into a {@link PromotionPolicy}. */
final class EnvironmentsReader {
    static final Set<String> KEYS = Set.of("name", "minTests", "allowedFailures", "rollback", "requirePreviousEnvironment",
            "freeze", "freezeExemptLowRisk", "autoApproveBelow", "blockAbove", "approvers", "approvalTimeout", "minSoak", "waitForSoak",
            "requireReviewedFailures", "verify");
    private static final Set<String> VERIFY_KEYS = Set.of("command", "every", "for", "passes", "timeout");
    private static final Set<String> ROLLBACK_KEYS = Set.of("required", "rehearsedWithinDays", "onFailure");
    private static final Set<String> APPROVER_KEYS = Set.of("users", "groups", "authorsMayApprove", "starterMayApprove", "required", "rules");
    private static final Set<String> RULE_KEYS = Set.of("name", "users", "groups", "required");
    private static final Duration LONGEST = Duration.ofDays(365);
    private static final java.util.regex.Pattern DURATION_PART = java.util.regex.Pattern.compile("(\\d{1,7})\\s*([dhms])");
    private static final Set<String> FREEZE_KEYS = Set.of("name", "weekly", "from", "to", "zone");

    private final PolicyFields f;

    EnvironmentsReader(PolicyFields fields) {
        this.f = fields;
    }

    PromotionPolicy read(JsonNode node) {
        if (!node.isArray() || node.isEmpty()) {
            throw f.fail("environments", "must be a non-empty list of environments, in promotion order (got " + PolicyFields.describe(node) + ")");
        }
        List<EnvironmentRules> environments = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            EnvironmentRules env = environment(node.get(i), "environments[" + i + "]", i, node.size());
            if (!names.add(env.name().toLowerCase(Locale.ROOT))) {
                throw f.fail("environments[" + i + "].name", "environment '" + env.name() + "' is defined twice");
            }
            environments.add(env);
        }
        return new PromotionPolicy(environments);
    }

    private EnvironmentRules environment(JsonNode node, String at, int position, int count) {
        f.requireObject(node, at);
        f.checkKeys(node, at, KEYS);
        if (!node.has("name")) {
            throw f.fail(at + ".name", "every environment needs a name");
        }
        String name = f.text(node.get("name"), at + ".name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw f.fail(at + ".name", "use letters, digits, '.', '_' and '-' (got '" + name + "')");
        }
        EnvironmentRules d = EnvironmentRules.defaults(name, position, count);
        int minTests = node.has("minTests") ? f.integer(node.get("minTests"), at + ".minTests", 0, Integer.MAX_VALUE) : d.minTests();
        int allowed = node.has("allowedFailures") ? f.integer(node.get("allowedFailures"), at + ".allowedFailures", 0, Integer.MAX_VALUE) : d.allowedFailures();
        boolean rollbackRequired = d.rollbackRequired();
        Integer rehearsed = d.rollbackRehearsedWithinDays();
        boolean onFailure = d.rollbackOnFailure();
        if (node.has("rollback")) {
            JsonNode rb = node.get("rollback");
            f.requireObject(rb, at + ".rollback");
            f.checkKeys(rb, at + ".rollback", ROLLBACK_KEYS);
            rollbackRequired = rb.has("required") ? f.bool(rb.get("required"), at + ".rollback.required") : rollbackRequired;
            rehearsed = rb.has("rehearsedWithinDays") ? Integer.valueOf(f.integer(rb.get("rehearsedWithinDays"), at + ".rollback.rehearsedWithinDays", 1, 3650)) : rehearsed;
            onFailure = rb.has("onFailure") ? f.bool(rb.get("onFailure"), at + ".rollback.onFailure") : onFailure;
        }
        boolean previous = node.has("requirePreviousEnvironment")
                ? f.bool(node.get("requirePreviousEnvironment"), at + ".requirePreviousEnvironment") : d.requirePreviousEnvironment();
        if (previous && position == 0) {
            throw f.fail(at + ".requirePreviousEnvironment", "'" + name + "' is the first environment: there is no previous one");
        }
        List<FreezeWindow> freezes = new ArrayList<>();
        if (node.has("freeze")) {
            JsonNode list = node.get("freeze");
            if (!list.isArray()) {
                throw f.fail(at + ".freeze", "must be a list of freeze windows (got " + PolicyFields.describe(list) + ")");
            }
            for (int i = 0; i < list.size(); i++) {
                freezes.add(freeze(list.get(i), at + ".freeze[" + i + "]"));
            }
        }
        boolean exempt = node.has("freezeExemptLowRisk") ? f.bool(node.get("freezeExemptLowRisk"), at + ".freezeExemptLowRisk") : d.freezeExemptLowRisk();
        int autoBelow = node.has("autoApproveBelow") ? f.integer(node.get("autoApproveBelow"), at + ".autoApproveBelow", 0, 101) : d.autoApproveBelow();
        int blockAbove = node.has("blockAbove") ? f.integer(node.get("blockAbove"), at + ".blockAbove", 0, 100) : d.blockAbove();
        List<String> users = d.approvers();
        List<String> groups = d.approverGroups();
        boolean authors = d.authorsMayApprove();
        boolean starter = d.starterMayApprove();
        ApprovalQuorum quorum = d.quorum();
        if (node.has("approvers")) {
            JsonNode ap = node.get("approvers");
            f.requireObject(ap, at + ".approvers");
            f.checkKeys(ap, at + ".approvers", APPROVER_KEYS);
            users = ap.has("users") ? f.strings(ap.get("users"), at + ".approvers.users") : users;
            groups = ap.has("groups") ? f.strings(ap.get("groups"), at + ".approvers.groups") : groups;
            authors = ap.has("authorsMayApprove") ? f.bool(ap.get("authorsMayApprove"), at + ".approvers.authorsMayApprove") : authors;
            starter = ap.has("starterMayApprove") ? f.bool(ap.get("starterMayApprove"), at + ".approvers.starterMayApprove") : starter;
            quorum = quorum(ap, at + ".approvers");
            if (groups.isEmpty() && !users.isEmpty() && quorum.required() > users.size()) {
                throw f.fail(at + ".approvers.required", "asks for " + quorum.required() + " approvals from " + users.size()
                        + " named user" + (users.size() == 1 ? "" : "s") + ": it could never pass");
            }
        }
        Duration timeout = node.has("approvalTimeout") ? duration(node.get("approvalTimeout"), at + ".approvalTimeout") : d.approvalTimeout();
        Duration soak = node.has("minSoak") ? duration(node.get("minSoak"), at + ".minSoak") : d.minSoak();
        boolean waitForSoak = node.has("waitForSoak") ? f.bool(node.get("waitForSoak"), at + ".waitForSoak") : d.waitForSoak();
        if (soak != null && position == 0) {
            throw f.fail(at + ".minSoak", "'" + name + "' is the first environment: there is no previous one to soak in");
        }
        if (waitForSoak && soak == null) {
            throw f.fail(at + ".waitForSoak", "waits for the soak time, so it needs minSoak (like '1h')");
        }
        VerificationRules verify = node.has("verify") ? verify(node.get("verify"), at + ".verify") : null;
        return new EnvironmentRules(name, minTests, allowed, rollbackRequired, rehearsed, previous, freezes, exempt, autoBelow,
                blockAbove, users, groups, authors, starter, onFailure, quorum, timeout, soak, waitForSoak,
                node.has("requireReviewedFailures") ? reviewRule(node.get("requireReviewedFailures"), at + ".requireReviewedFailures")
                        : d.requireReviewedFailures(), verify);
    }

    /** {@code requireReviewedFailures: {olderThanDays: 7, action: approve|block}}. */
    private ReviewRule reviewRule(JsonNode node, String at) {
        f.requireObject(node, at);
        f.checkKeys(node, at, Set.of("olderThanDays", "action"));
        int days = node.has("olderThanDays") ? f.integer(node.get("olderThanDays"), at + ".olderThanDays", 0, 3650) : 7;
        ReviewRule.Action action = ReviewRule.Action.APPROVE;
        if (node.has("action")) {
            String text = f.text(node.get("action"), at + ".action");
            switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "approve" -> action = ReviewRule.Action.APPROVE;
                case "block" -> action = ReviewRule.Action.BLOCK;
                default -> throw f.fail(at + ".action", "must be approve (promotions need approval) or block (got '" + text + "')");
            }
        }
        return new ReviewRule(days, action);
    }

    /** {@code verify: './smoke.sh'} or {@code verify: {command: ..., every: 30s, for: 5m, passes: 3 | all, timeout: 1m}}. */
    private VerificationRules verify(JsonNode node, String at) {
        if (node.isTextual()) {
            return rules(() -> new VerificationRules(f.text(node, at), null, null, 1, null), at);
        }
        f.requireObject(node, at);
        f.checkKeys(node, at, VERIFY_KEYS);
        if (!node.has("command")) {
            throw f.fail(at + ".command", "a verification needs a command to run, like './smoke-test.sh'");
        }
        String command = f.text(node.get("command"), at + ".command");
        Duration every = node.has("every") ? duration(node.get("every"), at + ".every") : null;
        Duration within = node.has("for") ? duration(node.get("for"), at + ".for") : null;
        Duration timeout = node.has("timeout") ? duration(node.get("timeout"), at + ".timeout") : null;
        Integer passes = 1;
        if (node.has("passes")) {
            JsonNode p = node.get("passes");
            passes = p.isTextual() && p.asText().strip().equalsIgnoreCase("all") ? null
                    : Integer.valueOf(f.integer(p, at + ".passes", 1, VerificationRules.MOST_CHECKS));
        }
        Integer n = passes;
        return rules(() -> new VerificationRules(command, every, within, n, timeout), at);
    }

    private VerificationRules rules(java.util.function.Supplier<VerificationRules> make, String at) {
        try {
            return make.get();
        } catch (PolicyException e) {
            String m = e.getMessage();
            throw f.fail(at, m.startsWith("verify.") ? m.substring("verify.".length()) : m);
        }
    }

    private ApprovalQuorum quorum(JsonNode ap, String at) {
        List<ApprovalQuorum.Rule> rules = new ArrayList<>();
        if (ap.has("rules")) {
            JsonNode list = ap.get("rules");
            if (!list.isArray() || list.isEmpty()) {
                throw f.fail(at + ".rules", "must be a non-empty list of rules like {groups: [security], required: 1} (got "
                        + PolicyFields.describe(list) + ")");
            }
            for (int i = 0; i < list.size(); i++) {
                String rat = at + ".rules[" + i + "]";
                JsonNode r = list.get(i);
                f.requireObject(r, rat);
                f.checkKeys(r, rat, RULE_KEYS);
                List<String> users = r.has("users") ? f.strings(r.get("users"), rat + ".users") : List.of();
                List<String> groups = r.has("groups") ? f.strings(r.get("groups"), rat + ".groups") : List.of();
                if (users.isEmpty() && groups.isEmpty()) {
                    throw f.fail(rat, "a rule names the users or groups whose approval it counts");
                }
                int required = r.has("required") ? f.integer(r.get("required"), rat + ".required", 1, 100) : 1;
                if (groups.isEmpty() && required > users.size()) {
                    throw f.fail(rat + ".required", "asks for " + required + " approvals from " + users.size() + " named user"
                            + (users.size() == 1 ? "" : "s") + ": it could never pass");
                }
                rules.add(new ApprovalQuorum.Rule(r.has("name") ? f.text(r.get("name"), rat + ".name") : null, users, groups, required));
            }
        }
        int largestRule = rules.stream().mapToInt(ApprovalQuorum.Rule::required).max().orElse(1);
        int required = ap.has("required") ? f.integer(ap.get("required"), at + ".required", 1, 100) : largestRule;
        return new ApprovalQuorum(required, rules);
    }

    /** {@code 90s}, {@code 30m}, {@code 72h}, {@code 2d}, combinations like {@code 1h30m}, or ISO-8601 {@code PT72H}. */
    private Duration duration(JsonNode node, String field) {
        String text = node.isIntegralNumber() ? node.asText() + "s" : f.text(node, field);
        Duration d = parseDuration(text);
        if (d == null || d.isZero() || d.isNegative() || d.compareTo(LONGEST) > 0) {
            throw f.fail(field, "must be a duration like '30m', '72h', '2d' or '1h30m', at most 365 days (got '" + text + "')");
        }
        return d;
    }

    static Duration parseDuration(String text) {
        String t = text.strip();
        if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeException e) {
                return null;
            }
        }
        java.util.regex.Matcher m = DURATION_PART.matcher(t.toLowerCase(Locale.ROOT));
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (!t.substring(end, m.start()).isBlank()) {
                return null;
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            end = m.end();
        }
        return end == 0 || !t.substring(end).isBlank() ? null : total;
    }

    private FreezeWindow freeze(JsonNode node, String at) {
        f.requireObject(node, at);
        f.checkKeys(node, at, FREEZE_KEYS);
        String name = node.has("name") ? f.text(node.get("name"), at + ".name") : "freeze";
        ZoneId zone = ZoneOffset.UTC;
        if (node.has("zone")) {
            String z = f.text(node.get("zone"), at + ".zone");
            try {
                zone = ZoneId.of(z);
            } catch (DateTimeException e) {
                throw f.fail(at + ".zone", "unknown time zone '" + z + "' (use a region such as Europe/Berlin, or UTC)");
            }
        }
        if (node.has("weekly")) {
            JsonNode w = node.get("weekly");
            f.requireObject(w, at + ".weekly");
            f.checkKeys(w, at + ".weekly", Set.of("from", "to"));
            if (!w.has("from") || !w.has("to") || node.has("from") || node.has("to")) {
                throw f.fail(at, "a weekly freeze needs weekly.from and weekly.to (like 'FRI 18:00'), and no dates");
            }
            DayOfWeek fromDay = day(w.get("from"), at + ".weekly.from");
            DayOfWeek toDay = day(w.get("to"), at + ".weekly.to");
            return new FreezeWindow.Weekly(name, fromDay, time(w.get("from"), at + ".weekly.from"), toDay, time(w.get("to"), at + ".weekly.to"), zone);
        }
        if (!node.has("from") || !node.has("to")) {
            throw f.fail(at, "a freeze needs either weekly: {from: 'FRI 18:00', to: 'MON 08:00'} or from/to dates like 2026-12-20T00:00");
        }
        LocalDateTime from = dateTime(node.get("from"), at + ".from");
        LocalDateTime to = dateTime(node.get("to"), at + ".to");
        if (!to.isAfter(from)) {
            throw f.fail(at + ".to", "must be after from (" + from + ")");
        }
        return new FreezeWindow.Dates(name, from, to, zone);
    }

    private DayOfWeek day(JsonNode node, String field) {
        String[] parts = f.text(node, field).split("\\s+");
        String d = parts[0].toUpperCase(Locale.ROOT);
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day.name().startsWith(d) && d.length() >= 3) {
                return day;
            }
        }
        throw f.fail(field, "must be a day and a time like 'FRI 18:00' (got '" + node.asText() + "')");
    }

    private LocalTime time(JsonNode node, String field) {
        String[] parts = f.text(node, field).split("\\s+");
        try {
            return LocalTime.parse(parts.length == 2 ? parts[1] : "", java.time.format.DateTimeFormatter.ofPattern("H:mm"));
        } catch (DateTimeException e) {
            throw f.fail(field, "must be a day and a time like 'FRI 18:00' (got '" + node.asText() + "')");
        }
    }

    private LocalDateTime dateTime(JsonNode node, String field) {
        String text = f.text(node, field);
        try {
            return text.length() == 10 ? java.time.LocalDate.parse(text).atStartOfDay() : LocalDateTime.parse(text);
        } catch (DateTimeException e) {
            throw f.fail(field, "must be a date or date-time like 2026-12-20 or 2026-12-20T18:00 (got '" + text + "')");
        }
    }
}
