-- The verification after the deployment (PASSED, FAILED or ABORTED) and how long it ran in seconds: null when none ran.
ALTER TABLE change_record ADD COLUMN verification_outcome VARCHAR(16);
ALTER TABLE change_record ADD COLUMN verification_seconds BIGINT;
