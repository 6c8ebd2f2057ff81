package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func TestOutboxDeferAndPendingBroadcasts(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		b := mustBeneficiary(t, db, "MI", 0)
		ident, err := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "telegram", ExternalID: "77", ChatID: "77", BeneficiaryID: b.ID}, t0)
		if err != nil {
			t.Fatal(err)
		}
		s := mustStaff(t, db, storage.RoleCoordinator, "MI")
		bc, err := storage.CreateBroadcast(ctx, db, s.ID, "all", "hi", 0, t0)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := storage.Enqueue(ctx, db, storage.NewOutboxMessage{IdentityID: ident.ID, Channel: "telegram", ChatID: "77", Priority: 1,
			Kind: "broadcast", Payload: `{"text":"x"}`, BroadcastID: bc.ID}, t0)
		got, err := storage.ClaimOutbox(ctx, db, "s1", "telegram", 1, 5, t0, time.Minute)
		if err != nil || len(got) != 1 || got[0].Attempts != 1 {
			t.Fatalf("claim = %+v, %v", got, err)
		}
		// Held back by a rate limit: back in line, the claim not counted as an attempt.
		if err := storage.MarkDeferred(ctx, db, id, "s2", t0.Add(time.Second)); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("another owner deferred it: %v", err)
		}
		if err := storage.MarkDeferred(ctx, db, id, "s1", t0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		m, _ := storage.OutboxByID(ctx, db, id)
		if m.Status != "pending" || m.Attempts != 0 || !m.NextAttemptAt.Equal(t0.Add(time.Second)) || m.LeaseOwner.Valid {
			t.Fatalf("deferred = %+v", m)
		}
		if early, _ := storage.ClaimOutbox(ctx, db, "s1", "telegram", 1, 5, t0, time.Minute); len(early) != 0 {
			t.Fatal("claimed before its time")
		}
		ids, err := storage.PendingBroadcastIDs(ctx, db, ident.ID)
		if err != nil || len(ids) != 1 || ids[0] != bc.ID {
			t.Fatalf("pending broadcasts = %v, %v", ids, err)
		}
		if n, _ := storage.FailPendingForIdentity(ctx, db, ident.ID, "unreachable"); n != 1 {
			t.Fatalf("failed %d", n)
		}
		if ids, _ := storage.PendingBroadcastIDs(ctx, db, ident.ID); len(ids) != 0 {
			t.Fatalf("after failing: %v", ids)
		}
	})
}
