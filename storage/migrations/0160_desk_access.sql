-- The desk (the staff's web console) is entered without passwords. A one-time login link is
-- kept only as the SHA-256 of its token, for one staff member, until it expires; opening it
-- once marks it used. A session is a random cookie, likewise kept only as a SHA-256; it ends
-- after 12 hours without use, at "Log out", or when all of a staff member's sessions are ended
-- (/desk logout, deactivation).
CREATE TABLE desk_login_links (
    token_hash TEXT PRIMARY KEY,
    staff_id {{bigint}} NOT NULL REFERENCES staff(id),
    expires_at {{ts}} NOT NULL,
    used_at {{ts}},
    created_at {{ts}} NOT NULL
);
CREATE INDEX desk_login_links_expires ON desk_login_links (expires_at);

CREATE TABLE desk_sessions (
    token_hash TEXT PRIMARY KEY,
    staff_id {{bigint}} NOT NULL REFERENCES staff(id),
    created_at {{ts}} NOT NULL,
    last_seen_at {{ts}} NOT NULL
);
CREATE INDEX desk_sessions_staff ON desk_sessions (staff_id);
CREATE INDEX desk_sessions_seen ON desk_sessions (last_seen_at);
