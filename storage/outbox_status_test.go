package storage_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func TestReceiptsNeverGoBackwards(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		oid, err := storage.Enqueue(ctx, db, storage.NewOutboxMessage{Channel: "whatsapp", ChatID: "393330000001", Kind: "reply", Payload: `{"text":"x"}`}, t0)
		if err != nil {
			t.Fatal(err)
		}
		msgs, _ := storage.ClaimOutbox(ctx, db, "s1", "whatsapp", 0, 1, t0, time.Minute)
		if len(msgs) != 1 {
			t.Fatalf("claimed %d", len(msgs))
		}
		if err := storage.MarkSent(ctx, db, oid, "s1", "wamid.A", t0); err != nil {
			t.Fatal(err)
		}
		m, err := storage.OutboxByProvider(ctx, db, "whatsapp", "wamid.A")
		if err != nil || m.ID != oid {
			t.Fatalf("by provider: %+v %v", m, err)
		}
		if _, err := storage.OutboxByProvider(ctx, db, "telegram", "wamid.A"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("another channel's provider id found: %v", err)
		}
		if _, err := storage.ReceiptOf(ctx, db, oid); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("receipt before any status: %v", err)
		}
		steps := []struct {
			status string
			want   string
		}{
			{storage.ReceiptSent, "sent"},
			{storage.ReceiptRead, "read"},
			{storage.ReceiptDelivered, "read"}, // late and out of order: ignored
			{storage.ReceiptSent, "read"},
		}
		for i, s := range steps {
			if err := storage.RecordReceipt(ctx, db, oid, s.status, 0, t0.Add(time.Duration(i)*time.Second)); err != nil {
				t.Fatal(err)
			}
			r, err := storage.ReceiptOf(ctx, db, oid)
			if err != nil || r.Status != s.want {
				t.Fatalf("after %s: %+v %v, want %s", s.status, r, err, s.want)
			}
		}
		if err := storage.RecordReceipt(ctx, db, oid, storage.ReceiptFailed, 131047, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if r, _ := storage.ReceiptOf(ctx, db, oid); r.Status != "failed" || r.ErrorCode.Int64 != 131047 {
			t.Fatalf("failure not recorded: %+v", r)
		}
	})
}

func TestTemplateFallbackTakenOnce(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		tutor := mustStaff(t, db, storage.RoleTutor, "MI")
		b := mustBeneficiary(t, db, "MI", tutor.ID)
		ident, err := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "whatsapp", ExternalID: "393330000002", ChatID: "393330000002", BeneficiaryID: b.ID}, t0)
		if err != nil {
			t.Fatal(err)
		}
		f := storage.NewTemplateFallback{ProviderIDs: []string{"wamid.1", "wamid.2"}, ChatID: ident.ChatID, IdentityID: ident.ID,
			Payload: `{"template":{"kind":"notification"}}`, WindowEndsAt: t0.Add(24 * time.Hour)}
		if err := storage.SaveTemplateFallback(ctx, db, f, t0); err != nil {
			t.Fatal(err)
		}
		// Saving again (a retried send) changes nothing.
		if err := storage.SaveTemplateFallback(ctx, db, f, t0); err != nil {
			t.Fatal(err)
		}
		got, err := storage.TemplateFallbackOf(ctx, db, "wamid.2")
		if err != nil || got.Group != "wamid.1" || got.IdentityID.Int64 != ident.ID || !got.WindowEndsAt.Time.Equal(t0.Add(24*time.Hour)) {
			t.Fatalf("fallback = %+v %v", got, err)
		}
		// Two failures of the same message handled at once: one takes the group.
		var wg sync.WaitGroup
		var mu sync.Mutex
		taken := 0
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := db.InTx(ctx, func(tx *storage.Tx) error {
					ok, err := storage.TakeTemplateFallback(ctx, tx, got.Group)
					if ok {
						mu.Lock()
						taken++
						mu.Unlock()
					}
					return err
				})
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if taken != 1 {
			t.Fatalf("fallback taken %d times, want once", taken)
		}
		if _, err := storage.TemplateFallbackOf(ctx, db, "wamid.1"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("taken fallback still there: %v", err)
		}

		// A delivered message's fallback is dropped; old ones are purged.
		_ = storage.SaveTemplateFallback(ctx, db, storage.NewTemplateFallback{ProviderIDs: []string{"wamid.3"}, ChatID: "x", Payload: "{}"}, t0)
		_ = storage.SaveTemplateFallback(ctx, db, storage.NewTemplateFallback{ProviderIDs: []string{"wamid.4"}, ChatID: "x", Payload: "{}"}, t0.Add(time.Hour))
		if err := storage.DropTemplateFallback(ctx, db, "wamid.3"); err != nil {
			t.Fatal(err)
		}
		if _, err := storage.TemplateFallbackOf(ctx, db, "wamid.3"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatal("dropped fallback still there")
		}
		_ = storage.SaveTemplateFallback(ctx, db, storage.NewTemplateFallback{ProviderIDs: []string{"wamid.5"}, ChatID: "x", Payload: "{}"}, t0)
		if n, err := storage.PurgeTemplateFallbacks(ctx, db, t0.Add(time.Minute)); err != nil || n != 1 {
			t.Fatalf("purged %d, %v; want 1", n, err)
		}
		if _, err := storage.TemplateFallbackOf(ctx, db, "wamid.4"); err != nil {
			t.Fatal("a recent fallback was purged")
		}

		// Erasing the person removes their fallbacks with the identity.
		_ = storage.SaveTemplateFallback(ctx, db, storage.NewTemplateFallback{ProviderIDs: []string{"wamid.6"}, ChatID: ident.ChatID, IdentityID: ident.ID, Payload: "{}"}, t0)
		if _, err := storage.EraseBeneficiary(ctx, db, b.ID, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := storage.TemplateFallbackOf(ctx, db, "wamid.6"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("fallback of an erased person kept: %v", err)
		}
	})
}

func TestChoiceLists(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		if _, err := storage.ChoiceListOf(ctx, db, "c1"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("list of a new chat: %v", err)
		}
		_ = storage.SaveChoiceList(ctx, db, storage.ChoiceList{ChatID: "c1", Token: "a", Payload: "p1", UpdatedAt: t0})
		if err := storage.SaveChoiceList(ctx, db, storage.ChoiceList{ChatID: "c1", Token: "b", Payload: "p2", UpdatedAt: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		_ = storage.SaveChoiceList(ctx, db, storage.ChoiceList{ChatID: "c2", Token: "c", Payload: "p3", UpdatedAt: t0})
		l, err := storage.ChoiceListOf(ctx, db, "c1")
		if err != nil || l.Token != "b" || l.Payload != "p2" {
			t.Fatalf("the newer list does not replace the older: %+v %v", l, err)
		}
		if n, _ := storage.PurgeChoiceLists(ctx, db, t0.Add(time.Minute)); n != 1 {
			t.Fatalf("purged %d lists, want 1", n)
		}
		_ = storage.SaveTemplateFallback(ctx, db, storage.NewTemplateFallback{ProviderIDs: []string{"w"}, ChatID: "c1", Payload: "{}"}, t0)
		if err := storage.ForgetWhatsAppChat(ctx, db, "c1"); err != nil {
			t.Fatal(err)
		}
		if _, err := storage.ChoiceListOf(ctx, db, "c1"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatal("forgotten chat keeps its list")
		}
		if _, err := storage.TemplateFallbackOf(ctx, db, "w"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatal("forgotten chat keeps its fallbacks")
		}
	})
}
