-- The conversation between a beneficiary and their tutor: what each wrote to the other, kept
-- (like the web chat's history) for MESSAGE_RETENTION, so that a tutor who missed a message
-- can read it, an alert shows what was written, and the person sees it in "My data". Deleted
-- with the person's data. staff_id is the tutor who wrote it or to whom it was relayed.
CREATE TABLE conversation_messages (
    id {{id}},
    beneficiary_id {{bigint}} NOT NULL REFERENCES beneficiaries(id),
    staff_id {{bigint}} REFERENCES staff(id),
    direction TEXT NOT NULL CHECK (direction IN ('to_tutor', 'to_person')),
    body TEXT NOT NULL,
    media_kind TEXT,
    created_at {{ts}} NOT NULL
);
CREATE INDEX conversation_messages_person ON conversation_messages (beneficiary_id, id);
