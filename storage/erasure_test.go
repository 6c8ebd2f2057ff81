package storage_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// Erasure replaces the person's code and name in what staff wrote (and the audit log's older
// entries point at the record instead), and deletes the messages to others that name them;
// what names someone else, even a code that starts the same, is left alone.
func TestErasureScrubsFreeTextAndMessagesAboutThePerson(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		tutor := mustStaff(t, db, storage.RoleTutor, "MI")
		b := mustBeneficiary(t, db, "MI", tutor.ID) // Amina, MI-001
		for range 9 {
			mustBeneficiary(t, db, "MI", tutor.ID)
		}
		other := mustBeneficiary(t, db, "MI", tutor.ID) // MI-011
		if b.Code != "MI-001" || other.Code != "MI-011" {
			t.Fatalf("codes %s %s", b.Code, other.Code)
		}
		tutorChat, err := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "telegram", ExternalID: "900", ChatID: "900", StaffID: tutor.ID}, t0)
		if err != nil {
			t.Fatal(err)
		}
		step, err := storage.AddStep(ctx, db, storage.NewStep{BeneficiaryID: b.ID, Area: storage.AreaDocuments, Title: "Rinnovo permesso di Amina (MI-001)",
			CreatedBy: tutor.ID}, t0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range []storage.AuditEntry{
			{At: t0, ActorKind: "staff", ActorID: nullI(tutor.ID), Action: "/reply", TargetKind: "beneficiary", TargetID: "MI-001", Detail: "MI-001 MI-011"},
			{At: t0, ActorKind: "staff", ActorID: nullI(tutor.ID), Action: "/reply", TargetKind: "beneficiary", TargetID: "MI-0010"},
		} {
			if err := storage.Audit(ctx, db, e); err != nil {
				t.Fatal(err)
			}
		}
		enqueue := func(payload string) {
			if _, err := storage.Enqueue(ctx, db, storage.NewOutboxMessage{IdentityID: tutorChat.ID, Channel: "telegram", ChatID: "900",
				Kind: "alert", Payload: payload}, t0); err != nil {
				t.Fatal(err)
			}
		}
		enqueue(`{"text":"💬 Messaggio da MI-001: la muffa è tornata"}`)
		enqueue(`{"text":"💬 Messaggio da MI-011: anche da me"}`)
		enqueue(`{"text":"💬 Messaggio da MI-0010: niente"}`)
		if _, err := storage.AppendWebchat(ctx, db, "tutor-web", `{"text":"Amina ha scritto"}`, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := storage.AppendWebchat(ctx, db, "tutor-web", `{"text":"Aminata ha scritto"}`, t0); err != nil {
			t.Fatal(err)
		}

		if _, err := storage.EraseBeneficiary(ctx, db, b.ID, t0); err != nil {
			t.Fatal(err)
		}
		got, err := storage.StepByID(ctx, db, step.ID)
		if err != nil || got.Title.String != "Rinnovo permesso di [erased] ([erased])" {
			t.Fatalf("step title %q, %v", got.Title.String, err)
		}
		entries, err := storage.AuditEntries(ctx, db, storage.AuditFilter{Action: "/reply"})
		if err != nil || len(entries) != 2 {
			t.Fatal(err)
		}
		id := strconv.FormatInt(b.ID, 10)
		if entries[1].TargetID != id || entries[1].Detail != "#"+id+" MI-011" || entries[0].TargetID != "MI-0010" {
			t.Fatalf("audit = %+v", entries)
		}
		var payloads []string
		if err := db.Select(ctx, &payloads, `SELECT payload FROM outbox ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		if len(payloads) != 2 || strings.Contains(strings.Join(payloads, " "), "muffa") {
			t.Fatalf("outbox after erasure: %q", payloads)
		}
		msgs, err := storage.WebchatAfter(ctx, db, "tutor-web", 0, 10)
		if err != nil || len(msgs) != 1 || !strings.Contains(msgs[0].Payload, "Aminata") {
			t.Fatalf("web-chat history after erasure: %+v %v", msgs, err)
		}
	})
}

// The Redis part: keys naming the person's chats and values naming them go, others stay.
func TestErasureClearsRedis(t *testing.T) {
	ctx := context.Background()
	r := storagetest.Redis(t)
	n := storage.ErasureNeedles{BeneficiaryID: 7, Words: []string{"MI-007", "Amina Yusuf"},
		Chats:    []storage.ChatRef{{Channel: "telegram", ChatID: "5550123487"}, {Channel: "whatsapp", ChatID: "393331234567"}},
		Accounts: []string{"5550123487", "393331234567"}, IdentityIDs: []int64{12}}
	c := r.Client()
	set := map[string]string{
		r.Key("wa", "inbound", "393331234567"):            "1700000000000",
		r.Key("state", "id:12"):                           `{"step":"tutor_chat"}`,
		r.Key("state", "id:13"):                           `{"step":"kform","data":{"codes":"MI-007 MI-008"}}`,
		r.Key("state", "id:14"):                           `{"step":"kform","data":{"codes":"MI-0070"}}`,
		r.Key("count", "invite-fail:telegram:5550123487"): "2",
		r.Key("lock", "chat:telegram:5550123487"):         "token",
		r.Key("other", "55501234870"):                     "x",
	}
	for k, v := range set {
		if err := c.Set(ctx, k, v, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.HSet(ctx, r.Key("bucket", "chat:whatsapp:393331234567"), "tokens", "3").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.RPush(ctx, r.Key("queue", "tutor"), "Amina Yusuf wrote", "someone else").Err(); err != nil {
		t.Fatal(err)
	}
	if err := r.ErasePersonRedis(ctx, n, false); err != nil {
		t.Fatal(err)
	}
	left := map[string]bool{}
	iter := c.Scan(ctx, 0, r.Key("")+"*", 100).Iterator()
	for iter.Next(ctx) {
		left[iter.Val()] = true
	}
	want := map[string]bool{r.Key("state", "id:14"): true, r.Key("other", "55501234870"): true,
		r.Key("lock", "chat:telegram:5550123487"): true} // the erasure's own update holds its chat's lock
	if len(left) != len(want) {
		t.Fatalf("left %v, want %v", left, want)
	}
	for k := range want {
		if !left[k] {
			t.Fatalf("left %v, want %v", left, want)
		}
	}
	if err := r.ErasePersonRedis(ctx, n, true); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Exists(ctx, r.Key("lock", "chat:telegram:5550123487")).Result(); n != 0 {
		t.Fatal("the second purge left the chat's lock")
	}
}
