package storage_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func enqueueText(t *testing.T, db storage.Queryer, chat, kind, text string) int64 {
	t.Helper()
	id, err := storage.Enqueue(context.Background(), db, storage.NewOutboxMessage{Channel: "telegram", ChatID: chat, Kind: kind,
		Payload: fmt.Sprintf(`{"text":%q}`, text)}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func claimIDs(t *testing.T, db *storage.DB, owner string, at time.Time) []int64 {
	t.Helper()
	got, err := storage.ClaimOutbox(context.Background(), db, owner, "telegram", 0, 10, at, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(got))
	for i, m := range got {
		ids[i] = m.ID
	}
	return ids
}

// record records outcomes as the senders do: statuses, then the heads, in one transaction.
func record(t *testing.T, db *storage.DB, owner string, outs ...storage.Outcome) storage.Recorded {
	t.Helper()
	var rec storage.Recorded
	err := db.InTx(context.Background(), func(tx *storage.Tx) error {
		var err error
		if rec, err = storage.RecordOutcomes(context.Background(), tx, owner, outs, t0); err != nil {
			return err
		}
		_, err = storage.AdvanceHeads(context.Background(), tx, rec.Ended, t0, false)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestOutboxHeldChatWaitsUntilReleased(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a := enqueueText(t, db, "5", "notice", "one")
		enqueueText(t, db, "5", "notice", "two")
		other := enqueueText(t, db, "6", "notice", "elsewhere")
		if ids := claimIDs(t, db, "s1", t0); len(ids) != 2 || ids[0] != a || ids[1] != other {
			t.Fatalf("claimed %v", ids)
		}
		rec := record(t, db, "s1", storage.Outcome{ID: a, Result: storage.OutcomeHeld}, storage.Outcome{ID: other, Result: storage.OutcomeSent, ProviderID: "p"})
		if len(rec.Recorded) != 2 {
			t.Fatalf("recorded %v", rec.Recorded)
		}
		counts, err := storage.HeldCounts(ctx, db)
		if err != nil || len(counts) != 1 || counts[0].N != 2 {
			t.Fatalf("held = %+v %v", counts, err)
		}
		if ids := claimIDs(t, db, "s1", t0.Add(time.Hour)); len(ids) != 0 {
			t.Fatalf("a held chat was claimed: %v", ids)
		}
		if ok, err := storage.ReleaseHeld(ctx, db, storage.ChatKey("telegram", "5")); !ok || err != nil {
			t.Fatalf("release = %v %v", ok, err)
		}
		if ok, _ := storage.ReleaseHeld(ctx, db, storage.ChatKey("telegram", "5")); ok {
			t.Fatal("released twice")
		}
		got, _ := storage.ClaimOutbox(ctx, db, "s2", "telegram", 0, 10, t0, time.Minute)
		if len(got) != 1 || got[0].ID != a || got[0].Attempts != 1 {
			t.Fatalf("after release: %+v (a hold is not an attempt)", got)
		}
	})
}

func TestOutboxRelaysFollowTheirHead(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		r1 := enqueueText(t, db, "9", storage.KindRelay, "r1")
		r2 := enqueueText(t, db, "9", storage.KindRelay, "r2")
		r3 := enqueueText(t, db, "9", storage.KindRelay, "r3")
		notice := enqueueText(t, db, "9", "notice", "n")
		enqueueText(t, db, "9", storage.KindRelay, "r4")
		got, _ := storage.ClaimOutbox(ctx, db, "s1", "telegram", 0, 10, t0, time.Minute)
		if len(got) != 1 || got[0].ID != r1 {
			t.Fatalf("claimed %+v", got)
		}
		more, err := storage.ClaimFollowing(ctx, db, got[0], 10, t0)
		if err != nil || len(more) != 2 || more[0].ID != r2 || more[1].ID != r3 || more[1].LeaseOwner.String != "s1" {
			t.Fatalf("following = %+v %v", more, err)
		}
		record(t, db, "s1", storage.Outcome{ID: r1, Result: storage.OutcomeSent, ProviderID: "p"},
			storage.Outcome{ID: r2, Result: storage.OutcomeSent, ProviderID: "p"}, storage.Outcome{ID: r3, Result: storage.OutcomeSent, ProviderID: "p"})
		if ids := claimIDs(t, db, "s1", t0); len(ids) != 1 || ids[0] != notice {
			t.Fatalf("after the joined relays: %v", ids)
		}
	})
}

func TestOutboxUnreachableMovesTheHeadOn(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		b := mustBeneficiary(t, db, "MI", 0)
		ident, err := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "telegram", ExternalID: "44", ChatID: "44", BeneficiaryID: b.ID}, t0)
		if err != nil {
			t.Fatal(err)
		}
		first, _ := storage.Enqueue(ctx, db, storage.NewOutboxMessage{IdentityID: ident.ID, Channel: "telegram", ChatID: "44", Kind: "notice", Payload: "{}"}, t0)
		storage.Enqueue(ctx, db, storage.NewOutboxMessage{IdentityID: ident.ID, Channel: "telegram", ChatID: "44", Kind: "notice", Payload: "{}"}, t0)
		anon := enqueueText(t, db, "44", "reply", "to the chat, not the identity")
		if ids := claimIDs(t, db, "s1", t0); len(ids) != 1 || ids[0] != first {
			t.Fatalf("claimed %v", ids)
		}
		if n, err := storage.FailPendingForIdentity(ctx, db, ident.ID, "unreachable"); n != 2 || err != nil {
			t.Fatalf("failed %d: %v", n, err)
		}
		if ids := claimIDs(t, db, "s2", t0); len(ids) != 1 || ids[0] != anon {
			t.Fatalf("after the identity's messages failed: %v", ids)
		}
	})
}

