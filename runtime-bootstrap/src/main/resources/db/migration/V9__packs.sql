-- A pack's pack.yaml (DSL.md, "Where definitions live"), as the last resync read it: its
-- description and the tags each of its workflows carries besides its own. A pack.yaml that does
-- not load keeps the last good description and tags and records why, like a workflow file.
CREATE TABLE packs (
    name        text        PRIMARY KEY,
    file_path   text        NOT NULL,
    description text,
    tags        jsonb       NOT NULL DEFAULT '[]'::jsonb,
    load_error  text,
    load_errors jsonb,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX packs_tags ON packs USING gin (tags);
