package storage

import (
	"context"
	"database/sql"
	"fmt"
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
}

// NewOutboxMessage describes a message to enqueue.
type NewOutboxMessage struct {
	IdentityID  int64 // 0 for a chat not linked to anyone yet (onboarding)
	Channel     string
	ChatID      string
	Priority    int
	Kind        string // reply, alert, notice, reminder, broadcast
	Payload     string
	BroadcastID int64
	NotBefore   time.Time // zero: now
}

const outboxColumns = `id, identity_id, channel, chat_id, chat_key, priority, kind, payload, status, attempts,
next_attempt_at, lease_owner, lease_until, last_error, provider_id, broadcast_id, created_at, sent_at`

const insertOutbox = `INSERT INTO outbox (identity_id, channel, chat_id, chat_key, priority, kind, payload, status, attempts,
next_attempt_at, broadcast_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?) RETURNING id`

// Enqueue writes a message to the outbox and returns its id. Messages of one chat are
// delivered in id order.
func Enqueue(ctx context.Context, q Queryer, m NewOutboxMessage, now time.Time) (int64, error) {
	due := m.NotBefore
	if due.IsZero() {
		due = now
	}
	var id int64
	if err := q.Get(ctx, &id, insertOutbox, nullInt(m.IdentityID), m.Channel, m.ChatID, ChatKey(m.Channel, m.ChatID),
		m.Priority, m.Kind, m.Payload, due, nullInt(m.BroadcastID), now); err != nil {
		return 0, fmt.Errorf("enqueue: %w", err)
	}
	return id, nil
}

// ChatKey names a chat across channels; messages with the same key are sent in order.
func ChatKey(channel, chatID string) string { return channel + ":" + chatID }

// OutboxByID finds an outbox message.
func OutboxByID(ctx context.Context, q Queryer, id int64) (OutboxMessage, error) {
	var m OutboxMessage
	if err := q.Get(ctx, &m, `SELECT `+outboxColumns+` FROM outbox WHERE id = ?`, id); err != nil {
		return m, fmt.Errorf("outbox %d: %w", id, err)
	}
	return m, nil
}

// claimOutbox takes due messages that are first in line for their chat: pending and due, or
// sending with an expired lease (a sender that died). PostgreSQL skips rows another sender is
// claiming; SQLite has one writer at a time.
const claimOutbox = `UPDATE outbox SET status = 'sending', lease_owner = ?, lease_until = ?, attempts = attempts + 1
WHERE id IN (
	SELECT o.id FROM outbox o
	WHERE o.priority = ? AND o.channel = ?
	AND ((o.status = 'pending' AND o.next_attempt_at <= ?) OR (o.status = 'sending' AND o.lease_until < ?))
	AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.chat_key = o.chat_key AND p.id < o.id
		AND (p.status = 'pending' OR (p.status = 'sending' AND p.lease_until >= ?)))
	ORDER BY o.id LIMIT ? %s)
RETURNING ` + outboxColumns

// ClaimOutbox leases up to limit due messages of one channel and priority to owner until
// now+lease. A message stays claimed by one sender; another sees it again only when the lease
// expires.
func ClaimOutbox(ctx context.Context, q Queryer, owner, channel string, priority, limit int, now time.Time, lease time.Duration) ([]OutboxMessage, error) {
	lock := ""
	if q.Dialect() == Postgres {
		lock = "FOR UPDATE SKIP LOCKED"
	}
	var out []OutboxMessage
	if err := q.Select(ctx, &out, fmt.Sprintf(claimOutbox, lock), owner, now.Add(lease), priority, channel, now, now, now, limit); err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	return out, nil
}

// MarkSent records a delivered message. Its payload is cleared: what was said is not kept
// longer than needed to say it.
func MarkSent(ctx context.Context, q Queryer, id int64, owner, providerID string, now time.Time) error {
	return execOne(ctx, q, `UPDATE outbox SET status = 'sent', sent_at = ?, provider_id = ?, payload = '', lease_owner = NULL,
lease_until = NULL, last_error = NULL WHERE id = ? AND status = 'sending' AND lease_owner = ?`, now, nullString(providerID), id, owner)
}

// MarkRetry puts a message back in line for another attempt at next.
func MarkRetry(ctx context.Context, q Queryer, id int64, owner, reason string, next time.Time) error {
	return execOne(ctx, q, `UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, lease_owner = NULL,
lease_until = NULL WHERE id = ? AND status = 'sending' AND lease_owner = ?`, next, reason, id, owner)
}

// MarkFailed ends a message that cannot be delivered, with its reason.
func MarkFailed(ctx context.Context, q Queryer, id int64, owner, reason string, now time.Time) error {
	return execOne(ctx, q, `UPDATE outbox SET status = 'failed', last_error = ?, payload = '', lease_owner = NULL, lease_until = NULL,
sent_at = NULL WHERE id = ? AND status = 'sending' AND lease_owner = ?`, reason, id, owner)
}

// FailPendingForIdentity fails every undelivered message to an identity (it became unreachable).
func FailPendingForIdentity(ctx context.Context, q Queryer, identityID int64, reason string) (int64, error) {
	return execCount(ctx, q, `UPDATE outbox SET status = 'failed', last_error = ?, payload = '', lease_owner = NULL, lease_until = NULL
WHERE identity_id = ? AND status IN ('pending', 'sending')`, reason, identityID)
}

// OutboxDepth counts undelivered messages per channel and priority.
type OutboxDepth struct {
	Channel  string `db:"channel"`
	Priority int    `db:"priority"`
	N        int    `db:"n"`
}

// OutboxDepths counts undelivered messages per channel and priority.
func OutboxDepths(ctx context.Context, q Queryer) ([]OutboxDepth, error) {
	var out []OutboxDepth
	if err := q.Select(ctx, &out, `SELECT channel, priority, COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'sending')
GROUP BY channel, priority ORDER BY channel, priority`); err != nil {
		return nil, fmt.Errorf("outbox depth: %w", err)
	}
	return out, nil
}

// MarkDeferred puts a claimed message back in line until next without counting the claim as an
// attempt: it was held back by a rate limit or a pause, not tried.
func MarkDeferred(ctx context.Context, q Queryer, id int64, owner string, next time.Time) error {
	return execOne(ctx, q, `UPDATE outbox SET status = 'pending', next_attempt_at = ?, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END,
lease_owner = NULL, lease_until = NULL WHERE id = ? AND status = 'sending' AND lease_owner = ?`, next, id, owner)
}

// PendingBroadcastIDs lists the broadcasts with undelivered messages to an identity (before
// FailPendingForIdentity ends them, so their progress can be updated).
func PendingBroadcastIDs(ctx context.Context, q Queryer, identityID int64) ([]int64, error) {
	var out []int64
	if err := q.Select(ctx, &out, `SELECT DISTINCT broadcast_id FROM outbox WHERE identity_id = ? AND status IN ('pending', 'sending')
AND broadcast_id IS NOT NULL ORDER BY broadcast_id`, identityID); err != nil {
		return nil, fmt.Errorf("pending broadcasts: %w", err)
	}
	return out, nil
}
