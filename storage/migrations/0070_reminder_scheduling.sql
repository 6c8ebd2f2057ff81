-- Scheduling of reminders: a reminder whose time quiet hours moved is marked (the scheduler
-- counts them when sent); the planner looks reminders up by session and by step.
ALTER TABLE reminders ADD COLUMN deferred BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX reminders_session ON reminders (session_id);
CREATE INDEX reminders_step ON reminders (step_id);
