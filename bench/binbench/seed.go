package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// chatBase is added to a beneficiary's id to make their Telegram user and chat id.
const chatBase = 700_000_000

// The staff's Telegram chats (below every beneficiary's): a tutor who follows a caseload and a
// coordinator of every territory, for the scale timings.
const (
	tutorChat = chatBase - 1
	coordChat = chatBase - 2
)

// world is what the scale timings need to know of the seeded database.
type world struct {
	caseload    int   // the tutor's beneficiaries
	beneficiary int64 // the chat of one of them (their plan is opened)
	steps       int   // plan steps in all
	consenting  int   // people who consent to research (the export's rows)
	// The staff, by role: the tutor, the coordinator of every territory, the coordinator of
	// AN (where everyone lives) and an admin (the desk's timings sign in as three of them).
	tutorID, coordID, coordANID, adminID int64
	history                              history // what seedHistory wrote
}

// seed fills a migrated database with what a running project holds: people enrolled and
// consenting (each with a Telegram identity), and a history of delivered messages and handled
// updates. Rows are written in a few INSERT ... SELECT statements over a generated series, the
// same SQL on both dialects. The history is dated within MESSAGE_RETENTION's default (30 days),
// so the purge keeps it: it is what a busy month leaves behind.
//
// For the scale timings it adds stepsEach plan steps to every person (a third done, some
// overdue), a tutor who follows caseload of them, a coordinator of every territory (each
// staff member with a Telegram identity), and research consent for six people in ten; then
// the case figures' rows and the desk's records (seedHistory).
func seed(ctx context.Context, db *storage.DB, o options) (world, error) {
	people, history := o.people, o.history
	now := time.Now().UTC()
	series := `WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < ?) `
	steps := []struct {
		what string
		sql  string
		args []any
	}{
		{"beneficiaries", `INSERT INTO beneficiaries (code, display_name, territory, lang, status, consent_service_at, onboarded_at,
last_inbound_at, created_at) ` + series + `SELECT 'BENCH-' || CAST(x AS TEXT), 'Person ' || CAST(x AS TEXT), 'AN', 'en', 'active', ?, ?, ?, ? FROM g`,
			[]any{people, now.Add(-40 * 24 * time.Hour), now.Add(-40 * 24 * time.Hour), now.Add(-24 * time.Hour), now.Add(-40 * 24 * time.Hour)}},
		{"identities", `INSERT INTO identities (channel, external_id, chat_id, beneficiary_id, last_inbound_at, created_at)
SELECT 'telegram', CAST(b.id + ` + strconv.Itoa(chatBase) + ` AS TEXT), CAST(b.id + ` + strconv.Itoa(chatBase) + ` AS TEXT), b.id, ?, ? FROM beneficiaries b`,
			[]any{now.Add(-24 * time.Hour), now.Add(-40 * 24 * time.Hour)}},
	}
	// The delivered history: history messages over the people's chats, in 10 days' batches.
	const days = 20
	for d := range days {
		n := history / days
		at := now.Add(-time.Duration(days-d) * 24 * time.Hour)
		steps = append(steps, struct {
			what string
			sql  string
			args []any
		}{fmt.Sprintf("outbox history, day %d", d+1), `INSERT INTO outbox (identity_id, channel, chat_id, chat_key, priority, kind, payload, status,
attempts, next_attempt_at, provider_id, created_at, sent_at) ` + series + `SELECT i.id, 'telegram', i.chat_id, 'telegram:' || i.chat_id, 0, 'reply',
'{"text":"A reply of ordinary length, as people get them: your appointment is confirmed."}', 'sent', 1, ?, CAST(x AS TEXT), ?, ?
FROM g JOIN identities i ON i.id = 1 + (x * 7 + ?) % ?`,
			[]any{n, at, at, at, d, people}})
		steps = append(steps, struct {
			what string
			sql  string
			args []any
		}{fmt.Sprintf("processed updates, day %d", d+1), `INSERT INTO processed_updates (channel, update_id, processed_at) ` + series +
			`SELECT 'telegram', 'h' || CAST(x + ? AS TEXT), ? FROM g`, []any{n, d * n, at}})
	}
	for _, s := range steps {
		if _, err := db.Exec(ctx, s.sql, s.args...); err != nil {
			return world{}, fmt.Errorf("seed %s: %w", s.what, err)
		}
	}
	w, err := seedStaff(ctx, db, now, people, o.stepsEach, o.caseload)
	if err != nil {
		return w, err
	}
	if err := seedHistory(ctx, db, &w, now, people, o.outcomes, o.audit); err != nil {
		return w, err
	}
	// The planner's statistics, as autovacuum (PostgreSQL) or a running service leaves them on
	// a database that has a history: without them it takes a caseload of thousands for a
	// handful of rows.
	if _, err := db.Exec(ctx, `ANALYZE`); err != nil {
		return w, fmt.Errorf("seed: analyze: %w", err)
	}
	return w, nil
}

