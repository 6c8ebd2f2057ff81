-- The operator role: a reception-centre operator. SQLite cannot alter a CHECK constraint; its
-- documented way for a change that leaves the stored rows valid is to edit the table's
-- definition in sqlite_schema and bump the schema version, so every connection reloads it
-- (https://www.sqlite.org/lang_altertable.html, "making other kinds of table schema changes").
PRAGMA writable_schema = ON;

UPDATE sqlite_schema SET sql = replace(sql, '''coordinator'', ''admin'')', '''coordinator'', ''admin'', ''operator'')')
WHERE type = 'table' AND name IN ('staff', 'invites');

PRAGMA schema_version = {{schema_version+1}};

PRAGMA writable_schema = OFF;
