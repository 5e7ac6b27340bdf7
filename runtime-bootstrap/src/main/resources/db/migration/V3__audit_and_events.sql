-- The audit trail of each run (GET /runs/{id}/events) and the ids of events already handled (POST /events).
CREATE TABLE run_events (
    id      bigserial PRIMARY KEY,
    run_id  uuid        NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    kind    text        NOT NULL CHECK (kind IN ('LAUNCHED', 'SIGNALED', 'CANCELED', 'RESUMED', 'REPLAYED')),
    actor   text,
    at      timestamptz NOT NULL DEFAULT now(),
    details jsonb
);
CREATE INDEX run_events_by_run ON run_events (run_id, at, id);

CREATE TABLE processed_events (
    event_id    text PRIMARY KEY,
    name        text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    signaled    jsonb       NOT NULL DEFAULT '[]',
    launched    jsonb       NOT NULL DEFAULT '[]'
);
