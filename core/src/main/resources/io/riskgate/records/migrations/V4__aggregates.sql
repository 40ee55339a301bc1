-- Aggregates kept on write, in the transaction of the records they count (docs/metrics.md, "How the reports are computed").
-- For a failed or rolled-back deployment: when the next success of its pipeline and environment finished, or null.
ALTER TABLE change_record ADD COLUMN restored_at BIGINT;
-- Readiness looks up recent rehearsals.
CREATE INDEX change_record_exercised ON change_record (rollback_exercised_at);
-- One row per pipeline and environment: writers lock it, so the aggregates of a pipeline and environment change one writer at a time.
CREATE TABLE change_record_cell (
    pipeline    VARCHAR(512) NOT NULL,
    environment VARCHAR(128) NOT NULL,
    PRIMARY KEY (pipeline, environment)
);
-- What the records of one pipeline, environment and period of finish times add up to: a UTC day (period 'D'),
-- a week from Monday (W) or a calendar month (M), starting at period_start.
CREATE TABLE change_record_period (
    pipeline      VARCHAR(512) NOT NULL,
    environment   VARCHAR(128) NOT NULL,
    period        VARCHAR(1)   NOT NULL,
    period_start  BIGINT       NOT NULL,
    deployments   BIGINT       NOT NULL,
    successful    BIGINT       NOT NULL,
    rolled_back   BIGINT       NOT NULL,
    unscored      BIGINT       NOT NULL,
    approved      BIGINT       NOT NULL,
    reviewed      BIGINT       NOT NULL,
    lead_times    BYTEA        NOT NULL,
    restore_times BYTEA        NOT NULL,
    scores        BYTEA        NOT NULL,
    PRIMARY KEY (pipeline, environment, period, period_start)
);
CREATE INDEX change_record_period_start ON change_record_period (period, period_start);
