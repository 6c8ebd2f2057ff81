-- The staff's lists page through a caseload or a territory in code order, and the overdue
-- filter looks for steps not done with a due date: indexes that let each read only its page.
CREATE INDEX beneficiaries_tutor_code ON beneficiaries (tutor_id, code);
CREATE INDEX beneficiaries_territory_code ON beneficiaries (territory, code);
CREATE INDEX plan_steps_open_due ON plan_steps (due_date, beneficiary_id) WHERE status <> 'done' AND due_date IS NOT NULL;
