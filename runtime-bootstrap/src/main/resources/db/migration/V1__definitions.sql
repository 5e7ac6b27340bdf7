-- Workflow definitions and their immutable versions (API.md, "Definitions").
CREATE TABLE definitions (
    id                 uuid PRIMARY KEY,
    ref                text        NOT NULL UNIQUE,
    pack               text        NOT NULL,
    name               text        NOT NULL,
    source             text        NOT NULL CHECK (source IN ('FILE', 'API')),
    status             text        NOT NULL CHECK (status IN ('ACTIVE', 'ARCHIVED')),
    file_path          text,
    file_exists        boolean     NOT NULL DEFAULT false,
    file_hash          text,                     -- SHA-256 of the file's bytes at the last resync
    current_version_id uuid,
    version_label      text,
    description        text,
    tags               jsonb       NOT NULL DEFAULT '[]',
    load_error         text,
    load_errors        jsonb,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX definitions_pack ON definitions (pack, ref);
CREATE INDEX definitions_status ON definitions (status);
CREATE INDEX definitions_tags ON definitions USING gin (tags);

CREATE TABLE definition_versions (
    id            uuid PRIMARY KEY,
    definition_id uuid        NOT NULL REFERENCES definitions (id),
    seq           integer     NOT NULL CHECK (seq > 0),
    content_hash  text        NOT NULL,
    definition    jsonb       NOT NULL,
    yaml_source   text        NOT NULL,
    label         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (definition_id, seq)
);
CREATE INDEX definition_versions_hash ON definition_versions (definition_id, content_hash);

ALTER TABLE definitions
    ADD CONSTRAINT definitions_current_version FOREIGN KEY (current_version_id) REFERENCES definition_versions (id)
        DEFERRABLE INITIALLY DEFERRED; -- a definition and its first version are written in one transaction
