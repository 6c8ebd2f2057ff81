package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Outbox priorities: conversation traffic goes before bulk traffic.
const (
	PriorityInteractive = 0
	PriorityBulk        = 1
)

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSending = "sending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// Outbox kinds with a meaning for delivery: relays (a beneficiary's text passed on to their
// tutor) waiting together for one chat go as one message.
const KindRelay = "relay"

// OutboxMessage is a message owed to someone, written in the transaction of the change that
// caused it and delivered by a sender after commit. Payload is the JSON of a bot.Outgoing.
type OutboxMessage struct {
	ID            int64          `db:"id"`
	IdentityID    sql.NullInt64  `db:"identity_id"`
	Channel       string         `db:"channel"`
	ChatID        string         `db:"chat_id"`
	ChatKey       string         `db:"chat_key"`
	Priority      int            `db:"priority"`
	Kind          string         `db:"kind"`
	Payload       string         `db:"payload"`
	Status        string         `db:"status"`
	Attempts      int            `db:"attempts"`
	NextAttemptAt time.Time      `db:"next_attempt_at"`
	LeaseOwner    sql.NullString `db:"lease_owner"`
	LeaseUntil    sql.NullTime   `db:"lease_until"`
	LastError     sql.NullString `db:"last_error"`
	ProviderID    sql.NullString `db:"provider_id"`
	BroadcastID   sql.NullInt64  `db:"broadcast_id"`
	CreatedAt     time.Time      `db:"created_at"`
	SentAt        sql.NullTime   `db:"sent_at"`
	ExpiresAt     sql.NullTime   `db:"expires_at"`
	// LastInboundAt is when the recipient's identity last wrote, read with the claim so the
	// delivery needs no other read (WhatsApp's 24-hour window starts there).
	LastInboundAt sql.NullTime `db:"last_inbound_at"`
}

// NewOutboxMessage describes a message to enqueue.
type NewOutboxMessage struct {
	IdentityID  int64 // 0 for a chat not linked to anyone yet (onboarding)
	Channel     string
	ChatID      string
	Priority    int
	Kind        string // reply, alert, relay, notice, reminder, broadcast
	Payload     string
	BroadcastID int64
	NotBefore   time.Time // zero: now
	ExpiresAt   time.Time // zero: never; past it the message is dropped, not sent late
}

const outboxColumns = `id, identity_id, channel, chat_id, chat_key, priority, kind, payload, status, attempts,
next_attempt_at, lease_owner, lease_until, last_error, provider_id, broadcast_id, created_at, sent_at, expires_at`

const insertOutbox = `INSERT INTO outbox (identity_id, channel, chat_id, chat_key, priority, kind, payload, status, attempts,
next_attempt_at, broadcast_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?) RETURNING id`

// Enqueue writes a message to the outbox and returns its id. Messages of one chat are
// delivered in id order, one at a time: the first undelivered one is the chat's head.
func Enqueue(ctx context.Context, q Queryer, m NewOutboxMessage, now time.Time) (int64, error) {
	due := m.NotBefore
	if due.IsZero() || due.Before(now) {
		due = now
	}
	key := ChatKey(m.Channel, m.ChatID)
	var id int64
	if err := q.Get(ctx, &id, insertOutbox, nullInt(m.IdentityID), m.Channel, m.ChatID, key,
		m.Priority, m.Kind, m.Payload, due, nullInt(m.BroadcastID), now, nullTime(m.ExpiresAt)); err != nil {
		return 0, fmt.Errorf("enqueue: %w", err)
	}
	if err := joinQueue(ctx, q, key, m.Channel, m.Priority, id, due, now); err != nil {
		return 0, fmt.Errorf("enqueue: %w", err)
	}
	return id, nil
}

// ChatKey names a chat across channels; messages with the same key are sent in order.
func ChatKey(channel, chatID string) string { return channel + ":" + chatID }

// readyNow is the SQL value of a head's ready_at when it becomes ready: the database's clock on
// PostgreSQL (claims compare it with floors of the same clock, so no replica's clock matters),
// the program's on SQLite (one writer: ready_at only orders the heads).
func readyNow(q Queryer) (string, []any) {
	if q.Dialect() == Postgres {
		return "clock_timestamp()", nil
	}
	return "?", []any{time.Now().UTC()}
}

