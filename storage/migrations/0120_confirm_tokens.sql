-- One-time tokens of destructive buttons ("Yes, delete my data", "Send the broadcast", "Cancel
-- the session"...): issued with the question, kept only as a SHA-256, bound to the chat identity
-- that was asked and to the action and record, taken once when pressed. A forged or reused
-- button finds none and changes nothing.
CREATE TABLE confirm_tokens (
    token_hash TEXT PRIMARY KEY,
    identity_id {{bigint}} NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    expires_at {{ts}} NOT NULL,
    created_at {{ts}} NOT NULL
);
CREATE INDEX confirm_tokens_expires ON confirm_tokens (expires_at);
CREATE INDEX confirm_tokens_identity ON confirm_tokens (identity_id);
