-- Reading a run asks Temporal nothing (issue 14). What Temporal reported about a queue's pollers is
-- stamped here by the reconciler, off the request path; the stuck reason reads it. pollers is NULL
-- when Temporal could not tell (its embedded dev server reports none) or did not answer.
CREATE TABLE queue_pollers (
    queue       text        PRIMARY KEY,
    pollers     integer,
    observed_at timestamptz NOT NULL DEFAULT now()
);

-- Long polls on a run (GET /runs/{id}?wait=...) wake when its status changes, whoever wrote it
-- (the worker's projection, the reconciler, a cancel): the channel carries the run id.
CREATE FUNCTION stepwise_run_status_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('stepwise_run_status', NEW.id::text);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER runs_status_changed AFTER UPDATE OF status ON runs
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION stepwise_run_status_changed();
