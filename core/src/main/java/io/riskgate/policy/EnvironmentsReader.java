package io.riskgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
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
            "freeze", "freezeExemptLowRisk", "autoApproveBelow", "blockAbove", "approvers");
    private static final Set<String> ROLLBACK_KEYS = Set.of("required", "rehearsedWithinDays", "onFailure");
    private static final Set<String> APPROVER_KEYS = Set.of("users", "groups", "authorsMayApprove", "starterMayApprove");
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
        if (node.has("approvers")) {
            JsonNode ap = node.get("approvers");
            f.requireObject(ap, at + ".approvers");
            f.checkKeys(ap, at + ".approvers", APPROVER_KEYS);
            users = ap.has("users") ? f.strings(ap.get("users"), at + ".approvers.users") : users;
            groups = ap.has("groups") ? f.strings(ap.get("groups"), at + ".approvers.groups") : groups;
            authors = ap.has("authorsMayApprove") ? f.bool(ap.get("authorsMayApprove"), at + ".approvers.authorsMayApprove") : authors;
            starter = ap.has("starterMayApprove") ? f.bool(ap.get("starterMayApprove"), at + ".approvers.starterMayApprove") : starter;
        }
        return new EnvironmentRules(name, minTests, allowed, rollbackRequired, rehearsed, previous, freezes, exempt, autoBelow,
                blockAbove, users, groups, authors, starter, onFailure);
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
