-- Projections of runs, steps and waits that the API reads (API.md, "Runs"); written by the worker.
CREATE TABLE runs (
    id              uuid PRIMARY KEY,
    definition_id   uuid        NOT NULL REFERENCES definitions (id),
    version_id      uuid        NOT NULL REFERENCES definition_versions (id),
    workflow_ref    text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELED')),
    attempt         integer     NOT NULL DEFAULT 1,
    execution_key   text,
    inputs          jsonb       NOT NULL,            -- raw, secrets included: replay and resume only
    inputs_redacted jsonb       NOT NULL,            -- what the API shows
    output          jsonb,
    error           jsonb,
    replay_of       uuid REFERENCES runs (id),
    started_in_temporal boolean NOT NULL DEFAULT false,
    created_by      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (definition_id, execution_key)
);
CREATE INDEX runs_newest ON runs (created_at DESC, id DESC);
CREATE INDEX runs_by_status ON runs (status, created_at DESC, id DESC);
CREATE INDEX runs_by_workflow ON runs (workflow_ref, created_at DESC, id DESC);
CREATE INDEX runs_active ON runs (definition_id) WHERE status IN ('PENDING', 'RUNNING', 'WAITING');
CREATE INDEX runs_not_started ON runs (created_at) WHERE status = 'PENDING' AND NOT started_in_temporal;

CREATE TABLE steps (
    run_id      uuid        NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    path        text        NOT NULL,
    attempt     integer     NOT NULL,
    step_id     text        NOT NULL,
    uses        text,
    status      text        NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELED')),
    attempts    integer     NOT NULL DEFAULT 0,
    output      jsonb,
    error       jsonb,
    started_at  timestamptz,
    finished_at timestamptz,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, path, attempt)
);

CREATE TABLE waits (
    run_id          uuid        NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step_path       text        NOT NULL,
    attempt         integer     NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('TIMER', 'EVENT')),
    event           text,
    correlation_key text,
    status          text        NOT NULL CHECK (status IN ('WAITING', 'SIGNALED', 'ELAPSED', 'TIMED_OUT', 'CANCELED')),
    due_at          timestamptz,
    opened_at       timestamptz NOT NULL,
    closed_at       timestamptz,
    PRIMARY KEY (run_id, step_path, attempt)
);
-- POST /events finds the runs waiting on an event (and key) through this index.
CREATE INDEX waits_open_by_event ON waits (event, correlation_key) WHERE status = 'WAITING';
