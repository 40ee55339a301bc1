-- Incidents and post-incident reviews (docs/metrics.md, "Incidents"). Times are epoch milliseconds (UTC).
-- An incident's deployment_id names the change record it is linked to (null: none was live when it started).
CREATE TABLE incident (
    id              VARCHAR(256)  NOT NULL PRIMARY KEY,
    source          VARCHAR(64),
    title           VARCHAR(1024) NOT NULL,
    severity        VARCHAR(64),
    pipeline        VARCHAR(512)  NOT NULL,
    environment     VARCHAR(128)  NOT NULL,
    started_at      BIGINT        NOT NULL,
    resolved_at     BIGINT,
    deployment_id   VARCHAR(128),
    link            VARCHAR(16)   NOT NULL,
    recorded_at     BIGINT        NOT NULL,
    updated_at      BIGINT        NOT NULL
);
CREATE INDEX incident_started ON incident (started_at);
CREATE INDEX incident_service_started ON incident (pipeline, environment, started_at);
CREATE INDEX incident_deployment ON incident (deployment_id);
-- One review a deployment, whose change record carries its URL in pir_url too.
CREATE TABLE deployment_review (
    deployment_id   VARCHAR(128)  NOT NULL PRIMARY KEY,
    url             VARCHAR(2048) NOT NULL,
    author          VARCHAR(256)  NOT NULL,
    reviewed_at     BIGINT        NOT NULL,
    summary         VARCHAR(4096),
    recorded_at     BIGINT        NOT NULL
);
