package flows_test

import (
	"bytes"
	"database/sql"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// figuresMI gives the MI territory plans, attendance and lead interest (and BO a little, which
// MI's figures must not count).
func figuresMI(t *testing.T, w *coordWorld) {
	t.Helper()
	ctx, now, db := w.h.Ctx(), w.h.Clock.Now(), w.h.DB
	steps := []struct {
		area, status string
		n            int
	}{
		{storage.AreaDocuments, storage.StepDone, 7}, {storage.AreaDocuments, storage.StepInProgress, 3}, {storage.AreaDocuments, storage.StepTodo, 2},
		{storage.AreaHousing, storage.StepTodo, 4}, {storage.AreaHousing, storage.StepBlocked, 2}, {storage.AreaHousing, storage.StepDone, 1},
		{storage.AreaWork, storage.StepInProgress, 5}, {storage.AreaWork, storage.StepDone, 3},
		{storage.AreaPsych, storage.StepInProgress, 2},
		{storage.AreaSocial, storage.StepTodo, 3}, {storage.AreaSocial, storage.StepDone, 1},
	}
	var people []storage.Beneficiary
	for range 4 {
		_, b := w.linkedBeneficiary("MI", "it")
		people = append(people, b)
	}
	i := 0
	for _, s := range steps {
		for range s.n {
			st, err := storage.AddStep(ctx, db, storage.NewStep{BeneficiaryID: people[i%len(people)].ID, Area: s.area, Title: "passo"}, now)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := storage.SetStepStatus(ctx, db, st.ID, s.status, storage.Actor{Kind: storage.ActorSystem}, now); err != nil {
				t.Fatal(err)
			}
			i++
		}
	}
	_, bo := w.linkedBeneficiary("BO", "it")
	if _, err := storage.AddStep(ctx, db, storage.NewStep{BeneficiaryID: bo.ID, Area: storage.AreaWork, Title: "BO"}, now); err != nil {
		t.Fatal(err)
	}
	for j, b := range people {
		if _, err := storage.Enrol(ctx, db, w.sessionMI.ID, b.ID, 0, now); err != nil {
			t.Fatal(err)
		}
		att := "present"
		if j == 0 {
			att = "absent"
		}
		if _, err := storage.SetAttendance(ctx, db, w.sessionMI.ID, b.ID, att, 0, now); err != nil {
			t.Fatal(err)
		}
	}
	for _, kind := range []string{storage.LeadHousing, storage.LeadJob} {
		l, err := storage.CreateLead(ctx, db, storage.Lead{Kind: kind, Territory: "MI", Title: "Offerta " + kind,
			CreatedBy: sql.NullInt64{Int64: w.coordMIStaff.ID, Valid: true}}, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range people[:2] {
			if _, err := storage.AddInterest(ctx, db, l.ID, b.ID, now); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := storage.SetBeneficiaryStatus(ctx, db, people[3].ID, storage.BeneficiaryClosed, now); err != nil {
		t.Fatal(err)
	}
}

func TestStatsAnswerWithTextAndAReadableChart(t *testing.T) {
	t.Parallel()
	w := newCoordWorld(t)
	figuresMI(t, w)
	coord := w.coordMI
	coord.Send("/stats")
	if len(coord.Last) != 2 {
		t.Fatalf("want text and chart, got:\n%s", flowtest.Describe(coord.Last))
	}
	expect(t, coord, "Cifre: Milano (MI)", "Beneficiari attivi: 4; chiusi: 1; invitati, non ancora attivi: 0",
		"Passi dei piani: 33 (fatti 12, in corso 10, da fare 9, bloccati 2)",
		"Documenti: 12 (fatti 7, in corso 3, da fare 2, bloccati 0)", "Casa: 7 (fatti 1, in corso 0, da fare 4, bloccati 2)",
		"iscrizioni 4; presenze registrate 4, di cui presenti 3 (75%)",
		"casa 2 (persone: 2), lavoro 2 (persone: 2). Offerte aperte: casa 1, lavoro 1")
	if _, ok := flowtest.FindButton(coord.Last, "BO"); ok {
		t.Fatal("a territory coordinator was offered other territories")
	}
	chart := coord.Last[1]
	if chart.Image == nil || chart.Image.MIME != "image/png" || chart.Text == "" {
		t.Fatalf("chart message = %+v", chart)
	}
	img, err := png.Decode(bytes.NewReader(chart.Image.Data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 800 || b.Dy() < 500 {
		t.Fatalf("chart of %v: too small to read", b)
	}
	dir := os.Getenv("INSIDEBOT_CHART_DIR") // set it to look at the charts
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.WriteFile(filepath.Join(dir, "stats-it.png"), chart.Image.Data, 0o600); err != nil {
		t.Fatal(err)
	}

	// The admin sees every territory, chooses one with a button, reads the chart in English.
	if err := storage.SetStaffLang(w.h.Ctx(), w.h.DB, w.adminStaff.ID, "en"); err != nil {
		t.Fatal(err)
	}
	w.admin.Send("/stats")
	expect(t, w.admin, "Figures: all territories", "Plan steps: 34", "See another territory")
	w.admin.Tap("MI")
	expect(t, w.admin, "Figures: Milano (MI)", "Plan steps: 33 (12 done, 10 in progress, 9 to do, 2 blocked)")
	if chart := w.admin.Last[len(w.admin.Last)-1]; chart.Image == nil {
		t.Fatal("no English chart")
	} else if err := os.WriteFile(filepath.Join(dir, "stats-en.png"), chart.Image.Data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok := flowtest.FindButton(w.admin.Last, "All"); !ok {
		t.Fatal("no button back to all territories")
	}
	english := w.admin.Last[len(w.admin.Last)-1].Image.Data
	// A reader of another script gets the figures in their language and the chart's labels in
	// English: the chart's fonts carry Latin letters only.
	if err := storage.SetStaffLang(w.h.Ctx(), w.h.DB, w.adminStaff.ID, "ar"); err != nil {
		t.Fatal(err)
	}
	w.admin.Send("/stats MI")
	if chart := w.admin.Last[len(w.admin.Last)-1]; chart.Image == nil || !bytes.Equal(chart.Image.Data, english) {
		t.Fatal("an Arabic reader's chart is not the English one")
	}
	expectNotIn(t, w.admin.Last[:1], "Figures:")
	coord.Send("/stats all")
	expect(t, coord, "Puoi vedere solo il tuo territorio, MI", "Niente è stato cambiato", "/stats [territorio]")
	// Territory coordinators do not get other territories by a forged button.
	coord.Press("kst:*")
	if got := flowtest.Texts(coord.Last); strings.Contains(got, "tutti i territori") || strings.Contains(got, "Cifre") {
		t.Fatalf("forged button answered: %s", flowtest.Describe(coord.Last))
	}
	denied, _ := storage.AuditEntries(w.h.Ctx(), w.h.DB, storage.AuditFilter{Outcome: storage.OutcomeDenied, Action: "/stats"})
	if len(denied) != 2 {
		t.Fatalf("forged button refusals audited: %+v", denied)
	}
}
