package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func TestConfirmTokensAreTakenOnceByTheirChatOnly(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		b := mustBeneficiary(t, db, "MI", 0)
		mine, err := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "telegram", ExternalID: "41", ChatID: "41", BeneficiaryID: b.ID}, t0)
		if err != nil {
			t.Fatal(err)
		}
		other, err := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "telegram", ExternalID: "42", ChatID: "42",
			BeneficiaryID: mustBeneficiary(t, db, "MI", 0).ID}, t0)
		if err != nil {
			t.Fatal(err)
		}
		token, err := storage.IssueConfirmToken(ctx, db, mine.ID, "erase", "7", time.Hour, t0)
		if err != nil {
			t.Fatal(err)
		}
		if len(token) != 22 {
			t.Fatalf("token %q", token)
		}
		var stored string
		if err := db.Get(ctx, &stored, `SELECT token_hash FROM confirm_tokens`); err != nil || stored == token {
			t.Fatalf("the token itself is stored (%v)", err)
		}
		for name, try := range map[string]func() (string, bool, error){
			"another chat": func() (string, bool, error) { return storage.TakeConfirmToken(ctx, db, token, other.ID, "erase", t0) },
			"another action": func() (string, bool, error) {
				return storage.TakeConfirmToken(ctx, db, token, mine.ID, "lead close", t0)
			},
			"made up": func() (string, bool, error) {
				return storage.TakeConfirmToken(ctx, db, "AAAAAAAAAAAAAAAAAAAAAA", mine.ID, "erase", t0)
			},
			"empty": func() (string, bool, error) { return storage.TakeConfirmToken(ctx, db, "", mine.ID, "erase", t0) },
		} {
			if _, ok, err := try(); ok || err != nil {
				t.Fatalf("%s: taken %v, %v", name, ok, err)
			}
		}
		// A rolled-back change leaves the token for the next press.
		_ = db.InTx(ctx, func(tx *storage.Tx) error {
			if _, ok, err := storage.TakeConfirmToken(ctx, tx, token, mine.ID, "erase", t0); !ok || err != nil {
				t.Fatalf("take in tx: %v %v", ok, err)
			}
			return context.Canceled
		})
		target, ok, err := storage.TakeConfirmToken(ctx, db, token, mine.ID, "erase", t0)
		if !ok || err != nil || target != "7" {
			t.Fatalf("take: %q %v %v", target, ok, err)
		}
		if _, ok, _ := storage.TakeConfirmToken(ctx, db, token, mine.ID, "erase", t0); ok {
			t.Fatal("a token was taken twice")
		}
		// An expired token is refused, and forgotten when the next one is issued.
		late, _ := storage.IssueConfirmToken(ctx, db, mine.ID, "erase", "", time.Hour, t0)
		if _, ok, _ := storage.TakeConfirmToken(ctx, db, late, mine.ID, "erase", t0.Add(2*time.Hour)); ok {
			t.Fatal("an expired token was taken")
		}
		if _, err := storage.IssueConfirmToken(ctx, db, mine.ID, "erase", "", time.Hour, t0.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.Get(ctx, &n, `SELECT COUNT(*) FROM confirm_tokens`); err != nil || n != 1 {
			t.Fatalf("%d tokens kept (%v)", n, err)
		}
	})
}
