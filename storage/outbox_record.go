package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Outcome results: what became of a claimed message.
const (
	OutcomeSent     = "sent"     // delivered (ProviderID: the platform's id)
	OutcomeFailed   = "failed"   // ended without delivery (Reason)
	OutcomeRetry    = "retry"    // tried and failed for now: again at Next, counted as an attempt
	OutcomeDeferred = "deferred" // not tried (a rate limit, a pause): again at Next, not counted
	OutcomeHeld     = "held"     // not tried: the chat waits until its person writes again
)

// Outcome is what became of one claimed message.
type Outcome struct {
	ID         int64
	Result     string
	ProviderID string
	Reason     string
	Next       time.Time
	// Journaled marks an outcome recorded late (the database was unreachable when it
	// happened): it is recorded even after the lease ran out, unless another sender holds the
	// message now (that sender finds the outcome in the journal before sending).
	Journaled bool
}

// Recorded says which outcomes were recorded (the others were no longer the owner's) and
// which chats' heads ended (AdvanceHeads moves them on).
type Recorded struct {
	Recorded map[int64]bool
	Ended    []string
}

type recordedRow struct {
	ID      int64  `db:"id"`
	ChatKey string `db:"chat_key"`
}

// RecordOutcomes records outcomes of messages claimed by owner, delivered and failed ones each in
// one statement. It does not move the chats' heads past ended messages: AdvanceHeads does, in
// the same transaction, after any hooks that fail more messages.
func RecordOutcomes(ctx context.Context, q Queryer, owner string, outs []Outcome, now time.Time) (Recorded, error) {
	rec := Recorded{Recorded: map[int64]bool{}}
	ended := map[string]bool{}
	add := func(rows []recordedRow, end bool) {
		for _, r := range rows {
			rec.Recorded[r.ID] = true
			if end && !ended[r.ChatKey] {
				ended[r.ChatKey] = true
				rec.Ended = append(rec.Ended, r.ChatKey)
			}
		}
	}
	var sent, failed []Outcome
	for _, o := range outs {
		switch {
		case o.Result == OutcomeSent && !o.Journaled:
			sent = append(sent, o)
		case o.Result == OutcomeFailed && !o.Journaled:
			failed = append(failed, o)
		default:
			rows, err := recordAlone(ctx, q, owner, o, now)
			if err != nil {
				return rec, err
			}
			add(rows, o.Result == OutcomeSent || o.Result == OutcomeFailed)
		}
	}
	if len(sent) > 0 {
		rows, err := recordMany(ctx, q, owner, sent, `status = 'sent', sent_at = ?, payload = '', last_error = NULL, provider_id = `, now,
			func(o Outcome) any { return nullString(o.ProviderID) })
		if err != nil {
			return rec, err
		}
		add(rows, true)
	}
	if len(failed) > 0 {
		rows, err := recordMany(ctx, q, owner, failed, `status = 'failed', sent_at = NULL, payload = '', last_error = `, nil,
			func(o Outcome) any { return o.Reason })
		if err != nil {
			return rec, err
		}
		add(rows, true)
	}
	return rec, nil
}

// recordMany ends messages in one statement: set names the status and the columns, ending with
// the column whose value differs per message (value gives it).
func recordMany(ctx context.Context, q Queryer, owner string, outs []Outcome, set string, at any, value func(Outcome) any) ([]recordedRow, error) {
	var b strings.Builder
	var args []any
	b.WriteString(`UPDATE outbox SET ` + set + `CASE id`)
	if at != nil {
		args = append(args, at)
	}
	ids := make([]any, 0, len(outs))
	for _, o := range outs {
		b.WriteString(` WHEN ? THEN ?`)
		args = append(args, o.ID, value(o))
		ids = append(ids, o.ID)
	}
	b.WriteString(` END, lease_owner = NULL, lease_until = NULL WHERE id IN (` + placeholders(len(ids)) + `) AND status = 'sending' AND lease_owner = ?
RETURNING id, chat_key`)
	args = append(append(args, ids...), owner)
	var rows []recordedRow
	if err := q.Select(ctx, &rows, b.String(), args...); err != nil {
		return nil, fmt.Errorf("record outcomes: %w", err)
	}
	return rows, nil
}

