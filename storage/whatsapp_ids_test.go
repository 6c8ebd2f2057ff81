package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

const (
	waPhone = "393331234567"
	waUser  = "IT.13491208655302741918"
)

func TestResolveWhatsAppKeepsOneIdentityPerAccount(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
		resolve := func(phone, user string) storage.WhatsAppKey {
			t.Helper()
			k, err := storage.ResolveWhatsApp(ctx, db, storage.WhatsAppIDs{Phone: phone, UserID: user})
			if err != nil {
				t.Fatal(err)
			}
			return k
		}
		// Nobody yet: the phone number when known, else the user id.
		if k := resolve(waPhone, waUser); k.Known || k.ExternalID != waPhone || k.ChatID != waPhone {
			t.Fatalf("new account with both ids: %+v", k)
		}
		if k := resolve("", waUser); k.Known || k.ExternalID != waUser || k.ChatID != waUser {
			t.Fatalf("new account with a user id only: %+v", k)
		}

		// A person who joined by user id only; a later payload shows the number too.
		a, _ := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "MI", Lang: "en"}, now)
		ident, err := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "whatsapp", ExternalID: waUser, ChatID: waUser, BeneficiaryID: a.ID}, now)
		if err != nil {
			t.Fatal(err)
		}
		if k := resolve(waPhone, waUser); !k.Known || k.ExternalID != waUser || k.ChatID != waUser {
			t.Fatalf("both ids of a user-id identity: %+v", k)
		}
		if k := resolve(waPhone, ""); !k.Known || k.ExternalID != waUser {
			t.Fatalf("the number alone finds the identity by its other id: %+v", k)
		}
		if alt, _ := storage.WhatsAppAltID(ctx, db, ident.ID); alt != waPhone {
			t.Fatalf("alt id %q", alt)
		}

		// Two identities of one account (made before either id was seen with the other): they
		// become one, the older, which takes over the other's messages and its newer link.
		const phone2, user2 = "393409876543", "IT.55501"
		b, _ := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "MI", Lang: "fr"}, now)
		old, _ := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "whatsapp", ExternalID: phone2, ChatID: phone2, BeneficiaryID: a.ID}, now)
		newer, _ := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "whatsapp", ExternalID: user2, ChatID: user2, BeneficiaryID: b.ID}, now.Add(time.Hour))
		msg, err := storage.Enqueue(ctx, db, storage.NewOutboxMessage{IdentityID: newer.ID, Channel: "whatsapp", ChatID: user2, Kind: "reply", Payload: `{"text":"x"}`}, now)
		if err != nil {
			t.Fatal(err)
		}
		if k := resolve(phone2, user2); !k.Known || k.ExternalID != phone2 {
			t.Fatalf("merged key %+v", k)
		}
		var n int
		_ = db.Get(ctx, &n, `SELECT COUNT(*) FROM identities WHERE external_id IN (?, ?) OR alt_id IN (?, ?)`, phone2, user2, phone2, user2)
		if n != 1 {
			t.Fatalf("%d identities for one account", n)
		}
		kept, err := storage.IdentityByID(ctx, db, old.ID)
		if err != nil || kept.BeneficiaryID.Int64 != b.ID {
			t.Fatalf("kept identity %+v %v, want the newer link", kept, err)
		}
		var owner int64
		_ = db.Get(ctx, &owner, `SELECT identity_id FROM outbox WHERE id = ?`, msg)
		if owner != old.ID {
			t.Fatalf("the queued message belongs to %d, want %d", owner, old.ID)
		}
		if k := resolve("", user2); k.ExternalID != phone2 {
			t.Fatalf("the user id alone after the merge: %+v", k)
		}
	})
}
