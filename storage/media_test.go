package storage_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func transit(id string, owner int64, at time.Time) storage.MediaTransit {
	return storage.MediaTransit{ID: id, OwnerID: nullI(owner), Kind: "voice", MIME: "audio/ogg", State: storage.MediaPending,
		SourceChannel: "telegram", SourceRef: "AwACAgQ", CreatedAt: at, ExpiresAt: at.Add(24 * time.Hour)}
}

// markErased stands for erasure: only the status matters to the transit store.
func markErased(t *testing.T, db *storage.DB, id int64) {
	t.Helper()
	if _, err := db.Exec(context.Background(), `UPDATE beneficiaries SET status = 'erased' WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
}

func TestMediaTransitLifecycle(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		b := mustBeneficiary(t, db, "MI", 0)
		item := transit("a1", b.ID, t0)
		if created, err := storage.InsertMediaTransit(ctx, db, item); err != nil || !created {
			t.Fatalf("insert: %v %v", created, err)
		}
		// The same id again (a retried upload) changes nothing.
		again := item
		again.Kind = "photo"
		if created, err := storage.InsertMediaTransit(ctx, db, again); err != nil || created {
			t.Fatalf("second insert: %v %v", created, err)
		}
		got, err := storage.MediaTransitByID(ctx, db, "a1", t0)
		if err != nil || got.Kind != "voice" || got.State != storage.MediaPending || got.OwnerID.Int64 != b.ID {
			t.Fatalf("item = %+v, %v", got, err)
		}
		chunks := [][]byte{bytes.Repeat([]byte{1}, 100), {0, 2, 3}}
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			return storage.StoreMediaChunks(ctx, tx, "a1", "audio/ogg", 103, chunks)
		}); err != nil {
			t.Fatal(err)
		}
		got, _ = storage.MediaTransitByID(ctx, db, "a1", t0)
		if got.State != storage.MediaStored || got.Chunks != 2 || got.Size != 103 {
			t.Fatalf("stored item = %+v", got)
		}
		for i, want := range chunks {
			if c, err := storage.MediaChunk(ctx, db, "a1", i); err != nil || !bytes.Equal(c, want) {
				t.Fatalf("chunk %d = %v, %v", i, c, err)
			}
		}
		if err := storage.GrantMediaToWebchat(ctx, db, "a1", "chat-hash"); err != nil {
			t.Fatal(err)
		}
		if got, _ = storage.MediaTransitByID(ctx, db, "a1", t0); got.WebchatChat != (sql.NullString{String: "chat-hash", Valid: true}) {
			t.Fatalf("grant = %+v", got.WebchatChat)
		}
		// Past its expiry it is gone for readers at once, and the purge deletes it and its bytes.
		if _, err := storage.MediaTransitByID(ctx, db, "a1", t0.Add(24*time.Hour)); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("expired item still readable: %v", err)
		}
		if n, err := storage.PurgeMediaTransit(ctx, db, t0.Add(24*time.Hour)); err != nil || n != 1 {
			t.Fatalf("purge = %d, %v", n, err)
		}
		if _, err := storage.MediaChunk(ctx, db, "a1", 0); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("the bytes outlived their item: %v", err)
		}
	})
}

func TestMediaTransitGoesWithItsOwner(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		amina, marco := mustBeneficiary(t, db, "MI", 0), mustBeneficiary(t, db, "MI", 0)
		for _, it := range []storage.MediaTransit{transit("am1", amina.ID, t0), transit("am2", amina.ID, t0), transit("ma1", marco.ID, t0), transit("none", 0, t0)} {
			if _, err := storage.InsertMediaTransit(ctx, db, it); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			return storage.StoreMediaChunks(ctx, tx, "am1", "audio/ogg", 3, [][]byte{{1, 2, 3}})
		}); err != nil {
			t.Fatal(err)
		}
		if n, err := storage.DeleteMediaOf(ctx, db, amina.ID); err != nil || n != 2 {
			t.Fatalf("delete of amina = %d, %v", n, err)
		}
		if _, err := storage.MediaChunk(ctx, db, "am1", 0); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("amina's bytes stayed: %v", err)
		}
		// An erased owner's items are unreadable at once and purged with the expired ones.
		markErased(t, db, marco.ID)
		if _, err := storage.MediaTransitByID(ctx, db, "ma1", t0); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("an erased person's file is readable: %v", err)
		}
		if n, err := storage.PurgeMediaTransit(ctx, db, t0); err != nil || n != 1 {
			t.Fatalf("purge = %d, %v", n, err)
		}
		if _, err := storage.MediaTransitByID(ctx, db, "none", t0); err != nil {
			t.Fatalf("an item of nobody in particular was purged early: %v", err)
		}
		if err := storage.SetMediaOwner(ctx, db, "none", amina.ID); err != nil {
			t.Fatal(err)
		}
		if ok, err := storage.DeleteMediaTransit(ctx, db, "none"); err != nil || !ok {
			t.Fatalf("delete = %v, %v", ok, err)
		}
		if ok, _ := storage.DeleteMediaTransit(ctx, db, "none"); ok {
			t.Fatal("deleted twice")
		}
	})
}

func TestWebchatPersonAndErasure(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		b := mustBeneficiary(t, db, "MI", 0) // speaks French
		if err := storage.CreateWebchatSession(ctx, db, "sess", "en", t0); err != nil {
			t.Fatal(err)
		}
		p, err := storage.WebchatPersonOf(ctx, db, "sess")
		if err != nil || p.Linked || p.WasLinked || p.Erased() || p.Lang != "" {
			t.Fatalf("a new session: %+v, %v", p, err)
		}
		if _, err := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "webchat", ExternalID: "sess", ChatID: "sess", BeneficiaryID: b.ID}, t0); err != nil {
			t.Fatal(err)
		}
		p, _ = storage.WebchatPersonOf(ctx, db, "sess")
		if !p.Linked || p.Lang != "fr" || p.Erased() {
			t.Fatalf("a linked session: %+v", p)
		}
		if err := storage.MarkWebchatLinked(ctx, db, "sess", t0); err != nil {
			t.Fatal(err)
		}
		// The person's data is erased: the identity goes, the session may stay a while.
		if _, err := db.Exec(ctx, `DELETE FROM identities WHERE beneficiary_id = ?`, b.ID); err != nil {
			t.Fatal(err)
		}
		if p, _ = storage.WebchatPersonOf(ctx, db, "sess"); !p.Erased() || p.Lang != "" {
			t.Fatalf("after erasure: %+v", p)
		}
		if _, err := storage.WebchatPersonOf(ctx, db, "gone"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("unknown session: %v", err)
		}
	})
}

func TestInviteLang(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		b := mustBeneficiary(t, db, "MI", 0)
		code, _, err := storage.CreateInvite(ctx, db, storage.NewInvite{Role: "beneficiary", BeneficiaryID: b.ID, TTL: time.Hour}, t0)
		if err != nil {
			t.Fatal(err)
		}
		for typed, want := range map[string]string{code: "fr", " " + code[:4] + "-" + code[4:] + " ": "fr", "22222222": "", "not a code": ""} {
			if got, err := storage.InviteLang(ctx, db, typed, t0); err != nil || got != want {
				t.Errorf("InviteLang(%q) = %q, %v; want %q", typed, got, err, want)
			}
		}
		if got, _ := storage.InviteLang(ctx, db, code, t0.Add(2*time.Hour)); got != "" {
			t.Errorf("an expired invite gives %q", got)
		}
	})
}
