-- The run document lists the replays of a run (replayedBy): find them without a scan of runs.
CREATE INDEX runs_replay_of ON runs (replay_of) WHERE replay_of IS NOT NULL;
-- The console's home counts runs finished per minute over the last hour.
CREATE INDEX runs_finished ON runs (finished_at) WHERE finished_at IS NOT NULL;
