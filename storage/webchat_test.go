package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func TestWebchatSessions(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		if err := storage.CreateWebchatSession(ctx, db, "hash-1", "fr", t0); err != nil {
			t.Fatal(err)
		}
		if err := storage.CreateWebchatSession(ctx, db, "hash-1", "en", t0); err == nil || !storage.IsUniqueViolation(err) {
			t.Fatalf("a second session with the same chat id: %v, want a unique violation", err)
		}
		if err := storage.TouchWebchatSession(ctx, db, "hash-1", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		s, err := storage.WebchatSessionByChat(ctx, db, "hash-1")
		if err != nil || s.Lang != "fr" || !s.CreatedAt.Equal(t0) || !s.LastSeenAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("session = %+v, %v", s, err)
		}
		if _, err := storage.WebchatSessionByChat(ctx, db, "nope"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("unknown session: %v", err)
		}
	})
}

func TestErasureEndsTheirWebchatSessionsAfterTheGoodbye(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		b := mustBeneficiary(t, db, "MI", 0)
		_ = storage.CreateWebchatSession(ctx, db, "theirs", "ar", t0)
		_ = storage.CreateWebchatSession(ctx, db, "someone-else", "ar", t0)
		if _, err := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "webchat", ExternalID: "theirs", ChatID: "theirs", BeneficiaryID: b.ID}, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := storage.EraseBeneficiary(ctx, db, b.ID, t0); err != nil {
			t.Fatal(err)
		}
		// The session lasts until the second purge, so the page can fetch the goodbye.
		if _, err := storage.WebchatSessionByChat(ctx, db, "theirs"); err != nil {
			t.Fatalf("the erased person's browser cannot fetch the goodbye: %v", err)
		}
		due, err := storage.DueErasurePurges(ctx, db, t0.Add(storage.ErasurePurgeAfter), 10)
		if err != nil || len(due) != 1 {
			t.Fatalf("due purges %v %v", due, err)
		}
		if done, err := storage.FinishErasure(ctx, db, due[0], t0.Add(storage.ErasurePurgeAfter)); !done || err != nil {
			t.Fatalf("second purge: %v %v", done, err)
		}
		if _, err := storage.WebchatSessionByChat(ctx, db, "theirs"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("the erased person's browser session still works: %v", err)
		}
		if _, err := storage.WebchatSessionByChat(ctx, db, "someone-else"); err != nil {
			t.Fatalf("another session was ended: %v", err)
		}
	})
}