// joinQueue makes message id reachable from its chat's head: the new head of an idle chat, or
// a message behind the head. Concurrent enqueuers share a key-share lock on the head, which
// the sender that ends the head waits for before it looks for the next message: a message
// committed meanwhile is never left without a head.
func joinQueue(ctx context.Context, q Queryer, key, channel string, priority int, id int64, due, now time.Time) error {
	ready, readyArgs := readyNow(q)
	insert := `INSERT INTO outbox_heads (chat_key, channel, priority, outbox_id, floor_id, ready_at, wake_at) VALUES (?, ?, ?, ?, ?, ` +
		`CASE WHEN ? THEN ` + ready + ` ELSE NULL END, ?) ON CONFLICT (chat_key) DO NOTHING`
	isReady := !due.After(now)
	wake := sql.NullTime{Time: due, Valid: !isReady}
	lock := ""
	if q.Dialect() == Postgres {
		lock = " FOR KEY SHARE"
	}
	for range 10 {
		args := append([]any{key, channel, priority, id, id, isReady}, readyArgs...)
		n, err := execCount(ctx, q, insert, append(args, wake)...)
		if err != nil {
			return err
		}
		if n == 1 {
			return nil
		}
		var h struct {
			OutboxID   int64          `db:"outbox_id"`
			FloorID    int64          `db:"floor_id"`
			LeaseOwner sql.NullString `db:"lease_owner"`
			Held       bool           `db:"held"`
		}
		err = q.Get(ctx, &h, `SELECT outbox_id, floor_id, lease_owner, held FROM outbox_heads WHERE chat_key = ?`+lock, key)
		if errors.Is(err, ErrNotFound) {
			continue // the head was ended meanwhile: become it
		}
		if err != nil {
			return fmt.Errorf("chat head: %w", err)
		}
		if id > h.OutboxID {
			return nil // behind the head: its sender finds it when the head ends
		}
		// Written before the head but committed after it (concurrent transactions): it goes
		// first if the head is not in flight, else right after it.
		if h.LeaseOwner.Valid || h.Held {
			_, err := q.Exec(ctx, `UPDATE outbox_heads SET floor_id = ? WHERE chat_key = ? AND floor_id > ?`, id, key, id)
			return err
		}
		args = append([]any{id, id, priority, isReady}, readyArgs...)
		return execOne(ctx, q, `UPDATE outbox_heads SET outbox_id = ?, floor_id = ?, priority = ?, ready_at = CASE WHEN ? THEN `+ready+
			` ELSE NULL END, wake_at = ? WHERE chat_key = ?`, append(args, wake, key)...)
	}
	return fmt.Errorf("chat head of %d: changing too fast", id)
}

// OutboxByID finds an outbox message.
func OutboxByID(ctx context.Context, q Queryer, id int64) (OutboxMessage, error) {
	var m OutboxMessage
	if err := q.Get(ctx, &m, `SELECT `+outboxColumns+` FROM outbox WHERE id = ?`, id); err != nil {
		return m, fmt.Errorf("outbox %d: %w", id, err)
	}
	return m, nil
}

// MarkSent records a delivered message. Its payload is cleared: what was said is not kept
// longer than needed to say it.
func MarkSent(ctx context.Context, q Queryer, id int64, owner, providerID string, now time.Time) error {
	return recordOne(ctx, q, owner, Outcome{ID: id, Result: OutcomeSent, ProviderID: providerID}, now)
}

// MarkRetry puts a message back in line for another attempt at next.
func MarkRetry(ctx context.Context, q Queryer, id int64, owner, reason string, next time.Time) error {
	return recordOne(ctx, q, owner, Outcome{ID: id, Result: OutcomeRetry, Reason: reason, Next: next}, time.Time{})
}

// MarkFailed ends a message that cannot be delivered, with its reason.
func MarkFailed(ctx context.Context, q Queryer, id int64, owner, reason string, now time.Time) error {
	return recordOne(ctx, q, owner, Outcome{ID: id, Result: OutcomeFailed, Reason: reason}, now)
}

// MarkDeferred puts a claimed message back in line until next without counting the claim as an
// attempt: it was held back by a rate limit or a pause, not tried.
func MarkDeferred(ctx context.Context, q Queryer, id int64, owner string, next time.Time) error {
	return recordOne(ctx, q, owner, Outcome{ID: id, Result: OutcomeDeferred, Next: next}, time.Time{})
}

