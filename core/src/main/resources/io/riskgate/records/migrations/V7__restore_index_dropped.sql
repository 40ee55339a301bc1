-- The next and previous successes of a pipeline and environment are read along
-- change_record_pipeline_env_finished. The index of V1 that held the outcome too cost every write
-- more than any other index and served no read that the other indexes do not.
DROP INDEX IF EXISTS change_record_restore;
