-- Queue-ownership guard (ARCHITECTURE.md): one row per worker instance holding a task queue.
CREATE TABLE queue_leases (
    queue        text        NOT NULL,
    instance     text        NOT NULL,
    owner        text        NOT NULL,
    build        text,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (queue, instance)
);
CREATE INDEX queue_leases_live ON queue_leases (queue, heartbeat_at);
