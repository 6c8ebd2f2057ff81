package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Broadcast statuses.
const (
	BroadcastDraft     = "draft"
	BroadcastScheduled = "scheduled"
	BroadcastSending   = "sending"
	BroadcastSent      = "sent"
	BroadcastCancelled = "cancelled"
)

// Broadcast is an announcement from a coordinator to an audience.
type Broadcast struct {
	ID          int64         `db:"id"`
	CreatedBy   int64         `db:"created_by"`
	Audience    string        `db:"audience"`
	Body        string        `db:"body"`
	SessionID   sql.NullInt64 `db:"session_id"`
	Status      string        `db:"status"`
	ScheduledAt sql.NullTime  `db:"scheduled_at"`
	ConfirmedAt sql.NullTime  `db:"confirmed_at"`
	FinishedAt  sql.NullTime  `db:"finished_at"`
	CreatedAt   time.Time     `db:"created_at"`
}

const broadcastColumns = `id, created_by, audience, body, session_id, status, scheduled_at, confirmed_at, finished_at, created_at`

// CreateBroadcast stores a draft broadcast.
func CreateBroadcast(ctx context.Context, q Queryer, by int64, audience, body string, sessionID int64, now time.Time) (Broadcast, error) {
	var b Broadcast
	err := q.Get(ctx, &b, `INSERT INTO broadcasts (created_by, audience, body, session_id, status, created_at)
VALUES (?, ?, ?, ?, 'draft', ?) RETURNING `+broadcastColumns, by, audience, body, nullInt(sessionID), now)
	if err != nil {
		return b, fmt.Errorf("create broadcast: %w", err)
	}
	return b, nil
}

// BroadcastByID finds a broadcast.
func BroadcastByID(ctx context.Context, q Queryer, id int64) (Broadcast, error) {
	var b Broadcast
	if err := q.Get(ctx, &b, `SELECT `+broadcastColumns+` FROM broadcasts WHERE id = ?`, id); err != nil {
		return b, fmt.Errorf("broadcast %d: %w", id, err)
	}
	return b, nil
}

// TransitionBroadcast moves a broadcast from one status to another, once: it reports false when
// the broadcast was not in status from (a second Confirm, a Cancel after sending began).
func TransitionBroadcast(ctx context.Context, q Queryer, id int64, from, to string, at time.Time) (bool, error) {
	set := `status = ?`
	switch to {
	case BroadcastScheduled:
		set += `, scheduled_at = ?, confirmed_at = ?`
	case BroadcastSending:
		set += `, confirmed_at = COALESCE(confirmed_at, ?)`
	case BroadcastSent, BroadcastCancelled:
		set += `, finished_at = ?`
	}
	args := []any{to, at}
	if to == BroadcastScheduled {
		args = append(args, at)
	}
	args = append(args, id, from)
	n, err := execCount(ctx, q, `UPDATE broadcasts SET `+set+` WHERE id = ? AND status = ?`, args...)
	return n == 1, err
}

// SetBroadcastText stores the version of a broadcast's text for one language.
func SetBroadcastText(ctx context.Context, q Queryer, id int64, lang, body string) error {
	_, err := q.Exec(ctx, `INSERT INTO broadcast_texts (broadcast_id, lang, body) VALUES (?, ?, ?)
ON CONFLICT (broadcast_id, lang) DO UPDATE SET body = excluded.body`, id, lang, body)
	if err != nil {
		return fmt.Errorf("set broadcast text: %w", err)
	}
	return nil
}

// BroadcastTexts returns a broadcast's per-language texts.
func BroadcastTexts(ctx context.Context, q Queryer, id int64) (map[string]string, error) {
	var rows []struct {
		Lang string `db:"lang"`
		Body string `db:"body"`
	}
	if err := q.Select(ctx, &rows, `SELECT lang, body FROM broadcast_texts WHERE broadcast_id = ?`, id); err != nil {
		return nil, fmt.Errorf("broadcast texts: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Lang] = r.Body
	}
	return out, nil
}

// Delivery statuses of a broadcast's recipient; the outcome of a queued one is its outbox row.
const (
	DeliveryQueued   = "queued"
	DeliveryExcluded = "excluded"
)

// AddDelivery records a recipient of a broadcast: queued with its outbox message, or excluded
// with a reason (stop, no_consent, unreachable). It reports false if already recorded.
func AddDelivery(ctx context.Context, q Queryer, broadcastID, beneficiaryID int64, status, reason string, outboxID int64, now time.Time) (bool, error) {
	n, err := execCount(ctx, q, `INSERT INTO broadcast_deliveries (broadcast_id, beneficiary_id, status, reason, outbox_id, created_at)
VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (broadcast_id, beneficiary_id) DO NOTHING`,
		broadcastID, beneficiaryID, status, nullString(reason), nullInt(outboxID), now)
	return n == 1, err
}

// DeliveryCount is one line of a broadcast report: how many recipients ended how.
type DeliveryCount struct {
	Outcome string `db:"outcome"` // excluded, pending, sending, sent, failed
	Reason  string `db:"reason"`
	N       int    `db:"n"`
}

// BroadcastReport counts a broadcast's recipients by outcome and reason.
func BroadcastReport(ctx context.Context, q Queryer, id int64) ([]DeliveryCount, error) {
	var out []DeliveryCount
	err := q.Select(ctx, &out, `SELECT CASE WHEN d.status = 'excluded' THEN 'excluded' ELSE COALESCE(o.status, 'failed') END AS outcome,
COALESCE(CASE WHEN d.status = 'excluded' THEN d.reason ELSE o.last_error END, '') AS reason, COUNT(*) AS n
FROM broadcast_deliveries d LEFT JOIN outbox o ON o.id = d.outbox_id
WHERE d.broadcast_id = ? GROUP BY 1, 2 ORDER BY 1, 2`, id)
	if err != nil {
		return nil, fmt.Errorf("broadcast report: %w", err)
	}
	return out, nil
}
