package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func TestGauges(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
		tutor, err := storage.CreateStaff(ctx, db, storage.NewStaff{Role: storage.RoleTutor, Territory: "MI"}, now)
		if err != nil {
			t.Fatal(err)
		}
		var people []storage.Beneficiary
		for _, terr := range []string{"MI", "MI", "MI", "BO"} {
			b, err := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: terr, Lang: "en", TutorID: tutor}, now)
			if err != nil {
				t.Fatal(err)
			}
			people = append(people, b)
		}
		if err := storage.MarkOnboarded(ctx, db, people[0].ID, now); err != nil {
			t.Fatal(err)
		}
		if _, err := storage.EraseBeneficiary(ctx, db, people[2].ID, now); err != nil {
			t.Fatal(err)
		}
		a1, _ := storage.CreateAlert(ctx, db, tutor, people[0].ID, "help", 0, now)
		_, _ = storage.CreateAlert(ctx, db, tutor, people[0].ID, "help", 0, now)
		_, _ = storage.CreateAlert(ctx, db, tutor, people[1].ID, "message", 0, now)
		if _, err := storage.HandleAlert(ctx, db, a1.ID, tutor, now); err != nil {
			t.Fatal(err)
		}
		for i, key := range []string{"a", "b", "c"} {
			if err := storage.PlanReminder(ctx, db, storage.NewReminder{Kind: "test", TargetKey: key, BeneficiaryID: people[0].ID,
				DueAt: now.Add(time.Duration(i) * time.Hour)}, now); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := storage.CancelReminders(ctx, db, "test", "c", "test"); err != nil {
			t.Fatal(err)
		}

		g, err := storage.ReadGauges(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		want := []storage.BeneficiaryCount{{Territory: "BO", Status: "invited", N: 1}, {Territory: "MI", Status: "active", N: 1}, {Territory: "MI", Status: "invited", N: 1}}
		if len(g.Beneficiaries) != len(want) {
			t.Fatalf("beneficiaries %+v, want %+v", g.Beneficiaries, want)
		}
		for i := range want {
			if g.Beneficiaries[i] != want[i] {
				t.Fatalf("beneficiaries %+v, want %+v", g.Beneficiaries, want)
			}
		}
		if g.OpenAlerts["help"] != 1 || g.OpenAlerts["message"] != 1 || len(g.OpenAlerts) != 2 || g.Reminders != 2 {
			t.Fatalf("alerts %v, reminders %d; want help 1, message 1, 2 reminders", g.OpenAlerts, g.Reminders)
		}
	})
}
