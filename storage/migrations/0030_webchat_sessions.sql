-- Web-chat sessions. A browser holds a random token; the server keeps only the token's SHA-256
-- (hex), which is the session's chat id and, once the session is linked to a person, the
-- identity's external id. lang is the browser's language when the session was created.
CREATE TABLE webchat_sessions (
    chat_id TEXT PRIMARY KEY,
    lang TEXT NOT NULL DEFAULT '',
    created_at {{ts}} NOT NULL,
    last_seen_at {{ts}} NOT NULL
);
CREATE INDEX webchat_sessions_seen ON webchat_sessions (last_seen_at);
