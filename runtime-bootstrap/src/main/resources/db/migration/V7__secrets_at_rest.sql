-- Secrets at rest (docs/security.md): nothing secret is stored in clear.
-- The raw values of a run's secret inputs, sealed with the keyring (v1:<key id>:<base64 AES-GCM>);
-- runs.inputs holds [REDACTED] in their place. Replay and resume join the two.
ALTER TABLE runs ADD COLUMN secret_inputs text;
-- A step output that held a secret is stored redacted in output and, sealed, here: what a resume hands on.
ALTER TABLE steps ADD COLUMN output_sealed text;
-- A correlation key that held a secret is stored redacted; events find the wait by its keyed digest.
ALTER TABLE waits ADD COLUMN correlation_key_digest text;
CREATE INDEX waits_open_by_digest ON waits (event, correlation_key_digest)
    WHERE status = 'WAITING' AND correlation_key_digest IS NOT NULL;
