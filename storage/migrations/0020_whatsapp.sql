-- WhatsApp delivery: what the platform reported for each sent message, the template that stands
-- in for a free-form message refused outside the 24-hour window, and the long lists of choices
-- shown a page at a time.

-- The latest delivery status of a sent message (sent < delivered < read; failed ends it).
CREATE TABLE outbox_receipts (
    outbox_id {{bigint}} PRIMARY KEY REFERENCES outbox(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('sent', 'delivered', 'read', 'failed')),
    error_code INTEGER,
    updated_at {{ts}} NOT NULL
);

-- One row per platform message id of a free-form message, until it is delivered: the template
-- to send instead if the platform reports it failed outside the window. Rows of one outgoing
-- message share grp, so the template goes out once however many parts failed. Kept 7 days.
CREATE TABLE whatsapp_fallbacks (
    provider_id TEXT PRIMARY KEY,
    grp TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    identity_id {{bigint}} REFERENCES identities(id) ON DELETE CASCADE,
    payload TEXT NOT NULL,
    window_ends_at {{ts}},
    created_at {{ts}} NOT NULL
);
CREATE INDEX whatsapp_fallbacks_grp ON whatsapp_fallbacks (grp);
CREATE INDEX whatsapp_fallbacks_created ON whatsapp_fallbacks (created_at);

-- The list of choices last shown to a chat a page at a time: its "more" row shows the next page.
CREATE TABLE whatsapp_lists (
    chat_id TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    payload TEXT NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX whatsapp_lists_updated ON whatsapp_lists (updated_at);
