-- Lookups from a run to its Spring Batch executions: a job instance's executions and an execution's steps.
-- Spring Batch's own schema (V1) has no index on these foreign keys; its documentation recommends them. serve's
-- Prometheus metrics read a run's step executions through them (dev.nightbench.monitoring.HistoryQueries), so the
-- cost follows the runs read, not the length of the history.
CREATE INDEX batch_job_execution_instance ON BATCH_JOB_EXECUTION (JOB_INSTANCE_ID);
CREATE INDEX batch_step_execution_job ON BATCH_STEP_EXECUTION (JOB_EXECUTION_ID);
