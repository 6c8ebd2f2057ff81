-- The outbox's queue, whose cost depends only on what is due. outbox keeps every message until
-- it is purged; outbox_heads has one row per chat with undelivered messages: its head, the
-- first of them, which alone may be in flight. A head is ready (ready_at: when it became
-- ready, the order claims take them in), waiting (wake_at: its due time, or its lease's end
-- while in flight) or held (a WhatsApp chat whose 24-hour window closed). Claims read the
-- ready and waiting index entries from a floor (outbox_floors), never from the beginning, so
-- the entries old row versions leave behind (PostgreSQL without VACUUM) are not read again.
CREATE TABLE outbox_heads (
    chat_key TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    priority INTEGER NOT NULL,
    outbox_id {{bigint}} NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    floor_id {{bigint}} NOT NULL,
    ready_at {{ts}},
    wake_at {{ts}},
    lease_owner TEXT,
    held BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX outbox_heads_ready ON outbox_heads (channel, priority, ready_at) WHERE ready_at IS NOT NULL;
CREATE INDEX outbox_heads_wake ON outbox_heads (channel, priority, wake_at) WHERE wake_at IS NOT NULL;
CREATE INDEX outbox_heads_outbox ON outbox_heads (outbox_id);
CREATE INDEX outbox_heads_held ON outbox_heads (chat_key) WHERE held;

-- Where claims of a channel and priority start reading the ready and waiting heads: below
-- these times there is nothing left to claim.
CREATE TABLE outbox_floors (
    channel TEXT NOT NULL,
    priority INTEGER NOT NULL,
    ready_floor {{ts}} NOT NULL,
    wake_floor {{ts}} NOT NULL,
    PRIMARY KEY (channel, priority)
);

-- A message that is pointless after a time (a reminder of a session that has begun) is
-- dropped, not sent late.
ALTER TABLE outbox ADD COLUMN expires_at {{ts}};

-- The claim no longer scans outbox itself.
DROP INDEX outbox_due;

-- Messages undelivered at the upgrade: each chat's first one becomes its head, waiting for
-- its due time or its lease's end.
INSERT INTO outbox_heads (chat_key, channel, priority, outbox_id, floor_id, wake_at, lease_owner)
SELECT o.chat_key, o.channel, o.priority, o.id, o.id,
    CASE WHEN o.status = 'sending' THEN COALESCE(o.lease_until, o.next_attempt_at) ELSE o.next_attempt_at END,
    CASE WHEN o.status = 'sending' THEN o.lease_owner ELSE NULL END
FROM outbox o
WHERE o.id IN (SELECT MIN(p.id) FROM outbox p WHERE p.status IN ('pending', 'sending') GROUP BY p.chat_key);
