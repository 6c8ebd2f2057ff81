package storage_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// historyChats and historyPerChat shape the history BenchmarkClaimWithHistory starts from:
// 200,000 delivered messages, 100 in each of 2,000 chats, every one enqueued, claimed and
// marked sent through the outbox's own functions (so the tables hold the dead row versions
// and index entries a year of traffic leaves behind: autovacuum is off on the test server).
const (
	historyChats   = 2000
	historyPerChat = 100
)

// BenchmarkClaimWithHistory measures one claim of 32 due messages (in 32 chats that each have
// 100 delivered messages behind them) on PostgreSQL, with no VACUUM or ANALYZE after the
// history was written. Only the claim is timed. With -v it logs the claim's plan, read with
// EXPLAIN (ANALYZE, BUFFERS) at the end.
func BenchmarkClaimWithHistory(b *testing.B) {
	ctx := context.Background()
	db, _ := storagetest.Postgres(b)
	deliverRounds(b, db, historyPerChat, historyChats)
	c := &storage.Claimer{Owner: "bench", Channel: "telegram", Priority: storage.PriorityInteractive}
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		now := time.Now()
		enqueueRound(b, db, 32, i*32, now)
		b.StartTimer()
		got, err := c.Claim(ctx, db, 32, now, time.Minute)
		b.StopTimer()
		if err != nil || len(got) != 32 {
			b.Fatalf("claimed %d: %v", len(got), err)
		}
		markAllSent(b, db, got, now)
		b.StartTimer()
	}
	b.StopTimer()
	enqueueRound(b, db, 32, 0, time.Now())
	b.Log(explainClaim(b, db, c))
}

// explainClaim is the plan of the claim's statement from the claimer's floor, with what it read.
func explainClaim(b *testing.B, db *storage.DB, c *storage.Claimer) string {
	ready, _ := c.Floors()
	var plan []string
	errRollback := errors.New("rollback")
	err := db.InTx(context.Background(), func(tx *storage.Tx) error {
		if err := tx.Select(context.Background(), &plan, "EXPLAIN (ANALYZE, BUFFERS) "+storage.ClaimHeadsSQL,
			"telegram", storage.PriorityInteractive, ready, 32, time.Now().Add(time.Minute), "explain"); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		b.Fatal(err)
	}
	return "claim from floor " + ready.Format(time.RFC3339Nano) + ":\n" + strings.Join(plan, "\n")
}

// deliverRounds enqueues one message to each of chats chats, claims them all and marks them
// sent, rounds times.
func deliverRounds(b *testing.B, db *storage.DB, rounds, chats int) {
	b.Helper()
	c := &storage.Claimer{Owner: "history", Channel: "telegram", Priority: storage.PriorityInteractive}
	for range rounds {
		now := time.Now()
		enqueueRound(b, db, chats, 0, now)
		for {
			got, err := c.Claim(context.Background(), db, 1000, now, time.Minute)
			if err != nil {
				b.Fatal(err)
			}
			if len(got) == 0 {
				break
			}
			markAllSent(b, db, got, now)
		}
	}
}

// enqueueRound enqueues one message to each of n chats, starting at chat number first (modulo
// the history's chats), in one transaction.
func enqueueRound(b *testing.B, db *storage.DB, n, first int, now time.Time) {
	b.Helper()
	err := db.InTx(context.Background(), func(tx *storage.Tx) error {
		for c := range n {
			chat := fmt.Sprint(100000 + (first+c)%historyChats)
			if _, err := storage.Enqueue(context.Background(), tx, storage.NewOutboxMessage{Channel: "telegram", ChatID: chat,
				Kind: "reply", Payload: `{"text":"a reply of ordinary length, as people get them"}`}, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// markAllSent records claimed messages sent, all in one transaction as the senders do.
func markAllSent(b *testing.B, db *storage.DB, msgs []storage.OutboxMessage, now time.Time) {
	b.Helper()
	outs := make([]storage.Outcome, len(msgs))
	for i, m := range msgs {
		outs[i] = storage.Outcome{ID: m.ID, Result: storage.OutcomeSent, ProviderID: fmt.Sprint("p", m.ID)}
	}
	err := db.InTx(context.Background(), func(tx *storage.Tx) error {
		rec, err := storage.RecordOutcomes(context.Background(), tx, msgs[0].LeaseOwner.String, outs, now)
		if err != nil {
			return err
		}
		if len(rec.Recorded) != len(msgs) {
			return fmt.Errorf("recorded %d of %d", len(rec.Recorded), len(msgs))
		}
		_, err = storage.AdvanceHeads(context.Background(), tx, rec.Ended, now, true)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
}