// recordAlone records one outcome of any kind; a message put back in line keeps its head.
func recordAlone(ctx context.Context, q Queryer, owner string, o Outcome, now time.Time) ([]recordedRow, error) {
	own, ownArgs := `status = 'sending' AND lease_owner = ?`, []any{owner}
	if o.Journaled {
		own = `status IN ('sending', 'pending') AND (lease_owner = ? OR lease_owner IS NULL OR lease_until < ?)`
		ownArgs = append(ownArgs, now)
	}
	var set string
	var args []any
	switch o.Result {
	case OutcomeSent:
		set, args = `status = 'sent', sent_at = ?, payload = '', last_error = NULL, provider_id = ?`, []any{now, nullString(o.ProviderID)}
	case OutcomeFailed:
		set, args = `status = 'failed', sent_at = NULL, payload = '', last_error = ?`, []any{o.Reason}
	case OutcomeRetry:
		set, args = `status = 'pending', next_attempt_at = ?, last_error = ?`, []any{o.Next, o.Reason}
	case OutcomeDeferred, OutcomeHeld:
		next := o.Next
		if o.Result == OutcomeHeld {
			next = now
		}
		set, args = `status = 'pending', next_attempt_at = ?, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END`, []any{next}
	default:
		return nil, fmt.Errorf("record outcome: unknown result %q", o.Result)
	}
	var rows []recordedRow
	if err := q.Select(ctx, &rows, `UPDATE outbox SET `+set+`, lease_owner = NULL, lease_until = NULL WHERE id = ? AND `+own+`
RETURNING id, chat_key`, append(append(args, o.ID), ownArgs...)...); err != nil {
		return nil, fmt.Errorf("record outcome: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	switch o.Result {
	case OutcomeRetry, OutcomeDeferred:
		// Back in line at its time: claims wake it then.
		if _, err := q.Exec(ctx, `UPDATE outbox_heads SET ready_at = NULL, wake_at = CASE WHEN held THEN NULL ELSE `+tsParam(q)+` END, lease_owner = NULL
WHERE outbox_id = ?`, o.Next, o.ID); err != nil {
			return nil, fmt.Errorf("record outcome: chat head: %w", err)
		}
	case OutcomeHeld:
		if _, err := q.Exec(ctx, `UPDATE outbox_heads SET held = TRUE, ready_at = NULL, wake_at = NULL, lease_owner = NULL
WHERE outbox_id = ?`, o.ID); err != nil {
			return nil, fmt.Errorf("record outcome: hold chat: %w", err)
		}
	}
	return rows, nil
}

// AdvanceHeads moves the heads of chats whose head message ended (sent, failed, dropped) to
// the chat's next undelivered message, or removes them when there is none. Heads of other
// chats are left alone. It reads only from each head's floor on, never the chat's history.
//
// On PostgreSQL a head is locked before the next message is looked for, so a message whose
// enqueuer holds the head (until it commits) is seen. With wait false, heads locked by
// someone else are skipped and returned: the caller moves them on in a transaction of their
// own (waiting for one lock while holding others could deadlock with an enqueuer). A next
// message due by now is ready at once; with a zero now it waits for its due time.
func AdvanceHeads(ctx context.Context, q Queryer, chats []string, now time.Time, wait bool) (skipped []string, err error) {
	if len(chats) == 0 {
		return nil, nil
	}
	args := make([]any, len(chats))
	for i, c := range chats {
		args[i] = c
	}
	lock := ""
	if q.Dialect() == Postgres {
		lock = " FOR UPDATE"
		if !wait {
			lock += " SKIP LOCKED"
		}
	}
	var heads []struct {
		ChatKey string `db:"chat_key"`
		Held    bool   `db:"held"`
	}
	if err := q.Select(ctx, &heads, `SELECT chat_key, held FROM outbox_heads WHERE chat_key IN (`+placeholders(len(chats))+`)
AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = outbox_heads.outbox_id AND o.status IN ('pending', 'sending'))
ORDER BY chat_key`+lock, args...); err != nil {
		return nil, fmt.Errorf("lock chat heads: %w", err)
	}
	if !wait && q.Dialect() == Postgres {
		locked := map[string]bool{}
		for _, h := range heads {
			locked[h.ChatKey] = true
		}
		for _, c := range chats {
			if !locked[c] {
				skipped = append(skipped, c)
			}
		}
	}
	if len(heads) == 0 {
		return skipped, nil
	}
	keys := make([]any, len(heads))
	held := map[string]bool{}
	for i, h := range heads {
		keys[i] = h.ChatKey
		held[h.ChatKey] = h.Held
	}
	// A statement after the lock: it sees every message committed before the lock was taken.
	var next []struct {
		ChatKey  string    `db:"chat_key"`
		ID       int64     `db:"id"`
		Priority int       `db:"priority"`
		Due      time.Time `db:"next_attempt_at"`
	}
	if err := q.Select(ctx, &next, `SELECT o.chat_key, o.id, o.priority, o.next_attempt_at FROM outbox o WHERE o.id IN (
	SELECT (SELECT p.id FROM outbox p WHERE p.chat_key = h.chat_key AND p.status IN ('pending', 'sending') AND p.id >= h.floor_id ORDER BY p.id LIMIT 1)
	FROM outbox_heads h WHERE h.chat_key IN (`+placeholders(len(keys))+`))`, keys...); err != nil {
		return nil, fmt.Errorf("next messages: %w", err)
	}
	has := map[string]bool{}
	if len(next) > 0 {
		ready, readyArgs := readyNow(q)
		var ids, floors, prios, readies, wakes strings.Builder
		var idArgs, prioArgs, readyAll, wakeArgs, in []any
		for _, n := range next {
			has[n.ChatKey] = true
			ids.WriteString(` WHEN ? THEN CAST(? AS BIGINT)`)
			idArgs = append(idArgs, n.ChatKey, n.ID)
			prios.WriteString(` WHEN ? THEN CAST(? AS INTEGER)`)
			prioArgs = append(prioArgs, n.ChatKey, n.Priority)
			isReady := !held[n.ChatKey] && !now.IsZero() && !n.Due.After(now)
			waits := !held[n.ChatKey] && !isReady
			readies.WriteString(` WHEN ? THEN CASE WHEN ? THEN ` + ready + ` ELSE NULL END`)
			readyAll = append(append(readyAll, n.ChatKey, isReady), readyArgs...)
			wakes.WriteString(` WHEN ? THEN ` + tsParam(q))
			wakeArgs = append(wakeArgs, n.ChatKey, sql.NullTime{Time: n.Due, Valid: waits})
			in = append(in, n.ChatKey)
		}
		floors.WriteString(ids.String())
		var all []any
		all = append(all, idArgs...)
		all = append(all, idArgs...)
		all = append(all, prioArgs...)
		all = append(all, readyAll...)
		all = append(all, wakeArgs...)
		all = append(all, in...)
		if _, err := q.Exec(ctx, `UPDATE outbox_heads SET outbox_id = CASE chat_key`+ids.String()+` END, floor_id = CASE chat_key`+floors.String()+
			` END, priority = CASE chat_key`+prios.String()+` END, ready_at = CASE chat_key`+readies.String()+
			` END, wake_at = CASE chat_key`+wakes.String()+` END, lease_owner = NULL WHERE chat_key IN (`+placeholders(len(in))+`)`, all...); err != nil {
			return nil, fmt.Errorf("move chat heads: %w", err)
		}
	}
	var gone []any
	for _, h := range heads {
		if !has[h.ChatKey] {
			gone = append(gone, h.ChatKey)
		}
	}
	if len(gone) > 0 {
		if _, err := q.Exec(ctx, `DELETE FROM outbox_heads WHERE chat_key IN (`+placeholders(len(gone))+`)`, gone...); err != nil {
			return nil, fmt.Errorf("end chat heads: %w", err)
		}
	}
	return skipped, nil
}

// ReleaseHeld makes a held chat's messages ready again (the person wrote): true if it was held.
func ReleaseHeld(ctx context.Context, q Queryer, chatKey string) (bool, error) {
	ready, readyArgs := readyNow(q)
	n, err := execCount(ctx, q, `UPDATE outbox_heads SET held = FALSE, ready_at = `+ready+`, wake_at = NULL
WHERE chat_key = ? AND held`, append(readyArgs, chatKey)...)
	if err != nil {
		return false, fmt.Errorf("release held messages: %w", err)
	}
	return n > 0, nil
}

// tsParam is a time parameter where PostgreSQL cannot infer its type (in a CASE).
func tsParam(q Queryer) string {
	if q.Dialect() == Postgres {
		return "CAST(? AS TIMESTAMPTZ)"
	}
	return "?"
}
