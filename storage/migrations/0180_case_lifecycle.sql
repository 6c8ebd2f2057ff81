-- A case's life: closed (with the exit reason and who closed it), reopened, reassigned to
-- another tutor. The beneficiaries row keeps the current status; these rows keep the history.
-- note is free text about the person (the "other" exit reason): erasure clears it.
CREATE TABLE case_events (
    id {{id}},
    beneficiary_id {{bigint}} NOT NULL REFERENCES beneficiaries(id),
    kind TEXT NOT NULL CHECK (kind IN ('closed', 'reopened', 'reassigned')),
    reason TEXT CHECK (reason IS NULL OR reason IN ('autonomy', 'moved', 'left', 'transferred', 'other')),
    note TEXT,
    staff_id {{bigint}} REFERENCES staff(id),
    from_tutor_id {{bigint}} REFERENCES staff(id),
    to_tutor_id {{bigint}} REFERENCES staff(id),
    at {{ts}} NOT NULL
);
CREATE INDEX case_events_beneficiary ON case_events (beneficiary_id, kind, id);
