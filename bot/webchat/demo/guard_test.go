package demo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot/webchat/demo"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func trySeed(db *storage.DB, r *storage.Redis) error {
	_, _, err := demo.Seed(context.Background(), db, r, demo.Options{Location: time.UTC, InviteTTL: time.Hour, Now: now})
	return err
}

// The demo never seeds a database with real people: only an empty one, or one it created
// (recorded, or seeded by an older version and showing no sign of real use).
func TestDemoRefusesADatabaseWithRealPeople(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		r := storagetest.Redis(t)
		// A real database: a tutor and a beneficiary on Telegram.
		tutor, err := storage.CreateStaff(ctx, db, storage.NewStaff{DisplayName: "Giulia", Role: storage.RoleTutor, Territory: "MI"}, now)
		if err != nil {
			t.Fatal(err)
		}
		b, err := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "MI", TutorID: tutor, DisplayName: "Amina"}, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "telegram", ExternalID: "777", ChatID: "777", BeneficiaryID: b.ID}, now); err != nil {
			t.Fatal(err)
		}
		before := counts(t, db)
		var real *demo.RealPeopleError
		if err := trySeed(db, r); !errors.As(err, &real) || real.Population.Beneficiaries != 1 || real.Population.Platform != 1 {
			t.Fatalf("seed on a real database: %v", err)
		}
		if after := counts(t, db); !equal(before, after) {
			t.Fatalf("the refused seed wrote: %v -> %v", before, after)
		}
		// Even with the old marker in the audit log (an older --demo run on it once).
		if err := storage.Audit(ctx, db, storage.AuditEntry{At: now, ActorKind: storage.ActorCLI, Action: "demo.seed"}); err != nil {
			t.Fatal(err)
		}
		if err := trySeed(db, r); !errors.As(err, &real) {
			t.Fatalf("seed on a real database with an old marker: %v", err)
		}
	})
}

func TestDemoRunsOnAnEmptyDatabaseOrItsOwn(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		r := storagetest.Redis(t)
		// Recorded as real by a serve without --demo, but still empty: the demo may take it.
		if err := storage.MarkReal(ctx, db, now); err != nil {
			t.Fatal(err)
		}
		if err := trySeed(db, r); err != nil {
			t.Fatalf("seed on an empty database: %v", err)
		}
		if mode, _ := storage.InstanceMode(ctx, db); mode != storage.ModeDemo {
			t.Fatalf("mode %q after the seed", mode)
		}
		if err := trySeed(db, r); err != nil {
			t.Fatalf("the demo's own database: %v", err)
		}
		// Seeded by a version that recorded no mode: still the demo's, while nobody real used it.
		if _, err := db.Exec(ctx, `DELETE FROM instance_mode`); err != nil {
			t.Fatal(err)
		}
		if err := trySeed(db, r); err != nil {
			t.Fatalf("an older demo database: %v", err)
		}
		// Once a real serve or an invite used it, it is real.
		if err := storage.SetInstanceMode(ctx, db, storage.ModeReal, now); err != nil {
			t.Fatal(err)
		}
		var real *demo.RealPeopleError
		if err := trySeed(db, r); !errors.As(err, &real) {
			t.Fatalf("a demo database used for real: %v", err)
		}
	})
}
