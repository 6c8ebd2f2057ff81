package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// A staff list shows only the scope's people, narrows by each filter, sorts, and pages.
func TestPeopleFiltersSortsAndPages(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		anna := mustStaff(t, db, storage.RoleTutor, "MI")
		bruno := mustStaff(t, db, storage.RoleTutor, "MI")
		carla := mustStaff(t, db, storage.RoleTutor, "BO")
		var mi []storage.Beneficiary
		for i := range 4 {
			tutor := anna.ID
			if i == 3 {
				tutor = bruno.ID
			}
			b := mustBeneficiary(t, db, "MI", tutor)
			mi = append(mi, b)
		}
		bo := mustBeneficiary(t, db, "BO", carla.ID)
		if err := storage.SetBeneficiaryLang(ctx, db, mi[1].ID, "ar"); err != nil {
			t.Fatal(err)
		}
		if err := storage.MarkOnboarded(ctx, db, mi[0].ID, t0); err != nil {
			t.Fatal(err)
		}
		if err := storage.TouchBeneficiary(ctx, db, mi[2].ID, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		for _, s := range []storage.NewStep{
			{BeneficiaryID: mi[1].ID, Area: "housing", Title: "late", DueDate: "2026-11-01"},
			{BeneficiaryID: mi[1].ID, Area: "housing", Title: "late too", DueDate: "2026-11-02"},
			{BeneficiaryID: mi[0].ID, Area: "work", Title: "on time", DueDate: "2026-12-30"},
			{BeneficiaryID: bo.ID, Area: "work", Title: "late elsewhere", DueDate: "2026-11-01"},
		} {
			if _, err := storage.AddStep(ctx, db, s, t0); err != nil {
				t.Fatal(err)
			}
		}
		codes := func(pq storage.PeopleQuery) ([]string, int) {
			t.Helper()
			pq.Today = "2026-12-01"
			rows, total, err := storage.People(ctx, db, pq)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rows {
				out = append(out, r.Code)
			}
			return out, total
		}
		same := func(got []string, want ...storage.Beneficiary) bool {
			if len(got) != len(want) {
				return false
			}
			for i := range got {
				if got[i] != want[i].Code {
					return false
				}
			}
			return true
		}
		if got, n := codes(storage.PeopleQuery{Scope: storage.CaseloadFilter{TutorID: anna.ID}}); n != 3 || !same(got, mi[0], mi[1], mi[2]) {
			t.Errorf("Anna's caseload %v (%d)", got, n)
		}
		if got, n := codes(storage.PeopleQuery{Scope: storage.CaseloadFilter{Territory: "MI"}, TutorID: carla.ID}); n != 0 || len(got) != 0 {
			t.Errorf("a Milano coordinator filtering on a Bologna tutor sees %v", got)
		}
		if got, _ := codes(storage.PeopleQuery{Scope: storage.CaseloadFilter{Territory: "MI"}, Overdue: true}); !same(got, mi[1]) {
			t.Errorf("overdue in Milano %v", got)
		}
		if got, _ := codes(storage.PeopleQuery{Lang: "ar"}); !same(got, mi[1]) {
			t.Errorf("Arabic speakers %v", got)
		}
		if got, _ := codes(storage.PeopleQuery{Status: storage.BeneficiaryActive}); !same(got, mi[0]) {
			t.Errorf("active %v", got)
		}
		if got, _ := codes(storage.PeopleQuery{Scope: storage.CaseloadFilter{Territory: "MI"}, Sort: "overdue", Limit: 1}); !same(got, mi[1]) {
			t.Errorf("most overdue first %v", got)
		}
		if got, _ := codes(storage.PeopleQuery{Scope: storage.CaseloadFilter{Territory: "MI"}, Sort: "activity", Limit: 1}); !same(got, mi[2]) {
			t.Errorf("latest activity first %v", got)
		}
		if got, n := codes(storage.PeopleQuery{Limit: 2, Offset: 4}); n != 5 || !same(got, bo) && !same(got, mi[3]) {
			t.Errorf("last page %v of %d", got, n)
		}
		rows, _, err := storage.People(ctx, db, storage.PeopleQuery{Scope: storage.CaseloadFilter{TutorID: anna.ID}, Today: "2026-12-01"})
		if err != nil || rows[1].StepsTotal != 2 || rows[1].StepsOverdue != 2 || rows[1].TutorName.String != anna.DisplayName {
			t.Errorf("figures of %+v: %v", rows, err)
		}
		tutors, err := storage.TutorsIn(ctx, db, "MI")
		if err != nil || len(tutors) != 2 {
			t.Errorf("Milano's tutors %+v %v", tutors, err)
		}
	})
}
