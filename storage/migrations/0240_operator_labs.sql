-- Residential labs for reception-centre operators. A lab has an audience: beneficiaries (every
-- lab so far) or operators. An operators' lab's sessions may span days (lab_sessions.ends_at on
-- a later date than starts_at). Operators enrol, answer RSVP and have their attendance recorded
-- in a table of their own: the beneficiaries' enrolments, and what erasure does to them, stay
-- as they are.
ALTER TABLE labs ADD COLUMN audience TEXT NOT NULL DEFAULT 'beneficiaries' CHECK (audience IN ('beneficiaries', 'operators'));

CREATE TABLE operator_enrolments (
    session_id {{bigint}} NOT NULL REFERENCES lab_sessions(id),
    staff_id {{bigint}} NOT NULL REFERENCES staff(id),
    enrolled_at {{ts}} NOT NULL,
    enrolled_by {{bigint}} REFERENCES staff(id),
    rsvp TEXT CHECK (rsvp IN ('yes', 'no')),
    rsvp_at {{ts}},
    attendance TEXT CHECK (attendance IN ('present', 'absent')),
    attendance_at {{ts}},
    attendance_by {{bigint}} REFERENCES staff(id),
    PRIMARY KEY (session_id, staff_id)
);
CREATE INDEX operator_enrolments_staff ON operator_enrolments (staff_id);
