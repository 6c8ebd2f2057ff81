-- Erasure: the second purge, after the deliveries under way at the erasure have ended (the
-- goodbye included), looks for what they wrote. needles (JSON) names what to look for: the
-- person's code, name and accounts. The row, and with it the needles, is deleted by the purge.
CREATE TABLE erasure_purges (
    id {{id}},
    beneficiary_id {{bigint}} NOT NULL REFERENCES beneficiaries(id),
    needles TEXT NOT NULL,
    due_at {{ts}} NOT NULL,
    give_up_at {{ts}} NOT NULL,
    created_at {{ts}} NOT NULL
);
CREATE INDEX erasure_purges_due ON erasure_purges (due_at);

-- The audit log names people by their internal id, never by their code: entries written by
-- older versions are changed to it.
UPDATE audit_log SET target_id = (SELECT CAST(b.id AS TEXT) FROM beneficiaries b WHERE b.code = audit_log.target_id)
WHERE target_kind = 'beneficiary' AND target_id IN (SELECT code FROM beneficiaries);
