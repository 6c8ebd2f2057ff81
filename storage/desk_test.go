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

func TestDeskLinksAreStoredHashedAndUsedOnce(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := mustStaff(t, db, storage.RoleTutor, "MI")
		token, err := storage.IssueDeskLink(ctx, db, s.ID, t0.Add(10*time.Minute), t0)
		if err != nil {
			t.Fatal(err)
		}
		if len(token) != 43 {
			t.Fatalf("token %q: want 32 random bytes in base64url", token)
		}
		var stored string
		if err := db.Get(ctx, &stored, `SELECT token_hash FROM desk_login_links`); err != nil || stored == token {
			t.Fatalf("the token itself is stored (%v)", err)
		}
		l, err := storage.DeskLinkByToken(ctx, db, token)
		if err != nil || l.StaffID != s.ID || l.UsedAt.Valid || !l.ExpiresAt.Equal(t0.Add(10*time.Minute)) {
			t.Fatalf("link = %+v, %v", l, err)
		}
		// Expired: not usable, and still unused.
		if _, ok, err := storage.UseDeskLink(ctx, db, token, t0.Add(10*time.Minute)); ok || err != nil {
			t.Fatalf("an expired link was used: %v %v", ok, err)
		}
		// A rolled-back login leaves the link for the next try.
		_ = db.InTx(ctx, func(tx *storage.Tx) error {
			if _, ok, err := storage.UseDeskLink(ctx, tx, token, t0); !ok || err != nil {
				t.Fatalf("use in tx: %v %v", ok, err)
			}
			return context.Canceled
		})
		// Two at once: one gets it.
		var wg sync.WaitGroup
		var mu sync.Mutex
		got := 0
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id, ok, err := storage.UseDeskLink(ctx, db, token, t0.Add(time.Minute))
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					got++
					mu.Unlock()
					if id != s.ID {
						t.Errorf("used for staff %d, want %d", id, s.ID)
					}
				}
			}()
		}
		wg.Wait()
		if got != 1 {
			t.Fatalf("the link was used %d times, want once", got)
		}
		if l, err := storage.DeskLinkByToken(ctx, db, token); err != nil || !l.UsedAt.Valid {
			t.Fatalf("after use: %+v %v", l, err)
		}
		for _, bad := range []string{"", "made-up"} {
			if _, ok, err := storage.UseDeskLink(ctx, db, bad, t0); ok || err != nil {
				t.Fatalf("%q: %v %v", bad, ok, err)
			}
		}
		if _, err := storage.DeskLinkByToken(ctx, db, "made-up"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("unknown link: %v", err)
		}
		if err := storage.ForgetDeskLinks(ctx, db, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := storage.DeskLinkByToken(ctx, db, token); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("a link expired long ago is kept: %v", err)
		}
	})
}

func TestDeskSessions(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a := mustStaff(t, db, storage.RoleTutor, "MI")
		b := mustStaff(t, db, storage.RoleCoordinator, "")
		a1, err := storage.CreateDeskSession(ctx, db, a.ID, t0)
		if err != nil {
			t.Fatal(err)
		}
		a2, _ := storage.CreateDeskSession(ctx, db, a.ID, t0)
		b1, _ := storage.CreateDeskSession(ctx, db, b.ID, t0)
		if a1 == a2 || len(a1) != 43 {
			t.Fatalf("tokens %q %q", a1, a2)
		}
		var stored []string
		if err := db.Select(ctx, &stored, `SELECT token_hash FROM desk_sessions`); err != nil {
			t.Fatal(err)
		}
		for _, h := range stored {
			if h == a1 || h == a2 || h == b1 {
				t.Fatal("a session token itself is stored")
			}
		}
		if err := storage.TouchDeskSession(ctx, db, a1, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		s, err := storage.DeskSessionByToken(ctx, db, a1)
		if err != nil || s.StaffID != a.ID || !s.LastSeenAt.Equal(t0.Add(time.Hour)) || !s.CreatedAt.Equal(t0) {
			t.Fatalf("session = %+v, %v", s, err)
		}
		if ended, err := storage.EndDeskSession(ctx, db, a2); !ended || err != nil {
			t.Fatalf("end: %v %v", ended, err)
		}
		if ended, err := storage.EndDeskSession(ctx, db, a2); ended || err != nil {
			t.Fatalf("end twice: %v %v", ended, err)
		}
		a3, _ := storage.CreateDeskSession(ctx, db, a.ID, t0)
		if n, err := storage.EndDeskSessionsOf(ctx, db, a.ID); n != 2 || err != nil {
			t.Fatalf("ended %d sessions of a (%v), want 2", n, err)
		}
		for _, tok := range []string{a1, a3} {
			if _, err := storage.DeskSessionByToken(ctx, db, tok); !errors.Is(err, storage.ErrNotFound) {
				t.Fatalf("a session survived the end of all: %v", err)
			}
		}
		if _, err := storage.DeskSessionByToken(ctx, db, b1); err != nil {
			t.Fatalf("another staff member's session ended: %v", err)
		}
		if err := storage.ForgetDeskSessions(ctx, db, t0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, err := storage.DeskSessionByToken(ctx, db, b1); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("an idle session is kept: %v", err)
		}
	})
}

