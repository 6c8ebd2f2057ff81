package whatsapp

import (
	"context"
	"net/http"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

const waUser = "IT.13491208655302741918" // the business-scoped user id of the fixtures' sender

// A person with a WhatsApp username writes without a phone number: the update is keyed on the
// user id, the bot replies to it with the "recipient" field, and when a later payload shows
// the number too, the person keeps their one identity.
func TestUserIDsWithoutAPhoneNumber(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		e := newEnvOn(t, db)
		ctx := context.Background()
		if code := e.postFixture("bsuid_text.json"); code != http.StatusOK {
			t.Fatalf("answered %d", code)
		}
		got := e.rec.updates()
		if len(got) != 1 || got[0].ChatID != waUser || got[0].UserID != waUser || got[0].Text != "Ciao" {
			t.Fatalf("updates %+v, want one keyed on the user id", got)
		}

		// The reply goes to the user id, in "recipient".
		if _, err := e.send(bot.Recipient{ChatID: waUser, LastInbound: e.clock.Now()}, bot.Outgoing{Text: "Benvenuta"}); err != nil {
			t.Fatal(err)
		}
		sent := e.graph.sent()
		if len(sent) != 1 || sent[0].Recipient != waUser || sent[0].To != "" {
			t.Fatalf("sent %+v, want recipient=%s and no to", sent, waUser)
		}
		// So does the template that tells someone outside the 24 hours a message waits for them.
		e.graph.reset()
		const quiet = "IT.88812"
		if _, err := e.send(bot.Recipient{ChatID: quiet}, bot.Outgoing{Text: "x", Lang: "it"}); !isHeld(err) {
			t.Fatalf("outside the window: %v, want the message held", err)
		}
		if sent := e.graph.sent(); len(sent) != 1 || sent[0].Template == nil || sent[0].Recipient != quiet || sent[0].To != "" {
			t.Fatalf("template sent %+v", sent)
		}

		// The person joins (the flows link the update's ids), then writes with the number shown.
		b, _ := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "MI", Lang: "it"}, testStart)
		ident, err := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: bot.WhatsApp, ExternalID: waUser, ChatID: waUser, BeneficiaryID: b.ID}, testStart)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"bsuid_with_phone.json", "text.json"} {
			if code := e.postFixture(f); code != http.StatusOK {
				t.Fatalf("%s answered %d", f, code)
			}
		}
		got = e.rec.updates()
		if len(got) != 3 {
			t.Fatalf("%d updates", len(got))
		}
		for _, in := range got[1:] {
			if in.UserID != waUser || in.ChatID != waUser {
				t.Fatalf("update %s keyed on %s/%s, want the identity's user id", in.UpdateID, in.UserID, in.ChatID)
			}
		}
		var n int
		_ = db.Get(ctx, &n, `SELECT COUNT(*) FROM identities WHERE channel = 'whatsapp'`)
		if alt, _ := storage.WhatsAppAltID(ctx, db, ident.ID); n != 1 || alt != waA {
			t.Fatalf("%d identities, alt id %q: want one identity knowing both ids", n, alt)
		}

		// A message to the user id that WhatsApp cannot deliver marks the identity unreachable,
		// though the status names no phone number.
		if _, err := storage.Enqueue(ctx, db, storage.NewOutboxMessage{IdentityID: ident.ID, Channel: bot.WhatsApp, ChatID: waUser, Kind: "reply", Payload: `{"text":"x"}`}, testStart); err != nil {
			t.Fatal(err)
		}
		if code := e.postFixture("status_bsuid_failed_131026.json"); code != http.StatusOK {
			t.Fatalf("status answered %d", code)
		}
		if got, _ := storage.IdentityByID(ctx, db, ident.ID); !got.UnreachableAt.Valid {
			t.Fatal("an undeliverable user id left reachable")
		}
	})
}

// A send to a phone number whose response shows the user id too teaches the identity its other
// id: the person's next message without a number still finds them. A person who joined with
// both ids shown has them recorded as well.
func TestSendResponseAndJoiningRecordTheOtherID(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ident := linkedIdentity(t, e) // keyed on the phone number waA
	e.graph.userIDs = map[string]string{waA: waUser}
	if _, err := e.send(recent(e), bot.Outgoing{Text: "Ciao"}); err != nil {
		t.Fatal(err)
	}
	if sent := e.graph.sent(); len(sent) != 1 || sent[0].To != waA || sent[0].Recipient != "" {
		t.Fatalf("sent %+v, want to=%s", sent, waA)
	}
	if alt, _ := storage.WhatsAppAltID(ctx, e.db, ident.ID); alt != waUser {
		t.Fatalf("alt id %q after a send response showing %s", alt, waUser)
	}
	if code := e.postFixture("bsuid_text.json"); code != http.StatusOK {
		t.Fatalf("answered %d", code)
	}
	if got := e.rec.updates(); len(got) != 1 || got[0].UserID != waA || got[0].ChatID != waA {
		t.Fatalf("updates %+v, want the phone-number identity", got)
	}

	// Someone unknown writes with both ids; the flows link them (as an invite code would) while
	// handling that very update: the identity knows the user id afterwards.
	e2 := newEnv(t)
	e2.rec.link = func(ctx context.Context, tx *storage.Tx, in bot.Incoming) error {
		b, err := storage.CreateBeneficiary(ctx, tx, storage.NewBeneficiary{Territory: "MI", Lang: "it"}, testStart)
		if err == nil {
			_, err = storage.LinkIdentity(ctx, tx, storage.NewIdentity{Channel: bot.WhatsApp, ExternalID: in.UserID, ChatID: in.ChatID, BeneficiaryID: b.ID}, testStart)
		}
		return err
	}
	if code := e2.postFixture("bsuid_with_phone.json"); code != http.StatusOK {
		t.Fatalf("answered %d", code)
	}
	e2.rec.link = nil
	if code := e2.postFixture("bsuid_text.json"); code != http.StatusOK {
		t.Fatalf("answered %d", code)
	}
	if got := e2.rec.updates(); len(got) != 2 || got[1].UserID != waA {
		t.Fatalf("updates %+v, want the message without a number keyed on the joined identity", got)
	}
}
