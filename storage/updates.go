package storage

import (
	"context"
	"fmt"
	"time"
)

// MarkProcessed records an inbound update's id in the transaction of its effects. It reports
// false when the update was processed before: a redelivery that must have no second effect.
func MarkProcessed(ctx context.Context, q Queryer, channel, updateID string, now time.Time) (bool, error) {
	n, err := execCount(ctx, q, `INSERT INTO processed_updates (channel, update_id, processed_at) VALUES (?, ?, ?)
ON CONFLICT (channel, update_id) DO NOTHING`, channel, updateID, now)
	if err != nil {
		return false, fmt.Errorf("mark processed: %w", err)
	}
	return n == 1, nil
}

// PurgeProcessed forgets update ids recorded before a time (platforms stop redelivering after
// days) and returns how many.
func PurgeProcessed(ctx context.Context, q Queryer, before time.Time) (int64, error) {
	return execCount(ctx, q, `DELETE FROM processed_updates WHERE processed_at < ?`, before)
}