// seedStaff adds the plans, the staff and their caseload, and research consent (see seed).
func seedStaff(ctx context.Context, db *storage.DB, now time.Time, people, stepsEach, caseload int) (world, error) {
	w := world{caseload: min(caseload, people-people/5), steps: people * stepsEach}
	first := people / 5 // the caseload: people first+1 .. first+caseload (not the closed loops' chats)
	w.beneficiary = chatBase + int64(first+w.caseload/2)
	ids := map[string]int64{}
	for _, s := range []storage.NewStaff{{DisplayName: "Bench tutor", Role: storage.RoleTutor, Territory: "AN", Lang: "en"},
		{DisplayName: "Bench coordinator", Role: storage.RoleCoordinator, Lang: "en"},
		{DisplayName: "Bench coordinator AN", Role: storage.RoleCoordinator, Territory: "AN", Lang: "en"},
		{DisplayName: "Bench admin", Role: storage.RoleAdmin, Lang: "en"}} {
		id, err := storage.CreateStaff(ctx, db, s, now)
		if err != nil {
			return w, err
		}
		ids[s.Role+s.Territory] = id
	}
	w.tutorID, w.coordID, w.coordANID, w.adminID = ids[storage.RoleTutor+"AN"], ids[storage.RoleCoordinator], ids[storage.RoleCoordinator+"AN"], ids[storage.RoleAdmin]
	series := `WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < ?) `
	for _, s := range []struct {
		what string
		sql  string
		args []any
	}{
		{"staff", `UPDATE staff SET status = 'active'`, nil},
		{"tutor's identity", `INSERT INTO identities (channel, external_id, chat_id, staff_id, last_inbound_at, created_at) VALUES ('telegram', ?, ?, ?, ?, ?)`,
			[]any{strconv.Itoa(tutorChat), strconv.Itoa(tutorChat), w.tutorID, now, now}},
		{"coordinator's identity", `INSERT INTO identities (channel, external_id, chat_id, staff_id, last_inbound_at, created_at) VALUES ('telegram', ?, ?, ?, ?, ?)`,
			[]any{strconv.Itoa(coordChat), strconv.Itoa(coordChat), w.coordID, now, now}},
		{"caseload", `UPDATE beneficiaries SET tutor_id = ? WHERE id > ? AND id <= ?`, []any{w.tutorID, first, first + w.caseload}},
		{"research consent", `UPDATE beneficiaries SET consent_research_at = consent_service_at WHERE id % 10 < 6`, nil},
		{"plan steps", `INSERT INTO plan_steps (beneficiary_id, position, area, title, due_date, status, created_at, updated_at) ` + series +
			`SELECT b.id, g.x, CASE g.x % 5 WHEN 0 THEN 'housing' WHEN 1 THEN 'work' WHEN 2 THEN 'psych' WHEN 3 THEN 'social' ELSE 'documents' END,
'Step ' || CAST(g.x AS TEXT), CASE WHEN g.x % 4 = 0 THEN ? WHEN g.x % 4 = 1 THEN ? END,
CASE WHEN g.x % 3 = 0 THEN 'done' WHEN g.x % 7 = 0 THEN 'blocked' ELSE 'todo' END, ?, ?
FROM beneficiaries b, g`, []any{stepsEach, civilDate(now.AddDate(0, 0, -10)), civilDate(now.AddDate(0, 1, 0)), now, now}},
	} {
		if s.what == "plan steps" && stepsEach == 0 {
			continue
		}
		if _, err := db.Exec(ctx, s.sql, s.args...); err != nil {
			return w, fmt.Errorf("seed %s: %w", s.what, err)
		}
	}
	if err := db.Get(ctx, &w.consenting, `SELECT COUNT(*) FROM beneficiaries WHERE consent_research_at IS NOT NULL`); err != nil {
		return w, fmt.Errorf("seed: %w", err)
	}
	return w, nil
}

func civilDate(t time.Time) string { return t.Format("2006-01-02") }

// chatIDs is the first n seeded people's Telegram chat ids.
func chatIDs(n int) []int64 { return chatRange(0, n) }

// chatRange is the Telegram chat ids of n seeded people from the first-th (from 0).
func chatRange(first, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = chatBase + int64(first+i) + 1
	}
	return out
}

// enqueueBroadcast queues one bulk message to each of the people chats names (seeded, from
// first on), as a confirmed broadcast leaves them, for the pacing run.
func enqueueBroadcast(ctx context.Context, db *storage.DB, first int, chats []int64) error {
	payload, err := bot.Outgoing{Text: "📢 Laboratorio domani alle 10"}.Encode()
	if err != nil {
		return err
	}
	now := time.Now()
	return db.InTx(ctx, func(tx *storage.Tx) error {
		for i, chat := range chats {
			if _, err := storage.Enqueue(ctx, tx, storage.NewOutboxMessage{IdentityID: int64(first + i + 1), Channel: bot.Telegram,
				ChatID: strconv.FormatInt(chat, 10), Priority: storage.PriorityBulk, Kind: "broadcast", Payload: payload}, now); err != nil {
				return err
			}
		}
		return nil
	})
}
