package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// Six people taking the last place of a session at the same moment: one gets it, five are told
// it is full, and the session never holds more than its capacity. Several rounds, so that a
// check-then-insert race would show.
func TestEnrolWithinCapacityIsOneStepUnderConcurrency(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		lab, err := storage.CreateLab(ctx, db, "LabIn Lavoro", "", 0, t0)
		if err != nil {
			t.Fatal(err)
		}
		mod, err := storage.CreateModule(ctx, db, lab.ID, "CV", t0)
		if err != nil {
			t.Fatal(err)
		}
		var people []storage.Beneficiary
		for range 6 {
			people = append(people, mustBeneficiary(t, db, "MI", 0))
		}
		for round, capacity := range []int64{1, 1, 1, 2, 5} {
			start := time.Date(2026, 12, 10+round, 9, 0, 0, 0, time.UTC)
			s, err := storage.CreateSession(ctx, db, storage.NewSession{ModuleID: mod.ID, Territory: "MI", StartsAt: start,
				EndsAt: start.Add(2 * time.Hour), Place: "Via Padova 36", OpenEnrolment: true, Capacity: capacity}, t0)
			if err != nil {
				t.Fatal(err)
			}
			outcomes := make([]storage.EnrolOutcome, len(people))
			errs := make([]error, len(people))
			var wg sync.WaitGroup
			start1 := make(chan struct{})
			for i, b := range people {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start1
					errs[i] = db.InTx(ctx, func(tx *storage.Tx) error {
						var err error
						outcomes[i], err = storage.EnrolWithinCapacity(ctx, tx, s.ID, b.ID, 0, t0)
						return err
					})
				}()
			}
			close(start1)
			wg.Wait()
			var enrolled, full int64
			for i, err := range errs {
				if err != nil {
					t.Fatalf("round %d, person %d: %v", round, i, err)
				}
				switch outcomes[i] {
				case storage.EnrolledNow:
					enrolled++
				case storage.SessionFull:
					full++
				}
			}
			room, err := storage.RoomOf(ctx, db, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if enrolled != capacity || full != int64(len(people))-capacity || room.Enrolled != capacity || room.Free() != 0 {
				t.Fatalf("round %d, capacity %d: %d enrolled, %d told full, %d in the session", round, capacity, enrolled, full, room.Enrolled)
			}
			// Someone already in gets "already", not a second place; a full session takes nobody.
			if got, err := enrolIn(ctx, db, s.ID, people[0].ID); err != nil || (got != storage.AlreadyEnrolled && got != storage.SessionFull) {
				t.Fatalf("again: %v %v", got, err)
			}
		}
		// Without a capacity everyone gets in.
		start := time.Date(2026, 12, 20, 9, 0, 0, 0, time.UTC)
		s, err := storage.CreateSession(ctx, db, storage.NewSession{ModuleID: mod.ID, Territory: "MI", StartsAt: start,
			EndsAt: start.Add(2 * time.Hour), Place: "Via Padova 36", OpenEnrolment: true}, t0)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range people {
			if got, err := enrolIn(ctx, db, s.ID, b.ID); err != nil || got != storage.EnrolledNow {
				t.Fatalf("no capacity: %v %v", got, err)
			}
		}
		if got, _ := enrolIn(ctx, db, s.ID, people[0].ID); got != storage.AlreadyEnrolled {
			t.Fatalf("twice: %v", got)
		}
	})
}

func enrolIn(ctx context.Context, db *storage.DB, sessionID, beneficiaryID int64) (storage.EnrolOutcome, error) {
	var got storage.EnrolOutcome
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		got, err = storage.EnrolWithinCapacity(ctx, tx, sessionID, beneficiaryID, 0, t0)
		return err
	})
	return got, err
}
