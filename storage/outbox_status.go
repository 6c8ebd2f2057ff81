package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Delivery statuses a platform reports for a sent message, in the order they happen.
const (
	ReceiptSent      = "sent"
	ReceiptDelivered = "delivered"
	ReceiptRead      = "read"
	ReceiptFailed    = "failed"
)

// OutboxByProvider finds a sent message by the id the platform gave it.
func OutboxByProvider(ctx context.Context, q Queryer, channel, providerID string) (OutboxMessage, error) {
	var m OutboxMessage
	if err := q.Get(ctx, &m, `SELECT `+outboxColumns+` FROM outbox WHERE channel = ? AND provider_id = ? ORDER BY id DESC LIMIT 1`,
		channel, providerID); err != nil {
		return m, fmt.Errorf("outbox by provider id: %w", err)
	}
	return m, nil
}

// OutboxReceipt is the latest delivery status of a sent message.
type OutboxReceipt struct {
	OutboxID  int64         `db:"outbox_id"`
	Status    string        `db:"status"`
	ErrorCode sql.NullInt64 `db:"error_code"`
	UpdatedAt time.Time     `db:"updated_at"`
}

// upsertReceipt ranks statuses (sent 1, delivered 2, read 3, failed 4) so a late "delivered"
// never overwrites "read".
const upsertReceipt = `INSERT INTO outbox_receipts (outbox_id, status, error_code, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (outbox_id) DO UPDATE SET status = excluded.status, error_code = excluded.error_code, updated_at = excluded.updated_at
WHERE (CASE excluded.status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 WHEN 'failed' THEN 4 ELSE 0 END)
	> (CASE outbox_receipts.status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 WHEN 'failed' THEN 4 ELSE 0 END)`

// RecordReceipt records a delivery status of a sent message. Statuses arrive out of order and
// more than once: an earlier status never replaces a later one. code is the platform's error
// code of a failure (0 for none).
func RecordReceipt(ctx context.Context, q Queryer, outboxID int64, status string, code int, at time.Time) error {
	if _, err := q.Exec(ctx, upsertReceipt, outboxID, status, nullInt(int64(code)), at); err != nil {
		return fmt.Errorf("record receipt: %w", err)
	}
	return nil
}

// ReceiptOf returns the latest delivery status of a sent message; ErrNotFound when none came.
func ReceiptOf(ctx context.Context, q Queryer, outboxID int64) (OutboxReceipt, error) {
	var r OutboxReceipt
	if err := q.Get(ctx, &r, `SELECT outbox_id, status, error_code, updated_at FROM outbox_receipts WHERE outbox_id = ?`, outboxID); err != nil {
		return r, fmt.Errorf("receipt of %d: %w", outboxID, err)
	}
	return r, nil
}

// TemplateFallback is what to send instead of a free-form WhatsApp message if the platform
// reports it failed outside the 24-hour window: Payload is the JSON of the template message.
type TemplateFallback struct {
	ProviderID   string        `db:"provider_id"`
	Group        string        `db:"grp"`
	ChatID       string        `db:"chat_id"`
	IdentityID   sql.NullInt64 `db:"identity_id"`
	Payload      string        `db:"payload"`
	WindowEndsAt sql.NullTime  `db:"window_ends_at"`
	CreatedAt    time.Time     `db:"created_at"`
}

// NewTemplateFallback describes the fallback of one outgoing message sent as one or more
// platform messages.
type NewTemplateFallback struct {
	ProviderIDs  []string
	ChatID       string
	IdentityID   int64
	Payload      string
	WindowEndsAt time.Time
}

const insertFallback = `INSERT INTO whatsapp_fallbacks (provider_id, grp, chat_id, identity_id, payload, window_ends_at, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider_id) DO NOTHING`

// SaveTemplateFallback keeps a message's fallback under each of its platform ids, as one group.
func SaveTemplateFallback(ctx context.Context, q Queryer, f NewTemplateFallback, now time.Time) error {
	if len(f.ProviderIDs) == 0 {
		return nil
	}
	for _, id := range f.ProviderIDs {
		if _, err := q.Exec(ctx, insertFallback, id, f.ProviderIDs[0], f.ChatID, nullInt(f.IdentityID), f.Payload,
			nullTime(f.WindowEndsAt), now); err != nil {
			return fmt.Errorf("save template fallback: %w", err)
		}
	}
	return nil
}

// TemplateFallbackOf finds the fallback kept for a platform message id; ErrNotFound when there
// is none (a template, a message already delivered or already replaced).
func TemplateFallbackOf(ctx context.Context, q Queryer, providerID string) (TemplateFallback, error) {
	var f TemplateFallback
	if err := q.Get(ctx, &f, `SELECT provider_id, grp, chat_id, identity_id, payload, window_ends_at, created_at
FROM whatsapp_fallbacks WHERE provider_id = ?`, providerID); err != nil {
		return f, fmt.Errorf("template fallback: %w", err)
	}
	return f, nil
}

// TakeTemplateFallback removes a fallback group and reports whether this call removed it: of
// two replicas handling the same failure, exactly one gets true and sends the template.
func TakeTemplateFallback(ctx context.Context, q Queryer, group string) (bool, error) {
	n, err := execCount(ctx, q, `DELETE FROM whatsapp_fallbacks WHERE grp = ?`, group)
	if err != nil {
		return false, fmt.Errorf("take template fallback: %w", err)
	}
	return n > 0, nil
}

// DropTemplateFallback forgets the fallback of one platform message (it was delivered).
func DropTemplateFallback(ctx context.Context, q Queryer, providerID string) error {
	if _, err := q.Exec(ctx, `DELETE FROM whatsapp_fallbacks WHERE provider_id = ?`, providerID); err != nil {
		return fmt.Errorf("drop template fallback: %w", err)
	}
	return nil
}

// PurgeTemplateFallbacks forgets fallbacks kept since before a time and returns how many.
func PurgeTemplateFallbacks(ctx context.Context, q Queryer, before time.Time) (int64, error) {
	return execCount(ctx, q, `DELETE FROM whatsapp_fallbacks WHERE created_at < ?`, before)
}
