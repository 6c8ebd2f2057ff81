package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// TestOperatorRoleAfterMigration: once migrated, both dialects accept an operator (staff and
// invite roles) on every connection of the pool, still refuse a made-up role, and keep
// operators' centres.
func TestOperatorRoleAfterMigration(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
		c, err := storage.EnsureCentre(ctx, db, "MI", "  Casa   Aurora ", now)
		if err != nil {
			t.Fatal(err)
		}
		if again, err := storage.EnsureCentre(ctx, db, "MI", "casa aurora", now); err != nil || again.ID != c.ID || c.Name != "Casa Aurora" {
			t.Fatalf("the same centre typed again: %+v %v (first %+v)", again, err, c)
		}
		// Several at once, so the pool's other connections insert too.
		errs := make(chan error, 8)
		for range 8 {
			go func() {
				id, err := storage.CreateStaff(ctx, db, storage.NewStaff{Role: storage.RoleOperator, Territory: "MI", CentreID: c.ID}, now)
				if err == nil {
					_, _, err = storage.CreateInvite(ctx, db, storage.NewInvite{Role: storage.RoleOperator, StaffID: id, TTL: time.Hour}, now)
				}
				errs <- err
			}()
		}
		for range 8 {
			if err := <-errs; err != nil {
				t.Fatalf("an operator refused: %v", err)
			}
		}
		if _, err := storage.CreateStaff(ctx, db, storage.NewStaff{Role: "janitor", Territory: "MI"}, now); err == nil {
			t.Fatal("a made-up role was accepted")
		}
		staff, err := storage.ListStaff(ctx, db, "MI")
		if err != nil || len(staff) != 8 || staff[0].CentreID.Int64 != c.ID || staff[0].Role != storage.RoleOperator {
			t.Fatalf("staff = %+v, %v", staff, err)
		}
	})
}
