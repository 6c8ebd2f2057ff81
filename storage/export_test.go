package storage

import "time"

// ClaimHeadsSQL is the claim's statement on PostgreSQL, for EXPLAIN in benchmarks.
const ClaimHeadsSQL = claimHeadsPG

// Floors are where the claimer's next reads start.
func (c *Claimer) Floors() (ready, wake time.Time) { return c.readyAt, c.wakeAt }
