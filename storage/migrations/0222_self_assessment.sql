-- The self-assessment: five questions on autonomy, answered 1-5 (or "prefer not to say"), at
-- onboarding, every three months and at closing, only with the research consent. A round is
-- one asking; next_assessment_at is when the next one is due (NULL: none planned).
ALTER TABLE beneficiaries ADD COLUMN next_assessment_at {{ts}};

CREATE INDEX beneficiaries_next_assessment ON beneficiaries (next_assessment_at);

CREATE TABLE assessment_rounds (
    id {{id}},
    beneficiary_id {{bigint}} NOT NULL REFERENCES beneficiaries(id),
    reason TEXT NOT NULL CHECK (reason IN ('onboarding', 'periodic', 'closing')),
    started_at {{ts}} NOT NULL,
    finished_at {{ts}},
    skipped_at {{ts}}
);
CREATE INDEX assessment_rounds_beneficiary ON assessment_rounds (beneficiary_id);

CREATE TABLE assessment_answers (
    round_id {{bigint}} NOT NULL REFERENCES assessment_rounds(id),
    question INTEGER NOT NULL CHECK (question BETWEEN 1 AND 5),
    score INTEGER CHECK (score BETWEEN 1 AND 5),
    answered_at {{ts}} NOT NULL,
    PRIMARY KEY (round_id, question)
);
