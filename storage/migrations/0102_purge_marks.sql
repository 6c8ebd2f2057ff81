-- Where the retention purge of a table resumes: rows with a lower id were all purged, so
-- housekeeping never reads the index entries the purged rows left behind again.
CREATE TABLE purge_marks (
    name TEXT PRIMARY KEY,
    next_id {{bigint}} NOT NULL
);
