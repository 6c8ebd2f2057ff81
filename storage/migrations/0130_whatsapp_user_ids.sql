-- WhatsApp identifies a person by phone number (wa_id), by business-scoped user id (BSUID,
-- "IT.1349..."), or both. An identity keeps the id it was created with as external_id (and
-- chat_id) and, once a payload or a send response shows it, the other one as alt_id: one
-- identity per account, found by either id.
ALTER TABLE identities ADD COLUMN alt_id TEXT;
CREATE UNIQUE INDEX identities_alt ON identities (channel, alt_id);
