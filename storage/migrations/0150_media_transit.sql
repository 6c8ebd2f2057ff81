-- Files passed on between people (a voice note to a tutor, a photo of a letter), kept only
-- while in transit: encrypted (AES-256-GCM under MEDIA_KEY) in chunks, deleted once delivered,
-- after 24 hours (expires_at), or when their owner's data is erased. An item is 'pending'
-- while its bytes are still on the platform it came from (source_channel, source_ref: a
-- Telegram file_id, a WhatsApp media id) and 'stored' once fetched. owner_id is the
-- beneficiary the file is about (the sender, or the recipient of a tutor's file).
CREATE TABLE media_transit (
    id TEXT PRIMARY KEY,
    owner_id {{bigint}} REFERENCES beneficiaries(id),
    kind TEXT NOT NULL,
    mime TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    size {{bigint}} NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('pending', 'stored')),
    source_channel TEXT NOT NULL DEFAULT '',
    source_ref TEXT NOT NULL DEFAULT '',
    chunks INTEGER NOT NULL DEFAULT 0,
    webchat_chat TEXT,
    created_at {{ts}} NOT NULL,
    expires_at {{ts}} NOT NULL
);
CREATE INDEX media_transit_owner ON media_transit (owner_id);
CREATE INDEX media_transit_expiry ON media_transit (expires_at);

CREATE TABLE media_chunks (
    transit_id TEXT NOT NULL REFERENCES media_transit(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    data {{blob}} NOT NULL,
    PRIMARY KEY (transit_id, seq)
);