func TestCaseloadSummary(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		tutor := mustStaff(t, db, storage.RoleTutor, "MI")
		other := mustStaff(t, db, storage.RoleTutor, "BO")
		b1 := mustBeneficiary(t, db, "MI", tutor.ID)
		b2 := mustBeneficiary(t, db, "MI", tutor.ID)
		mustBeneficiary(t, db, "MI", tutor.ID) // invited, no steps
		b4 := mustBeneficiary(t, db, "BO", other.ID)
		closed := mustBeneficiary(t, db, "MI", tutor.ID)
		for _, b := range []storage.Beneficiary{b1, b2, b4, closed} {
			if err := storage.MarkOnboarded(ctx, db, b.ID, t0); err != nil {
				t.Fatal(err)
			}
		}
		if err := storage.SetBeneficiaryStatus(ctx, db, closed.ID, "closed", t0); err != nil {
			t.Fatal(err)
		}
		step := func(b storage.Beneficiary, due string, done bool) {
			s, err := storage.AddStep(ctx, db, storage.NewStep{BeneficiaryID: b.ID, Area: "housing", Title: "x", DueDate: due}, t0)
			if err != nil {
				t.Fatal(err)
			}
			if done {
				if _, err := storage.SetStepStatus(ctx, db, s.ID, storage.StepDone, storage.Actor{Kind: storage.ActorSystem}, t0); err != nil {
					t.Fatal(err)
				}
			}
		}
		step(b1, "2026-11-01", false) // overdue
		step(b1, "2026-11-02", false) // overdue
		step(b1, "2026-11-03", true)  // done
		step(b2, "2026-11-01", false) // overdue
		step(b2, "2026-12-20", false)
		step(b2, "", true)
		step(b4, "2026-11-01", false)     // another tutor's
		step(closed, "2026-11-01", false) // a closed case's

		got, err := storage.CaseloadSummary(ctx, db, storage.CaseloadFilter{TutorID: tutor.ID}, "2026-12-01")
		if err != nil {
			t.Fatal(err)
		}
		want := storage.CaseloadTotals{People: 3, Active: 2, Invited: 1, StepsTotal: 6, StepsDone: 2, StepsOverdue: 3, PeopleOverdue: 2}
		if got != want {
			t.Fatalf("tutor's caseload = %+v, want %+v", got, want)
		}
		got, err = storage.CaseloadSummary(ctx, db, storage.CaseloadFilter{}, "2026-12-01")
		if err != nil {
			t.Fatal(err)
		}
		want = storage.CaseloadTotals{People: 4, Active: 3, Invited: 1, StepsTotal: 7, StepsDone: 2, StepsOverdue: 4, PeopleOverdue: 3}
		if got != want {
			t.Fatalf("everyone = %+v, want %+v", got, want)
		}
		got, err = storage.CaseloadSummary(ctx, db, storage.CaseloadFilter{Territory: "AN"}, "2026-12-01")
		if err != nil || got != (storage.CaseloadTotals{}) {
			t.Fatalf("an empty territory = %+v, %v", got, err)
		}
	})
}
