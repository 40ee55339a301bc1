package io.riskgate.records;

import java.util.LinkedHashMap;
import java.util.Map;

/** A change record as a plain map: the JSON of {@code riskgate export --format json} and of the change-management export. */
public final class ChangeRecordJson {
    private ChangeRecordJson() {
    }

    /** The record with the incidents linked to it ({@code incidents[] {id, title, severity, startedAt, resolvedAt, link}}). */
    public static Map<String, Object> toMap(ChangeRecord r, java.util.List<Incident> incidents) {
        Map<String, Object> m = toMap(r);
        java.util.List<Object> list = new java.util.ArrayList<>();
        for (Incident i : incidents) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", i.id());
            e.put("title", i.title());
            e.put("severity", i.severity());
            e.put("startedAt", i.startedAt().toString());
            e.put("resolvedAt", i.resolvedAt() == null ? null : i.resolvedAt().toString());
            e.put("link", i.link().name());
            list.add(e);
        }
        m.put("incidents", list);
        return m;
    }

    public static Map<String, Object> toMap(ChangeRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("pipeline", r.pipeline());
        m.put("environment", r.environment());
        m.put("commit", r.commit());
        m.put("commitTime", r.commitTime() == null ? null : r.commitTime().toString());
        m.put("startedAt", r.startedAt().toString());
        m.put("finishedAt", r.finishedAt().toString());
        m.put("outcome", r.outcome().name());
        m.put("riskScore", r.riskScore());
        m.put("riskLevel", r.riskLevel());
        m.put("riskModel", r.riskModel());
        m.put("startedBy", r.startedBy());
        m.put("buildUrl", r.buildUrl());
        m.put("runbookUrl", r.runbookUrl());
        m.put("pirUrl", r.pirUrl());
        m.put("rollbackCommand", r.rollbackCommand());
        m.put("rollbackExercisedAt", r.rollbackExercisedAt() == null ? null : r.rollbackExercisedAt().toString());
        m.put("testsTotal", r.testsTotal());
        m.put("testsFailed", r.testsFailed());
        m.put("approvals", r.approvals());
        m.put("metrics", r.metrics().toMap());
        if (r.verification().outcome() != null) {
            Map<String, Object> verification = new LinkedHashMap<>();
            verification.put("outcome", r.verification().outcome());
            verification.put("seconds", r.verification().seconds());
            m.put("verification", verification);
        }
        return m;
    }
}
