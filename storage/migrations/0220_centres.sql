-- Reception centres: where a beneficiary was hosted and where operators work. A beneficiary's
-- record names their centre (the CSV's reception_contact finds or creates it); an operator
-- belongs to one and follows its people.
CREATE TABLE centres (
    id {{id}},
    territory TEXT NOT NULL REFERENCES territories(code),
    name TEXT NOT NULL,
    created_at {{ts}} NOT NULL,
    UNIQUE (territory, name)
);

ALTER TABLE staff ADD COLUMN centre_id {{bigint}} REFERENCES centres(id);

ALTER TABLE beneficiaries ADD COLUMN centre_id {{bigint}} REFERENCES centres(id);

CREATE INDEX beneficiaries_centre ON beneficiaries (centre_id, status);

-- A step an operator proposes for one of their centre's people; the tutor accepts (it becomes
-- a plan step) or declines. The title is the person's data: erasure removes the row.
CREATE TABLE step_proposals (
    id {{id}},
    beneficiary_id {{bigint}} NOT NULL REFERENCES beneficiaries(id),
    proposed_by {{bigint}} NOT NULL REFERENCES staff(id),
    area TEXT NOT NULL CHECK (area IN ('housing', 'work', 'psych', 'social', 'documents')),
    title TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined')),
    step_id {{bigint}} REFERENCES plan_steps(id),
    decided_by {{bigint}} REFERENCES staff(id),
    decided_at {{ts}},
    created_at {{ts}} NOT NULL
);
CREATE INDEX step_proposals_beneficiary ON step_proposals (beneficiary_id);

-- What an operator writes to a person's tutor about them. Erasure removes the rows.
CREATE TABLE operator_notes (
    id {{id}},
    beneficiary_id {{bigint}} NOT NULL REFERENCES beneficiaries(id),
    operator_id {{bigint}} NOT NULL REFERENCES staff(id),
    tutor_id {{bigint}} REFERENCES staff(id),
    body TEXT NOT NULL,
    created_at {{ts}} NOT NULL
);
CREATE INDEX operator_notes_beneficiary ON operator_notes (beneficiary_id);
