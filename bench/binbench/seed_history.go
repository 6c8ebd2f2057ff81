package main

import (
	"context"
	"fmt"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// history is what seedHistory wrote: the case figures' rows and the desk's records.
type history struct {
	outcomes, caseEvents, closed int
	rounds, answers              int
	sessions, enrolments         int
	leads, interests             int
	alertsOpen, alertsHandled    int
	audit                        int
	sessionID, leadID            int64 // a session and a lead the desk's timings open
	personCode                   string
}

// seedHistory adds what a project that has run for a while holds beyond plans, so the
// figures, the exports and the desk's pages read real rows: outcomes (a twentieth withdrawn, a
// twentieth corrected) spread over everyone, one case in seven closed (one in fourteen closed
// once before, reopened and closed again) and a reassignment in eleven, two self-assessment
// rounds of five answers for each person who consents to research (a third for the closed
// ones), a lab with sessions this week and the next with their enrolments, housing and job
// leads with interested people, the tutor's alerts (a tenth of the caseload open) and an
// audit log of audit entries. Statements are INSERT ... SELECT over a generated series, the
// same SQL on both dialects. People are ids 1..people (a fresh schema); the caseload is
// first+1 .. first+caseload, and the person whose plan is timed (w.beneficiary) stays open.
func seedHistory(ctx context.Context, db *storage.DB, w *world, now time.Time, people, outcomes, audit int) error {
	series := `WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < ?) `
	first := people / 5
	keepOpen := w.beneficiary - chatBase
	day := func(d int) string { return civilDate(now.AddDate(0, 0, d)) }
	monday := now.AddDate(0, 0, -((int(now.Weekday()) + 6) % 7))
	steps := []struct {
		what string
		sql  string
		args []any
	}{
		{"outcomes", `INSERT INTO outcomes (beneficiary_id, kind, type, detail, occurred_on, status, created_by, created_at) ` + series +
			`SELECT 1 + (x - 1) % ?, CASE x % 4 WHEN 0 THEN 'housing' WHEN 1 THEN 'work' WHEN 2 THEN 'training' ELSE 'documents' END,
CASE x % 4 WHEN 0 THEN 'own_rental' WHEN 1 THEN 'permanent' WHEN 2 THEN 'italian' ELSE 'permit' END,
CASE x % 4 WHEN 0 THEN 'yes' WHEN 2 THEN 'B1' END, CASE x % 3 WHEN 0 THEN ? WHEN 1 THEN ? ELSE ? END,
CASE x % 20 WHEN 0 THEN 'withdrawn' WHEN 1 THEN 'corrected' ELSE 'valid' END, ?, ? FROM g`,
			[]any{outcomes, people, day(-200), day(-90), day(-20), w.tutorID, now}},
		{"outcomes ended", `UPDATE outcomes SET ended_by = ?, ended_at = ? WHERE status <> 'valid'`, []any{w.tutorID, now}},
		{"earlier closings", `INSERT INTO case_events (beneficiary_id, kind, reason, staff_id, at)
SELECT id, 'closed', 'moved', ?, ? FROM beneficiaries WHERE id % 14 = 0 AND id <> ?`, []any{w.tutorID, now.AddDate(0, -3, 0), keepOpen}},
		{"reopenings", `INSERT INTO case_events (beneficiary_id, kind, staff_id, at)
SELECT id, 'reopened', ?, ? FROM beneficiaries WHERE id % 14 = 0 AND id <> ?`, []any{w.tutorID, now.AddDate(0, -2, 0), keepOpen}},
		{"reassignments", `INSERT INTO case_events (beneficiary_id, kind, staff_id, from_tutor_id, to_tutor_id, at)
SELECT id, 'reassigned', ?, ?, ?, ? FROM beneficiaries WHERE id % 11 = 0`, []any{w.coordANID, w.tutorID, w.tutorID, now.AddDate(0, -1, 0)}},
		{"closings", `INSERT INTO case_events (beneficiary_id, kind, reason, staff_id, at)
SELECT id, 'closed', CASE id % 5 WHEN 0 THEN 'autonomy' WHEN 1 THEN 'moved' WHEN 2 THEN 'left' WHEN 3 THEN 'transferred' ELSE 'other' END, ?, ?
FROM beneficiaries WHERE id % 7 = 0 AND id <> ?`, []any{w.tutorID, now.AddDate(0, 0, -10), keepOpen}},
		{"closed cases", `UPDATE beneficiaries SET status = 'closed', closed_at = ? WHERE id % 7 = 0 AND id <> ?`, []any{now.AddDate(0, 0, -10), keepOpen}},
		{"self-assessment rounds", `INSERT INTO assessment_rounds (beneficiary_id, reason, started_at, finished_at)
SELECT id, 'onboarding', onboarded_at, onboarded_at FROM beneficiaries WHERE consent_research_at IS NOT NULL`, nil},
		{"self-assessment rounds", `INSERT INTO assessment_rounds (beneficiary_id, reason, started_at, finished_at)
SELECT id, 'periodic', ?, ? FROM beneficiaries WHERE consent_research_at IS NOT NULL`, []any{now.AddDate(0, 0, -15), now.AddDate(0, 0, -15)}},
		{"self-assessment rounds", `INSERT INTO assessment_rounds (beneficiary_id, reason, started_at, finished_at)
SELECT id, 'closing', closed_at, closed_at FROM beneficiaries WHERE consent_research_at IS NOT NULL AND status = 'closed'`, nil},
		{"self-assessment answers", `INSERT INTO assessment_answers (round_id, question, score, answered_at) WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < 5)
SELECT r.id, g.x, CASE WHEN (r.beneficiary_id + g.x) % 9 = 0 THEN NULL
ELSE 1 + (r.beneficiary_id + g.x + CASE r.reason WHEN 'onboarding' THEN 0 WHEN 'periodic' THEN 1 ELSE 2 END) % 5 END, r.started_at
FROM assessment_rounds r, g`, nil},
		{"lab", `INSERT INTO labs (name, description, territory, created_by, created_at) VALUES ('Italian for work', 'Weekly lessons', 'AN', ?, ?)`,
			[]any{w.coordANID, now}},
		{"lab modules", `INSERT INTO lab_modules (lab_id, name, created_at) ` + series + `SELECT l.id, 'Module ' || CAST(x AS TEXT), ? FROM g, labs l`,
			[]any{3, now}},
	}
	// Sessions: two a day over this week and the next, morning and afternoon.
	for d := range 14 {
		for _, h := range []int{9, 15} {
			at := time.Date(monday.Year(), monday.Month(), monday.Day()+d, h, 0, 0, 0, time.UTC)
			steps = append(steps, struct {
				what string
				sql  string
				args []any
			}{"lab sessions", `INSERT INTO lab_sessions (module_id, territory, starts_at, ends_at, place, capacity, created_by, created_at, updated_at)
SELECT MIN(id) + ?, 'AN', ?, ?, 'Via Bench 1, Ancona', 30, ?, ?, ? FROM lab_modules`, []any{d % 3, at, at.Add(2 * time.Hour), w.coordANID, now, now}})
		}
	}
	steps = append(steps, []struct {
		what string
		sql  string
		args []any
	}{
		{"enrolments", `INSERT INTO enrolments (session_id, beneficiary_id, enrolled_at, enrolled_by, rsvp)
SELECT s.id, b.id, ?, ?, CASE b.id % 4 WHEN 0 THEN 'no' WHEN 1 THEN NULL ELSE 'yes' END
FROM lab_sessions s JOIN beneficiaries b ON b.id > ? + (s.id % 40) * 25 AND b.id <= ? + (s.id % 40) * 25 + 25`,
			[]any{now, w.coordANID, first, first}},
		{"answers", `UPDATE enrolments SET rsvp_at = ? WHERE rsvp IS NOT NULL`, []any{now}},
		{"attendance", `UPDATE enrolments SET attendance = CASE beneficiary_id % 5 WHEN 0 THEN 'absent' ELSE 'present' END, attendance_at = ?, attendance_by = ?
WHERE session_id IN (SELECT id FROM lab_sessions WHERE starts_at < ?)`, []any{now, w.tutorID, now}},
		{"leads", `INSERT INTO leads (kind, territory, title, details, housing_type, rent_eur, shared, city, job_role, employer, contract, contact, status,
created_by, created_at) ` + series + `SELECT CASE x % 2 WHEN 0 THEN 'housing' ELSE 'job' END, 'AN', 'Lead ' || CAST(x AS TEXT),
'Near the station, ready from next month.', CASE WHEN x % 2 = 0 THEN 'room' END, CASE WHEN x % 2 = 0 THEN 300 + x % 200 END,
CASE WHEN x % 2 = 0 THEN FALSE END, 'Ancona', CASE WHEN x % 2 = 1 THEN 'Warehouse operator' END, CASE WHEN x % 2 = 1 THEN 'Logistica Srl' END,
CASE WHEN x % 2 = 1 THEN 'fixed term' END, '071 000000', CASE WHEN x % 3 = 0 THEN 'closed' ELSE 'open' END, ?, ? FROM g`,
			[]any{400, w.coordANID, now}},
		{"closed leads", `UPDATE leads SET closed_at = ? WHERE status = 'closed'`, []any{now}},
		{"lead interests", `INSERT INTO lead_interests (lead_id, beneficiary_id, created_at)
SELECT l.id, b.id, ? FROM leads l JOIN beneficiaries b ON b.id > ? + (l.id % 100) * 20 AND b.id <= ? + (l.id % 100) * 20 + 20`,
			[]any{now, first, first}},
		{"alerts", `INSERT INTO alerts (staff_id, beneficiary_id, kind, created_at) ` + series +
			`SELECT ?, ? + 1 + x % ?, CASE x % 3 WHEN 0 THEN 'step_overdue' WHEN 1 THEN 'inactive' ELSE 'step_help' END, ? FROM g`,
			[]any{2 * w.caseload, w.tutorID, first, max(w.caseload, 1), now.AddDate(0, 0, -3)}},
		{"handled alerts", `UPDATE alerts SET handled_at = ?, handled_by = ? WHERE id % 20 <> 0`, []any{now.AddDate(0, 0, -2), w.tutorID}},
		{"audit log", `INSERT INTO audit_log (at, actor_kind, actor_id, action, target_kind, target_id, outcome) ` + series +
			`SELECT ?, 'staff', ? + (x % 2) * ?, CASE x % 3 WHEN 0 THEN 'step status' WHEN 1 THEN 'case close' ELSE 'lead save' END,
CASE x % 3 WHEN 0 THEN 'plan_step' WHEN 1 THEN 'beneficiary' ELSE 'lead' END,
CAST(CASE x % 3 WHEN 0 THEN 1 + x % ? WHEN 1 THEN 1 + x % ? ELSE 1 + x % 400 END AS TEXT), CASE WHEN x % 50 = 0 THEN 'denied' ELSE 'ok' END FROM g`,
			[]any{audit, now.AddDate(0, 0, -5), w.tutorID, w.coordANID - w.tutorID, max(w.steps, 1), people}},
	}...)
	for _, s := range steps {
		if s.what == "audit log" && audit == 0 || s.what == "outcomes" && outcomes == 0 || s.what == "alerts" && w.caseload == 0 {
			continue
		}
		if _, err := db.Exec(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("seed %s: %w", s.what, err)
		}
	}
	h := &w.history
	for _, c := range []struct {
		n     *int
		query string
	}{
		{&h.outcomes, `SELECT COUNT(*) FROM outcomes`}, {&h.caseEvents, `SELECT COUNT(*) FROM case_events`},
		{&h.closed, `SELECT COUNT(*) FROM beneficiaries WHERE status = 'closed'`},
		{&h.rounds, `SELECT COUNT(*) FROM assessment_rounds`}, {&h.answers, `SELECT COUNT(*) FROM assessment_answers`},
		{&h.sessions, `SELECT COUNT(*) FROM lab_sessions`}, {&h.enrolments, `SELECT COUNT(*) FROM enrolments`},
		{&h.leads, `SELECT COUNT(*) FROM leads`}, {&h.interests, `SELECT COUNT(*) FROM lead_interests`},
		{&h.alertsOpen, `SELECT COUNT(*) FROM alerts WHERE handled_at IS NULL`},
		{&h.alertsHandled, `SELECT COUNT(*) FROM alerts WHERE handled_at IS NOT NULL`}, {&h.audit, `SELECT COUNT(*) FROM audit_log`},
	} {
		if err := db.Get(ctx, c.n, c.query); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	// The session of today (or the week's first), an open lead with interests, and the person
	// whose plan is timed.
	if err := db.Get(ctx, &h.sessionID, `SELECT COALESCE(MAX(s.id), 0) FROM lab_sessions s WHERE s.starts_at < ?`, now); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if h.sessionID == 0 {
		if err := db.Get(ctx, &h.sessionID, `SELECT MIN(id) FROM lab_sessions`); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	if err := db.Get(ctx, &h.leadID, `SELECT MIN(id) FROM leads WHERE status = 'open'`); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if err := db.Get(ctx, &h.personCode, `SELECT code FROM beneficiaries WHERE id = ?`, keepOpen); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return nil
}
