package research_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"testing"
	"time"

	"github.com/insideaut/insidebot/research"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

var t0 = time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC)

func TestPseudonymIsStableForAKeyAndUnrelatedAcrossKeys(t *testing.T) {
	a, b := []byte("key-one"), []byte("key-two")
	first, again := research.Pseudonym(a, 7), research.Pseudonym([]byte("key-one"), 7)
	if first != again {
		t.Fatal("not stable")
	}
	if research.Pseudonym(a, 7) == research.Pseudonym(b, 7) || research.Pseudonym(a, 7) == research.Pseudonym(a, 8) {
		t.Fatal("pseudonyms collide across keys or people")
	}
	if got := research.Pseudonym(a, 7); len(got) != 32 {
		t.Fatalf("pseudonym %q: want 32 hex characters", got)
	}
}

// person creates an onboarded beneficiary who consented to research (unless noConsent).
func person(t *testing.T, db *storage.DB, territory, lang string, onboarded time.Time, noConsent bool) storage.Beneficiary {
	t.Helper()
	ctx := context.Background()
	b, err := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: territory, Lang: lang, DisplayName: "Name"}, onboarded)
	if err != nil {
		t.Fatal(err)
	}
	if err := storage.MarkOnboarded(ctx, db, b.ID, onboarded); err != nil {
		t.Fatal(err)
	}
	if !noConsent {
		if err := storage.SetConsent(ctx, db, b.ID, storage.ConsentResearch, &onboarded); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func TestBuildCountsAndProtects(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		key := []byte("research-key")
		var mi []storage.Beneficiary
		for i := range 6 {
			lang := "it"
			if i == 5 {
				lang = "ar"
			}
			mi = append(mi, person(t, db, "MI", lang, time.Date(2025, 3, 15, 10, 0, 0, 0, time.UTC), false))
		}
		bo := []storage.Beneficiary{
			person(t, db, "BO", "fr", time.Date(2025, 9, 20, 10, 0, 0, 0, time.UTC), false),
			person(t, db, "BO", "fr", time.Date(2025, 9, 20, 10, 0, 0, 0, time.UTC), false),
		}
		without := person(t, db, "MI", "it", t0, true)
		for _, s := range []struct {
			b              storage.Beneficiary
			area, status   string
			due            string
			expectsOverdue bool
		}{
			{mi[0], storage.AreaHousing, storage.StepDone, "", false},
			{mi[0], storage.AreaHousing, storage.StepTodo, "2025-11-01", true},
			{mi[0], storage.AreaDocuments, storage.StepTodo, "2026-01-01", false},
			{without, storage.AreaWork, storage.StepTodo, "", false},
		} {
			st, err := storage.AddStep(ctx, db, storage.NewStep{BeneficiaryID: s.b.ID, Area: s.area, Title: "free text", DueDate: s.due}, t0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := storage.SetStepStatus(ctx, db, st.ID, s.status, storage.Actor{Kind: storage.ActorSystem}, t0); err != nil {
				t.Fatal(err)
			}
		}
		lab, _ := storage.CreateLab(ctx, db, "Lab", "", 0, t0)
		mod, _ := storage.CreateModule(ctx, db, lab.ID, "M", t0)
		sess, err := storage.CreateSession(ctx, db, storage.NewSession{ModuleID: mod.ID, Territory: "MI", StartsAt: t0.Add(-48 * time.Hour),
			EndsAt: t0.Add(-46 * time.Hour), Place: "P"}, t0.Add(-72*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range mi {
			if _, err := storage.Enrol(ctx, db, sess.ID, b.ID, 0, t0); err != nil {
				t.Fatal(err)
			}
			att := "present"
			if i == 0 {
				att = "absent"
			}
			if _, err := storage.SetAttendance(ctx, db, sess.ID, b.ID, att, 0, t0); err != nil {
				t.Fatal(err)
			}
		}
		lead, _ := storage.CreateLead(ctx, db, storage.Lead{Kind: storage.LeadJob, Territory: "MI", Title: "Job", CreatedBy: sql.NullInt64{}}, t0)
		if _, err := storage.AddInterest(ctx, db, lead.ID, mi[1].ID, t0); err != nil {
			t.Fatal(err)
		}

		// Outcomes (one corrected: not counted).
		for _, o := range []storage.NewOutcome{
			{BeneficiaryID: mi[1].ID, Kind: storage.OutcomeWork, Type: "permanent", Detail: "h31", OccurredOn: "2025-06-20", Note: "free text"},
			{BeneficiaryID: mi[1].ID, Kind: storage.OutcomeWork, Type: "occasional", Detail: "h1_10", OccurredOn: "2025-09-01"},
			{BeneficiaryID: mi[1].ID, Kind: storage.OutcomeHousing, Type: "hosted", Detail: "no", OccurredOn: "2025-04-01"},
		} {
			if _, err := storage.AddOutcome(ctx, db, o, t0); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec(ctx, `UPDATE outcomes SET status = 'corrected' WHERE kind = 'housing'`); err != nil {
			t.Fatal(err)
		}
		d, err := research.Build(ctx, db, key, "", t0, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if d.Consenting != 8 || len(d.People) != 8 {
			t.Fatalf("consenting %d, rows %d; want 8", d.Consenting, len(d.People))
		}
		byPID := map[string]research.Person{}
		for _, p := range d.People {
			byPID[p.PID] = p
		}
		if _, ok := byPID[research.Pseudonym(key, without.ID)]; ok {
			t.Fatal("a person without research consent is in the dataset")
		}
		p0 := byPID[research.Pseudonym(key, mi[0].ID)]
		if p0.Months != 8 || p0.StepsTotal != 3 || p0.StepsOverdue != 1 || p0.Steps["housing/done"] != 1 || p0.Steps["documents/todo"] != 1 ||
			p0.LabEnrolled != 1 || p0.LabAbsent != 1 || p0.Territory != "MI" || p0.Lang != "it" {
			t.Fatalf("person 0 = %+v", p0)
		}
		if p := byPID[research.Pseudonym(key, mi[1].ID)]; p.LeadJob != 1 || p.LabPresent != 1 || p.Outcomes["work"] != 2 || p.Outcomes["housing"] != 0 ||
			p.MonthsTo["work"] != 3 || len(p.MonthsTo) != 1 || p.ExitReason != "" {
			t.Fatalf("person 1 = %+v", p)
		}

		// The only Arabic reader of MI, and the two people of BO, are generalised.
		if p := byPID[research.Pseudonym(key, mi[5].ID)]; p.Lang != research.Suppressed || p.Territory != "MI" {
			t.Fatalf("lone Arabic reader = %+v", p)
		}
		if p := byPID[research.Pseudonym(key, bo[0].ID)]; p.Territory != research.Suppressed || p.Lang != research.Suppressed {
			t.Fatalf("BO person = %+v", p)
		}

		cells := map[string]research.Aggregate{}
		for _, a := range d.Aggregates {
			cells[a.Table+"|"+a.Territory+"|"+a.Key] = a
		}
		check := func(key string, people int, value, note string) {
			t.Helper()
			a, ok := cells[key]
			if !ok || a.People != people || a.Value != value || a.Note != note {
				t.Errorf("%s = %+v, want people %d value %q note %q", key, a, people, value, note)
			}
		}
		check("people|ALL|active", 8, "8", "")
		check("people|BO|active", 0, "", research.NoteSmall)
		// ALL minus MI would give BO away: MI is suppressed too.
		check("people|MI|active", 0, "", research.NoteComplementary)
		// MI's people minus its Italian readers would give the Arabic reader away.
		check("lang|MI|ar", 0, "", research.NoteSmall)
		check("lang|MI|it", 0, "", research.NoteComplementary)
		check("lang|ALL|it", 5, "5", "")
		check("labs|MI|enrolled", 6, "6", "")
		check("labs|MI|attendance_rate", 6, "0.83", "")
		check("leads|MI|job", 0, "", research.NoteSmall)
		check("steps|MI|housing/done", 0, "", research.NoteSmall)
		check("steps|MI|work/todo", 0, "0", "")

		var buf bytes.Buffer
		if err := d.WritePeople(&buf); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(rows) != 9 || len(rows[0]) != len(research.PeopleColumns()) {
			t.Fatalf("people csv: %d rows, %v", len(rows), err)
		}
		buf.Reset()
		if err := d.WriteAggregates(&buf); err != nil {
			t.Fatal(err)
		}
		rows, err = csv.NewReader(&buf).ReadAll()
		if err != nil || len(rows) != len(d.Aggregates)+1 {
			t.Fatalf("aggregates csv: %d rows, %v", len(rows), err)
		}

		// A closed case carries its exit reason (never its note).
		if _, err := storage.CloseBeneficiary(ctx, db, mi[2].ID, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := storage.AddCaseEvent(ctx, db, storage.CaseEvent{BeneficiaryID: mi[2].ID, Kind: storage.CaseClosed,
			Reason: sql.NullString{String: storage.ExitMoved, Valid: true}, Note: sql.NullString{String: "free text", Valid: true}, At: t0}); err != nil {
			t.Fatal(err)
		}
		d3, err := research.Build(ctx, db, key, "", t0, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, p := range d3.People {
			if p.PID == research.Pseudonym(key, mi[2].ID) {
				found = p.ExitReason == storage.ExitMoved && p.Status == storage.BeneficiaryClosed
			}
		}
		if !found {
			t.Fatal("the closed person's row lacks exit reason moved")
		}

		// One territory: only its people; another key: other pseudonyms.
		d2, err := research.Build(ctx, db, []byte("another key"), "MI", t0, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if d2.Consenting != 6 {
			t.Fatalf("MI only: %d", d2.Consenting)
		}
		for _, p := range d2.People {
			if _, same := byPID[p.PID]; same {
				t.Fatal("another key gave the same pseudonym")
			}
		}
		if _, err := research.Build(ctx, db, nil, "", t0, time.UTC); err != research.ErrNoKey {
			t.Fatalf("no key: %v", err)
		}
	})
}

func TestComplementarySuppressionAcrossTerritories(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		// MI 6 active, BO 7 active, AN 2 active: AN is small; ALL (15) minus MI and BO would give
		// it away, so the smaller of MI and BO is suppressed as well.
		for _, g := range []struct {
			territory string
			n         int
		}{{"MI", 6}, {"BO", 7}, {"AN", 2}} {
			for range g.n {
				person(t, db, g.territory, "it", t0.Add(-24*time.Hour), false)
			}
		}
		d, err := research.Build(context.Background(), db, []byte("k"), "", t0, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		notes := map[string]string{}
		for _, a := range d.Aggregates {
			if a.Table == "people" && a.Key == "active" {
				notes[a.Territory] = a.Note
			}
		}
		if notes["AN"] != research.NoteSmall || notes["MI"] != research.NoteComplementary || notes["BO"] != "" || notes["ALL"] != "" {
			t.Fatalf("notes = %v", notes)
		}
	})
}
