package storage_test

import (
	"context"
	"testing"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// Home lists the newest open alerts, a page of them, and says how many are open in all.
func TestNewestOpenAlertsAreAPageAndACount(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		tutor := mustStaff(t, db, storage.RoleTutor, "MI")
		other := mustStaff(t, db, storage.RoleTutor, "MI")
		b := mustBeneficiary(t, db, "MI", tutor.ID)
		var ids []int64
		for range 4 {
			a, err := storage.CreateAlert(ctx, db, tutor.ID, b.ID, storage.AlertMessage, 0, t0)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, a.ID)
		}
		if _, err := storage.CreateAlert(ctx, db, other.ID, b.ID, storage.AlertMessage, 0, t0); err != nil {
			t.Fatal(err)
		}
		if ok, err := storage.HandleAlert(ctx, db, ids[3], tutor.ID, t0); err != nil || !ok {
			t.Fatalf("handle: %v %v", ok, err)
		}
		got, total, err := storage.NewestOpenAlerts(ctx, db, tutor.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if total != 3 || len(got) != 2 || got[0].ID != ids[2] || got[1].ID != ids[1] || got[0].Code != b.Code {
			t.Fatalf("total %d, page %+v; want 3 open, alerts %d and %d", total, got, ids[2], ids[1])
		}
	})
}
