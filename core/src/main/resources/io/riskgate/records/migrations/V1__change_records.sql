-- The change records: one row a promotion. Times are epoch milliseconds (UTC).
CREATE TABLE change_record (
    id                    VARCHAR(128)  NOT NULL PRIMARY KEY,
    pipeline              VARCHAR(512)  NOT NULL,
    environment           VARCHAR(128)  NOT NULL,
    commit_sha            VARCHAR(64)   NOT NULL,
    commit_time           BIGINT,
    started_at            BIGINT        NOT NULL,
    finished_at           BIGINT        NOT NULL,
    outcome               VARCHAR(16)   NOT NULL,
    risk_score            INTEGER,
    risk_level            VARCHAR(16),
    risk_model            VARCHAR(64),
    started_by            VARCHAR(256),
    build_url             VARCHAR(2048),
    runbook_url           VARCHAR(2048),
    pir_url               VARCHAR(2048),
    rollback_command      VARCHAR(4096),
    rollback_exercised_at BIGINT,
    tests_total           INTEGER,
    tests_failed          INTEGER,
    approvals             VARCHAR(16384),
    lines_added           INTEGER,
    lines_deleted         INTEGER,
    files                 INTEGER,
    directories           INTEGER,
    subsystems            INTEGER,
    entropy               DOUBLE PRECISION,
    commits               INTEGER,
    authors               INTEGER,
    recorded_at           BIGINT        NOT NULL
);
CREATE INDEX change_record_finished ON change_record (finished_at);
CREATE INDEX change_record_env_finished ON change_record (environment, finished_at);
CREATE INDEX change_record_pipeline_finished ON change_record (pipeline, finished_at);
CREATE INDEX change_record_restore ON change_record (pipeline, environment, outcome, finished_at);
