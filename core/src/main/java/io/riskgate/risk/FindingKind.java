package io.riskgate.risk;

/** What makes a change hard (or, for mitigations, easier) to undo. */
public enum FindingKind {
    DESTRUCTIVE_MIGRATION("destructive-migration", "destructiveMigration", false),
    ADDITIVE_MIGRATION("additive-migration", "additiveMigration", false),
    /** A migration that already existed at the baseline was edited or renamed: applied databases never run the edit. */
    EDITED_MIGRATION("edited-migration", "editedMigration", false),
    INFRASTRUCTURE("infrastructure", "infrastructure", false),
    DEPENDENCY("dependency", "dependency", false),
    PUBLIC_API("public-api", "publicApi", false),
    DELETED_FILES("deleted-files", "deletedFiles", false),
    CONFIG("config", "config", false),
    FEATURE_FLAG("feature-flag", "featureFlag", true);

    private final String id;
    private final String weightKey;
    private final boolean mitigation;

    FindingKind(String id, String weightKey, boolean mitigation) {
        this.id = id;
        this.weightKey = weightKey;
        this.mitigation = mitigation;
    }

    /** The id used in factor ids ({@code reversibility.destructive-migration}). */
    public String id() {
        return id;
    }

    /** The key of this kind's weight in the policy file. */
    public String weightKey() {
        return weightKey;
    }

    /** Whether this finding makes a change easier to undo (it takes points off). */
    public boolean mitigation() {
        return mitigation;
    }
}
