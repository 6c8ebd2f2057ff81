-- How far a broadcast's progress has been told to its coordinator (0, 25, 50, 75 per cent), so
-- each step is told once however many senders report deliveries at the same time.
ALTER TABLE broadcasts ADD COLUMN progress_pct INTEGER NOT NULL DEFAULT 0;