func TestOutboxExpiredLeaseAndPersistentFloors(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := &storage.Claimer{Owner: "s1", Channel: "telegram"}
		var all []int64
		for round := range 3 {
			for chat := range 5 {
				all = append(all, enqueueText(t, db, fmt.Sprint(chat), "reply", fmt.Sprintf("%d-%d", round, chat)))
			}
		}
		seen := map[int64]bool{}
		for range 3 {
			got, err := c.Claim(ctx, db, 10, time.Now(), time.Minute)
			if err != nil || len(got) != 5 {
				t.Fatalf("claimed %d: %v", len(got), err)
			}
			var outs []storage.Outcome
			for _, m := range got {
				if seen[m.ID] {
					t.Fatalf("%d claimed twice", m.ID)
				}
				seen[m.ID] = true
				outs = append(outs, storage.Outcome{ID: m.ID, Result: storage.OutcomeSent, ProviderID: "p"})
			}
			record(t, db, "s1", outs...)
		}
		if len(seen) != len(all) {
			t.Fatalf("claimed %d of %d", len(seen), len(all))
		}
		// A claimer that died: another, starting from the kept floors, takes its message once
		// the lease runs out.
		orphan := enqueueText(t, db, "0", "reply", "orphan")
		if got, _ := c.Claim(ctx, db, 10, time.Now(), time.Minute); len(got) != 1 || got[0].ID != orphan {
			t.Fatalf("claimed %+v", got)
		}
		again := &storage.Claimer{Owner: "s2", Channel: "telegram"}
		if got, _ := again.Claim(ctx, db, 10, time.Now(), time.Minute); len(got) != 0 {
			t.Fatalf("claimed a leased message: %+v", got)
		}
		got, err := again.Claim(ctx, db, 10, time.Now().Add(2*time.Minute), time.Minute)
		if err != nil || len(got) != 1 || got[0].ID != orphan || got[0].Attempts != 2 {
			t.Fatalf("after the lease: %+v %v", got, err)
		}
	})
}

