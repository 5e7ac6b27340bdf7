-- Issue 11: a run ends only for a reason in the workflow itself. Facts the worker and the
-- reconciler keep so that the run document can say why a run makes no progress without asking
-- Temporal on the request path, and tables that make event delivery exactly-once per run.

-- The projection never decides a run's fate: a batch that could not be written is retried for as
-- long as the run lives; meanwhile the run says so. Cleared by the next batch that lands.
ALTER TABLE runs ADD COLUMN projection_error         text;
ALTER TABLE runs ADD COLUMN projection_failing_since timestamptz;

-- An exception (or non-determinism) in workflow code makes Temporal retry the workflow task
-- forever: the worker records what it saw, the run document shows it as a stuck reason.
ALTER TABLE runs ADD COLUMN workflow_task_failure    text;
ALTER TABLE runs ADD COLUMN workflow_task_failed_at  timestamptz;

-- The reconciler's last look at the run's execution: a pass takes the runs it looked at longest
-- ago first (fair however many runs wait), and the stuck reason reads what it saw.
ALTER TABLE runs ADD COLUMN reconciled_at   timestamptz;
ALTER TABLE runs ADD COLUMN execution_state text;     -- RUNNING, CLOSED, NOT_FOUND as Temporal last answered
CREATE INDEX runs_to_reconcile ON runs (reconciled_at NULLS FIRST, id)
    WHERE status IN ('PENDING', 'RUNNING', 'WAITING');

-- POST /events with an id: one row per run the event reached, claimed before the signal and
-- removed when the signal failed, so a retried POST reaches exactly the runs that missed it.
CREATE TABLE event_deliveries (
    event_id     text        NOT NULL REFERENCES processed_events (event_id) ON DELETE CASCADE,
    run_id       uuid        NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    delivered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, run_id)
);
