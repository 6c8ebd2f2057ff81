-- One notification template per closed 24-hour window: notified_for is the last inbound
-- message (the Unix epoch for someone who never wrote) of the window whose closing was
-- announced to the chat. Messages owed meanwhile are held in the outbox until the person writes.
CREATE TABLE whatsapp_windows (
    chat_id TEXT PRIMARY KEY,
    notified_for {{ts}} NOT NULL,
    notified_at {{ts}} NOT NULL
);