// An enqueuer whose transaction commits after a later message of the same chat was claimed:
// its message goes right after the one in flight, not never.
func TestOutboxLateCommitIsNotLost(t *testing.T) {
	db, _ := storagetest.Postgres(t)
	ctx := context.Background()
	inserted, join, joined, commit := make(chan int64), make(chan struct{}), make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.InTx(ctx, func(tx *storage.Tx) error {
			var id int64
			if err := tx.Get(ctx, &id, `INSERT INTO outbox (channel, chat_id, chat_key, priority, kind, payload, status, attempts, next_attempt_at, created_at)
VALUES ('telegram', '77', 'telegram:77', 0, 'reply', '{"text":"late"}', 'pending', 0, ?, ?) RETURNING id`, t0, t0); err != nil {
				close(inserted)
				return err
			}
			inserted <- id
			<-join
			err := storage.JoinQueue(ctx, tx, "telegram", "77", id, t0)
			close(joined)
			<-commit
			return err
		})
	}()
	late, ok := <-inserted
	if !ok {
		t.Fatal(<-done)
	}
	fast := enqueueText(t, db, "77", "reply", "fast")
	if ids := claimIDs(t, db, "s1", t0); len(ids) != 1 || ids[0] != fast {
		t.Fatalf("claimed %v", ids)
	}
	close(join)
	<-joined
	// The sender ends the message in flight while the enqueuer still holds the chat's head: it
	// skips the head, and moves it on once the enqueuer committed.
	var skipped []string
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		rec, err := storage.RecordOutcomes(ctx, tx, "s1", []storage.Outcome{{ID: fast, Result: storage.OutcomeSent, ProviderID: "p"}}, t0)
		if err != nil {
			return err
		}
		skipped, err = storage.AdvanceHeads(ctx, tx, rec.Ended, t0, false)
		return err
	})
	if err != nil || len(skipped) != 1 {
		t.Fatalf("skipped %v: %v", skipped, err)
	}
	close(commit)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := db.InTx(ctx, func(tx *storage.Tx) error {
		_, err := storage.AdvanceHeads(ctx, tx, skipped, t0, true)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if ids := claimIDs(t, db, "s1", t0); len(ids) != 1 || ids[0] != late {
		t.Fatalf("claimed %v, want the late message", ids)
	}
}

func TestRetentionPurgesDeliveredMessagesAndWebchatHistory(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		old, now := t0, t0.Add(31*24*time.Hour)
		before := now.Add(-30 * 24 * time.Hour)
		enq := func(chat string, at time.Time, broadcast int64) int64 {
			id, err := storage.Enqueue(ctx, db, storage.NewOutboxMessage{Channel: "telegram", ChatID: chat, Kind: "notice",
				Payload: `{"text":"private words"}`, BroadcastID: broadcast}, at)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		s := mustStaff(t, db, storage.RoleCoordinator, "MI")
		bc, err := storage.CreateBroadcast(ctx, db, s.ID, "all", "hi", 0, old)
		if err != nil {
			t.Fatal(err)
		}
		sent, news, held := enq("1", old, 0), enq("2", old, bc.ID), enq("3", old, 0)
		ben := mustBeneficiary(t, db, "MI", 0)
		if _, err := storage.AddDelivery(ctx, db, bc.ID, ben.ID, storage.DeliveryQueued, "", news, old); err != nil {
			t.Fatal(err)
		}
		recent := enq("4", now.Add(-time.Hour), 0)
		got, _ := storage.ClaimOutbox(ctx, db, "s1", "telegram", 0, 10, now, time.Minute)
		if len(got) != 4 {
			t.Fatalf("claimed %d", len(got))
		}
		record(t, db, "s1", storage.Outcome{ID: sent, Result: storage.OutcomeSent, ProviderID: "p1"},
			storage.Outcome{ID: news, Result: storage.OutcomeFailed, Reason: "blocked"},
			storage.Outcome{ID: held, Result: storage.OutcomeHeld},
			storage.Outcome{ID: recent, Result: storage.OutcomeSent, ProviderID: "p4"})
		for _, at := range []time.Time{old, old, now.Add(-time.Minute)} {
			if _, err := storage.AppendWebchat(ctx, db, "page", `{"text":"hello"}`, at); err != nil {
				t.Fatal(err)
			}
		}

		res, err := storage.PurgeOutbox(ctx, db, before, now)
		if err != nil || res.Deleted != 1 || res.Anonymized != 1 || res.Expired != 1 {
			t.Fatalf("purge = %+v %v", res, err)
		}
		if _, err := storage.OutboxByID(ctx, db, sent); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("an old delivered message is still there: %v", err)
		}
		// The broadcast's report still counts its message, which says nothing of whom or what.
		m, _ := storage.OutboxByID(ctx, db, news)
		if m.Status != storage.OutboxFailed || m.ChatID != "" || m.ChatKey != "" || m.IdentityID.Valid || m.Payload != "" {
			t.Fatalf("anonymized broadcast message = %+v", m)
		}
		report, err := storage.BroadcastReport(ctx, db, bc.ID)
		if err != nil || len(report) != 1 || report[0].Outcome != "failed" || report[0].Reason != "blocked" || report[0].N != 1 {
			t.Fatalf("report after the purge = %+v %v", report, err)
		}
		// The message held for someone who never wrote again expires: released, it is dropped.
		if m, _ := storage.OutboxByID(ctx, db, held); m.Status != storage.OutboxPending || !m.ExpiresAt.Valid || m.ExpiresAt.Time.After(now) {
			t.Fatalf("old held message = %+v", m)
		}
		if counts, _ := storage.HeldCounts(ctx, db); len(counts) != 0 {
			t.Fatalf("still held: %+v", counts)
		}
		if m, _ := storage.OutboxByID(ctx, db, recent); m.Status != storage.OutboxSent {
			t.Fatal("a recent message was purged")
		}
		n, err := storage.PurgeWebchat(ctx, db, before)
		if err != nil || n != 2 {
			t.Fatalf("webchat purge = %d %v", n, err)
		}
		if left, _ := storage.WebchatAfter(ctx, db, "page", 0, 10); len(left) != 1 {
			t.Fatalf("webchat left %d", len(left))
		}
		// The next purge starts where this one stopped, at the message still undelivered.
		got, _ = storage.ClaimOutbox(ctx, db, "s2", "telegram", 0, 10, now, time.Minute)
		if len(got) != 1 || got[0].ID != held {
			t.Fatalf("claimed %+v", got)
		}
		record(t, db, "s2", storage.Outcome{ID: held, Result: storage.OutcomeFailed, Reason: "expired"})
		res, err = storage.PurgeOutbox(ctx, db, before, now)
		if err != nil || res.Deleted != 1 || res.Anonymized != 0 || res.Expired != 0 {
			t.Fatalf("second purge = %+v %v", res, err)
		}
		if n, _ := storage.PurgeWebchat(ctx, db, before); n != 0 {
			t.Fatalf("second webchat purge removed %d", n)
		}
	})
}