// recordOne records one outcome and moves its chat's head, in q's transaction or a new one.
func recordOne(ctx context.Context, q Queryer, owner string, o Outcome, now time.Time) error {
	run := func(tx Queryer) error {
		rec, err := RecordOutcomes(ctx, tx, owner, []Outcome{o}, now)
		if err != nil {
			return err
		}
		if len(rec.Recorded) == 0 {
			return ErrNotFound
		}
		_, err = AdvanceHeads(ctx, tx, rec.Ended, now, true)
		return err
	}
	if db, ok := q.(*DB); ok {
		return db.InTx(ctx, func(tx *Tx) error { return run(tx) })
	}
	return run(q)
}

// Messages to an identity are in its chat, at or after the chat head's floor: the queries below
// read only the chat's undelivered messages, never its history.
const identityUndelivered = `chat_key = (SELECT i.channel || ':' || i.chat_id FROM identities i WHERE i.id = ?)
AND id >= (SELECT h.floor_id FROM outbox_heads h WHERE h.chat_key = (SELECT i.channel || ':' || i.chat_id FROM identities i WHERE i.id = ?))
AND identity_id = ? AND status IN ('pending', 'sending')`

// FailPendingForIdentity fails every undelivered message to an identity (it became unreachable)
// and moves the head of its chat on.
func FailPendingForIdentity(ctx context.Context, q Queryer, identityID int64, reason string) (int64, error) {
	var chats []string
	if err := q.Select(ctx, &chats, `UPDATE outbox SET status = 'failed', last_error = ?, payload = '', lease_owner = NULL, lease_until = NULL
WHERE `+identityUndelivered+` RETURNING chat_key`, reason, identityID, identityID, identityID); err != nil {
		return 0, fmt.Errorf("fail pending messages: %w", err)
	}
	if len(chats) > 0 {
		if _, err := AdvanceHeads(ctx, q, chats[:1], time.Time{}, true); err != nil {
			return 0, err
		}
	}
	return int64(len(chats)), nil
}

// OutboxDepth counts undelivered messages per channel and priority.
type OutboxDepth struct {
	Channel  string `db:"channel"`
	Priority int    `db:"priority"`
	N        int    `db:"n"`
}

// OutboxDepths counts undelivered messages per channel and priority, from the chats' heads
// (each chat's undelivered messages are at or after its head's floor).
func OutboxDepths(ctx context.Context, q Queryer) ([]OutboxDepth, error) {
	var out []OutboxDepth
	if err := q.Select(ctx, &out, `SELECT o.channel, o.priority, COUNT(*) AS n FROM outbox_heads h
JOIN outbox o ON o.chat_key = h.chat_key AND o.status IN ('pending', 'sending') AND o.id >= h.floor_id
GROUP BY o.channel, o.priority ORDER BY o.channel, o.priority`); err != nil {
		return nil, fmt.Errorf("outbox depth: %w", err)
	}
	return out, nil
}

// HeldCount is how many messages of a channel wait for their recipient to write again.
type HeldCount struct {
	Channel string `db:"channel"`
	N       int    `db:"n"`
}

// HeldCounts counts held messages per channel.
func HeldCounts(ctx context.Context, q Queryer) ([]HeldCount, error) {
	var out []HeldCount
	if err := q.Select(ctx, &out, `SELECT h.channel, COUNT(*) AS n FROM outbox_heads h
JOIN outbox o ON o.chat_key = h.chat_key AND o.status = 'pending' AND o.id >= h.floor_id
WHERE h.held GROUP BY h.channel ORDER BY h.channel`); err != nil {
		return nil, fmt.Errorf("held messages: %w", err)
	}
	return out, nil
}

// PendingBroadcastIDs lists the broadcasts with undelivered messages to an identity (before
// FailPendingForIdentity ends them, so their progress can be updated).
func PendingBroadcastIDs(ctx context.Context, q Queryer, identityID int64) ([]int64, error) {
	var out []int64
	if err := q.Select(ctx, &out, `SELECT DISTINCT broadcast_id FROM outbox WHERE `+identityUndelivered+`
AND broadcast_id IS NOT NULL ORDER BY broadcast_id`, identityID, identityID, identityID); err != nil {
		return nil, fmt.Errorf("pending broadcasts: %w", err)
	}
	return out, nil
}

// placeholders is "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
