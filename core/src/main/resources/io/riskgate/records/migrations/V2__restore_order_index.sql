-- Time to restore reads each pipeline's and environment's deployments in finish order.
CREATE INDEX change_record_pipeline_env_finished ON change_record (pipeline, environment, finished_at);
