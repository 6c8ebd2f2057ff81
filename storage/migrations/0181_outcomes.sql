-- Outcomes: dated events of a person's way to autonomy, recorded by staff. kind and type say
-- what (housing: own_rental...; work: permanent...; training: course, italian; documents:
-- permit...), detail the one extra fact of the kind (housing: contract registered yes/no; work:
-- hours band; training: the certified Italian level). A correction is a new row that replaces
-- the old one (status corrected), a withdrawal ends a row (status withdrawn): the history
-- stays. note is free text about the person: erasure clears it.
CREATE TABLE outcomes (
    id {{id}},
    beneficiary_id {{bigint}} NOT NULL REFERENCES beneficiaries(id),
    kind TEXT NOT NULL CHECK (kind IN ('housing', 'work', 'training', 'documents')),
    type TEXT NOT NULL,
    detail TEXT,
    note TEXT,
    occurred_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'corrected', 'withdrawn')),
    replaces_id {{bigint}} REFERENCES outcomes(id),
    created_by {{bigint}} REFERENCES staff(id),
    created_at {{ts}} NOT NULL,
    ended_by {{bigint}} REFERENCES staff(id),
    ended_at {{ts}}
);
CREATE INDEX outcomes_beneficiary ON outcomes (beneficiary_id, status, kind);
CREATE INDEX outcomes_kind ON outcomes (kind, status, beneficiary_id);
