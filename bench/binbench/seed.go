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

// seed fills a migrated database with what a running project holds: people enrolled and
// consenting (each with a Telegram identity), and a history of delivered messages and handled
// updates. Rows are written in a few INSERT ... SELECT statements over a generated series, the
// same SQL on both dialects. The history is dated within MESSAGE_RETENTION's default (30 days),
// so the purge keeps it: it is what a busy month leaves behind.
func seed(ctx context.Context, db *storage.DB, people, history int) error {
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
			return fmt.Errorf("seed %s: %w", s.what, err)
		}
	}
	return nil
}

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
