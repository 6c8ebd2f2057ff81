package storage

import (
	"context"
	"time"
)

// ClaimHeadsSQL is the claim's statement on PostgreSQL, for EXPLAIN in benchmarks.
const ClaimHeadsSQL = claimHeadsPG

// Floors are where the claimer's next reads start.
func (c *Claimer) Floors() (ready, wake time.Time) { return c.readyAt, c.wakeAt }

// JoinQueue is the second half of Enqueue, for tests of concurrent enqueuers.
func JoinQueue(ctx context.Context, q Queryer, channel, chatID string, id int64, now time.Time) error {
	return joinQueue(ctx, q, ChatKey(channel, chatID), channel, PriorityInteractive, id, now, now)
}
