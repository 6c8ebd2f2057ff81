package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func TestCaseloadFiguresAndPages(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		tutor := mustStaff(t, db, storage.RoleTutor, "MI")
		other := mustStaff(t, db, storage.RoleTutor, "MI")
		a := mustBeneficiary(t, db, "MI", tutor.ID) // MI-001
		b := mustBeneficiary(t, db, "MI", tutor.ID) // MI-002
		mustBeneficiary(t, db, "MI", other.ID)      // MI-003, someone else's
		gone := mustBeneficiary(t, db, "MI", tutor.ID)
		if err := storage.SetBeneficiaryStatus(ctx, db, gone.ID, storage.BeneficiaryClosed, t0); err != nil {
			t.Fatal(err)
		}
		if err := storage.TouchBeneficiary(ctx, db, a.ID, t0); err != nil {
			t.Fatal(err)
		}
		add := func(bid int64, due string) storage.PlanStep {
			s, err := storage.AddStep(ctx, db, storage.NewStep{BeneficiaryID: bid, Area: storage.AreaDocuments, Title: "x", DueDate: due, CreatedBy: tutor.ID}, t0)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		done := add(a.ID, "2026-11-01") // past due but done: not overdue
		add(a.ID, "2026-11-30")         // overdue on 2026-12-01
		add(a.ID, "2026-12-01")         // due today: not overdue
		add(a.ID, "")
		if _, err := storage.SetStepStatus(ctx, db, done.ID, storage.StepDone, storage.Actor{Kind: storage.ActorStaff, ID: tutor.ID}, t0); err != nil {
			t.Fatal(err)
		}
		rows, total, err := storage.Caseload(ctx, db, storage.CaseloadFilter{TutorID: tutor.ID}, "2026-12-01", 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(rows) != 2 || rows[0].Code != a.Code || rows[1].Code != b.Code {
			t.Fatalf("caseload = %d %+v", total, rows)
		}
		if r := rows[0]; r.StepsTotal != 4 || r.StepsDone != 1 || r.StepsOverdue != 1 || !r.LastInboundAt.Valid || r.Name() != "Amina" {
			t.Fatalf("figures of %s = %+v", r.Code, r)
		}
		if r := rows[1]; r.StepsTotal != 0 || r.StepsDone != 0 || r.StepsOverdue != 0 || r.LastInboundAt.Valid {
			t.Fatalf("figures of an empty plan = %+v", r)
		}
		page, total, err := storage.Caseload(ctx, db, storage.CaseloadFilter{Territory: "MI"}, "2026-12-01", 2, 2)
		if err != nil || total != 3 || len(page) != 1 || page[0].Code != "MI-003" {
			t.Fatalf("territory page 2 = %d %+v %v", total, page, err)
		}
	})
}

func TestLabRecordsLeadsAndAlertsOfABeneficiary(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		tutor := mustStaff(t, db, storage.RoleTutor, "MI")
		b := mustBeneficiary(t, db, "MI", tutor.ID)
		lab, err := storage.CreateLab(ctx, db, "LabIn Casa", "", tutor.ID, t0)
		if err != nil {
			t.Fatal(err)
		}
		mod, err := storage.CreateModule(ctx, db, lab.ID, "Contratti", t0)
		if err != nil {
			t.Fatal(err)
		}
		var sessions []storage.Session
		for i := range 3 {
			s, err := storage.CreateSession(ctx, db, storage.NewSession{ModuleID: mod.ID, Territory: "MI", StartsAt: t0.Add(time.Duration(i) * 24 * time.Hour),
				EndsAt: t0.Add(time.Duration(i)*24*time.Hour + time.Hour), Place: "Via Padova 36"}, t0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := storage.Enrol(ctx, db, s.ID, b.ID, tutor.ID, t0); err != nil {
				t.Fatal(err)
			}
			sessions = append(sessions, s)
		}
		if _, err := storage.SetAttendance(ctx, db, sessions[0].ID, b.ID, "absent", tutor.ID, t0); err != nil {
			t.Fatal(err)
		}
		recs, err := storage.LabRecordsOf(ctx, db, b.ID, 2)
		if err != nil || len(recs) != 2 || recs[0].SessionID != sessions[2].ID || recs[0].LabName != "LabIn Casa" || recs[0].ModuleName != "Contratti" {
			t.Fatalf("records = %+v %v", recs, err)
		}
		all, _ := storage.LabRecordsOf(ctx, db, b.ID, 10)
		if len(all) != 3 || all[2].Attendance.String != "absent" {
			t.Fatalf("oldest record = %+v", all)
		}

		for _, terr := range []string{"MI", "MI", "BO"} {
			if _, err := storage.CreateLead(ctx, db, storage.Lead{Kind: storage.LeadHousing, Territory: terr, Title: "Stanza " + terr}, t0); err != nil {
				t.Fatal(err)
			}
		}
		mi, err := storage.OpenLeadsIn(ctx, db, "MI", 10)
		if err != nil || len(mi) != 2 {
			t.Fatalf("MI leads = %+v %v", mi, err)
		}
		if _, err := storage.CloseLead(ctx, db, mi[0].ID, t0); err != nil {
			t.Fatal(err)
		}
		if mi, _ = storage.OpenLeadsIn(ctx, db, "MI", 10); len(mi) != 1 {
			t.Fatalf("closed lead still listed: %+v", mi)
		}
		if every, _ := storage.OpenLeadsIn(ctx, db, "", 10); len(every) != 2 {
			t.Fatalf("every territory: %+v", every)
		}

		other := mustBeneficiary(t, db, "MI", tutor.ID)
		for _, bid := range []int64{b.ID, b.ID, other.ID} {
			if _, err := storage.CreateAlert(ctx, db, tutor.ID, bid, storage.AlertMessage, 0, t0); err != nil {
				t.Fatal(err)
			}
		}
		n, err := storage.HandleAlertsOf(ctx, db, tutor.ID, b.ID, tutor.ID, t0)
		if err != nil || n != 2 {
			t.Fatalf("closed %d, %v", n, err)
		}
		open, _ := storage.OpenAlerts(ctx, db, tutor.ID)
		if len(open) != 1 || open[0].BeneficiaryID != other.ID {
			t.Fatalf("open = %+v", open)
		}
		if n, _ := storage.HandleAlertsOf(ctx, db, tutor.ID, b.ID, tutor.ID, t0); n != 0 {
			t.Fatalf("closed twice: %d", n)
		}
	})
}
