-- What a database is for: 'demo' (created by serve --demo, invented people only) or 'real'
-- (serve without --demo, invite or import wrote to it). serve --demo refuses a database that
-- holds real people and was not created by it.
CREATE TABLE instance_mode (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    mode TEXT NOT NULL CHECK (mode IN ('demo', 'real')),
    set_at {{ts}} NOT NULL
);
