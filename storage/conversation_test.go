package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// A tutor reads the conversation newest first, a page at a time; the retention removes what is
// older than it; "Delete my data" removes the person's whole conversation and no one else's.
func TestConversationIsPagedPurgedAndErased(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a := mustBeneficiary(t, db, "MI", 0)
		b := mustBeneficiary(t, db, "MI", 0)
		for i, m := range []storage.NewConversationMessage{
			{BeneficiaryID: a.ID, Direction: storage.ToTutor, Body: "old question"},
			{BeneficiaryID: a.ID, Direction: storage.ToPerson, Body: "an answer"},
			{BeneficiaryID: a.ID, Direction: storage.ToTutor, Body: "", MediaKind: "voice"},
			{BeneficiaryID: b.ID, Direction: storage.ToTutor, Body: "someone else"},
		} {
			if _, err := storage.AppendConversation(ctx, db, m, t0.Add(time.Duration(i)*24*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := storage.AppendConversation(ctx, db, storage.NewConversationMessage{BeneficiaryID: a.ID, Direction: "sideways", Body: "x"}, t0); err == nil {
			t.Fatal("a message without a direction was kept")
		}
		page, err := storage.ConversationOf(ctx, db, a.ID, 0, 2)
		if err != nil || len(page) != 2 || page[0].MediaKind.String != "voice" || page[1].Body != "an answer" || page[1].Direction != storage.ToPerson {
			t.Fatalf("first page %+v %v", page, err)
		}
		older, err := storage.ConversationOf(ctx, db, a.ID, page[1].ID, 2)
		if err != nil || len(older) != 1 || older[0].Body != "old question" {
			t.Fatalf("second page %+v %v", older, err)
		}
		if n, err := storage.PurgeConversations(ctx, db, t0.Add(36*time.Hour)); err != nil || n != 2 {
			t.Fatalf("purge before day 1.5: %d %v, want the first two gone", n, err)
		}
		if left, _ := storage.ConversationOf(ctx, db, a.ID, 0, 10); len(left) != 1 {
			t.Fatalf("after the purge %+v", left)
		}
		if _, err := storage.EraseBeneficiary(ctx, db, a.ID, t0.Add(96*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if left, _ := storage.ConversationOf(ctx, db, a.ID, 0, 10); len(left) != 0 {
			t.Fatalf("after erasure %+v", left)
		}
		if other, _ := storage.ConversationOf(ctx, db, b.ID, 0, 10); len(other) != 1 {
			t.Fatalf("someone else's conversation went with the erasure: %+v", other)
		}
	})
}
