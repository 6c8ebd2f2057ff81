-- The operator role: a reception-centre operator. PostgreSQL names a column's CHECK
-- <table>_<column>_check.
ALTER TABLE staff DROP CONSTRAINT staff_role_check;

ALTER TABLE staff ADD CONSTRAINT staff_role_check CHECK (role IN ('tutor', 'coordinator', 'admin', 'operator'));

ALTER TABLE invites DROP CONSTRAINT invites_role_check;

ALTER TABLE invites ADD CONSTRAINT invites_role_check CHECK (role IN ('beneficiary', 'tutor', 'coordinator', 'admin', 'operator'));
