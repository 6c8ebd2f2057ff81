package storage

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// PurgeBatch is how many rows one purge statement reads or removes.
const PurgeBatch = 500

// PurgeResult counts what a retention purge did.
type PurgeResult struct {
	Deleted    int64 // rows removed
	Anonymized int64 // broadcast messages kept for their broadcast's report, without who or what
	Expired    int64 // undelivered messages older than the retention, now dropped when claimed
}

// PurgeOutbox applies the retention of delivered messages: every outbox row written before
// `before` that is delivered or failed is removed; a broadcast's message keeps only its
// outcome (its report counts it) and loses its chat, recipient, platform id and text.
// Undelivered messages that old (held for a person who never wrote again) expire: the sender
// drops them, and the next purge removes them. It reads the outbox by id from where the last
// purge stopped, batch rows at a time, each batch its own transaction.
func PurgeOutbox(ctx context.Context, db *DB, before, now time.Time) (PurgeResult, error) {
	var res PurgeResult
	type row struct {
		ID          int64     `db:"id"`
		Status      string    `db:"status"`
		BroadcastID *int64    `db:"broadcast_id"`
		ChatKey     string    `db:"chat_key"`
		CreatedAt   time.Time `db:"created_at"`
		Head        bool      `db:"head"`
	}
	err := purgeByID(ctx, db, "outbox", func(tx *Tx, from int64) (int64, bool, int64, error) {
		var rows []row
		// A message still its chat's head (ended, the head not yet moved on) waits for the next purge.
		if err := tx.Select(ctx, &rows, `SELECT o.id, o.status, o.broadcast_id, o.chat_key, o.created_at,
EXISTS (SELECT 1 FROM outbox_heads h WHERE h.outbox_id = o.id) AS head FROM outbox o WHERE o.id >= ? ORDER BY o.id LIMIT ?`,
			from, PurgeBatch); err != nil {
			return 0, false, 0, err
		}
		var del, anon, stale []any
		next, pin, done := from, int64(0), len(rows) < PurgeBatch
		for _, r := range rows {
			if !r.CreatedAt.Before(before) {
				done = true
				break
			}
			next = r.ID + 1
			switch {
			case r.Head && (r.Status == OutboxSent || r.Status == OutboxFailed):
				if pin == 0 {
					pin = r.ID
				}
			case r.Status != OutboxSent && r.Status != OutboxFailed:
				stale = append(stale, r.ID)
				if pin == 0 {
					pin = r.ID
				}
			case r.BroadcastID != nil:
				if r.ChatKey != "" {
					anon = append(anon, r.ID)
				}
			default:
				del = append(del, r.ID)
			}
		}
		if len(del) > 0 {
			n, err := execCount(ctx, tx, `DELETE FROM outbox WHERE id IN (`+placeholders(len(del))+`)`, del...)
			if err != nil {
				return 0, false, 0, err
			}
			res.Deleted += n
		}
		if len(anon) > 0 {
			n, err := execCount(ctx, tx, `UPDATE outbox SET chat_id = '', chat_key = '', identity_id = NULL, provider_id = NULL, payload = ''
WHERE id IN (`+placeholders(len(anon))+`)`, anon...)
			if err != nil {
				return 0, false, 0, err
			}
			res.Anonymized += n
		}
		if len(stale) > 0 {
			n, err := expireStale(ctx, tx, stale, now)
			if err != nil {
				return 0, false, 0, err
			}
			res.Expired += n
		}
		return next, done, pin, nil
	})
	return res, err
}

// expireStale makes old undelivered messages expire now; a held chat whose head they are is
// released so its sender drops them (and holds the chat again for what follows).
func expireStale(ctx context.Context, tx *Tx, ids []any, now time.Time) (int64, error) {
	n, err := execCount(ctx, tx, `UPDATE outbox SET expires_at = ? WHERE id IN (`+placeholders(len(ids))+`) AND status = 'pending'
AND (expires_at IS NULL OR expires_at > ?)`, append(append([]any{now}, ids...), now)...)
	if err != nil {
		return 0, err
	}
	ready, readyArgs := readyNow(tx)
	if _, err := tx.Exec(ctx, `UPDATE outbox_heads SET held = FALSE, ready_at = `+ready+`, wake_at = NULL
WHERE outbox_id IN (`+placeholders(len(ids))+`) AND held`, append(readyArgs, ids...)...); err != nil {
		return 0, err
	}
	return n, nil
}

// PurgeWebchat applies the retention of the web chat's history: messages stored before
// `before` are removed, batch rows at a time from where the last purge stopped.
func PurgeWebchat(ctx context.Context, db *DB, before time.Time) (int64, error) {
	return purgeOlder(ctx, db, "webchat_messages", before)
}

// purgeOlder removes the rows of table (an id and a created_at column, ids growing with time)
// written before `before`, batch rows at a time from where the last purge of table stopped.
func purgeOlder(ctx context.Context, db *DB, table string, before time.Time) (int64, error) {
	var deleted int64
	err := purgeByID(ctx, db, table, func(tx *Tx, from int64) (int64, bool, int64, error) {
		var rows []struct {
			ID        int64     `db:"id"`
			CreatedAt time.Time `db:"created_at"`
		}
		if err := tx.Select(ctx, &rows, `SELECT id, created_at FROM `+table+` WHERE id >= ? ORDER BY id LIMIT ?`, from, PurgeBatch); err != nil {
			return 0, false, 0, err
		}
		next, done := from, len(rows) < PurgeBatch
		for _, r := range rows {
			if !r.CreatedAt.Before(before) {
				done = true
				break
			}
			next = r.ID + 1
		}
		if next > from {
			n, err := execCount(ctx, tx, `DELETE FROM `+table+` WHERE id >= ? AND id < ?`, from, next)
			if err != nil {
				return 0, false, 0, err
			}
			deleted += n
		}
		return next, done, 0, nil
	})
	return deleted, err
}

// purgeByID runs batch from the table's purge mark until it says it is done, each call in a
// transaction of its own, and keeps the mark: where the next purge starts (the first row a
// batch had to keep, or where the last batch stopped).
func purgeByID(ctx context.Context, db *DB, name string, batch func(tx *Tx, from int64) (next int64, done bool, pin int64, err error)) error {
	var from int64
	err := db.Get(ctx, &from, `SELECT next_id FROM purge_marks WHERE name = ?`, name)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("purge %s: %w", name, err)
	}
	mark := int64(0)
	for ctx.Err() == nil {
		var next, pin int64
		var done bool
		err := db.InTx(ctx, func(tx *Tx) error {
			var err error
			next, done, pin, err = batch(tx, from)
			return err
		})
		if err != nil {
			return fmt.Errorf("purge %s: %w", name, err)
		}
		if pin != 0 && mark == 0 {
			mark = pin
		}
		if done || next <= from {
			from = next
			break
		}
		from = next
	}
	if mark == 0 {
		mark = from
	}
	if _, err := db.Exec(ctx, `INSERT INTO purge_marks (name, next_id) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET next_id = excluded.next_id`,
		name, mark); err != nil {
		return fmt.Errorf("purge %s: keep mark: %w", name, err)
	}
	return ctx.Err()
}
