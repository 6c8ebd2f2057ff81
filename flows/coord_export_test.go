package flows_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/flows"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/research"
	"github.com/insideaut/insidebot/storage"
)

func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, data)
	}
	return rows
}

func TestExportIsPseudonymisedAndSuppressesSmallCells(t *testing.T) {
	t.Parallel()
	w := newCoordWorld(t)
	h := w.h
	ctx := h.Ctx()
	figuresMI(t, w) // four more MI beneficiaries with plans, labs and lead interest
	secrets := []string{"Amina Diallo", "Via Padova 36", "passo"}
	if err := storage.SetStaffName(ctx, h.DB, w.coordMIStaff.ID, "Chiara Rossi"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.DB.Exec(ctx, `UPDATE beneficiaries SET display_name = 'Amina Diallo', reception_contact = '+39 333 1234567'`); err != nil {
		t.Fatal(err)
	}
	_, en := w.linkedBeneficiary("MI", "en") // the only English reader of MI: a small cell
	_, refused := w.linkedBeneficiary("MI", "it")
	if err := storage.SetConsent(ctx, h.DB, refused.ID, storage.ConsentResearch, nil); err != nil {
		t.Fatal(err)
	}
	all, err := storage.ListBeneficiaries(ctx, h.DB, storage.BeneficiaryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var chatIDs []string
	for _, b := range all {
		secrets = append(secrets, b.Code)
		ids, _ := storage.IdentitiesOf(ctx, h.DB, b.ID, 0)
		for _, i := range ids {
			chatIDs = append(chatIDs, i.ExternalID, i.ChatID)
		}
	}

	w.coordMI.Send("/export")
	msgs := w.coordMI.Last
	if len(msgs) != 4 || msgs[1].Document == nil || msgs[2].Document == nil || msgs[3].Document == nil {
		t.Fatalf("want an introduction and three documents:\n%s", flowtest.Describe(msgs))
	}
	if codebook := readCSV(t, msgs[3].Document.Data); len(codebook) != len(research.PeopleColumns())+1 || !strings.HasSuffix(msgs[3].Document.Name, "-codebook.csv") {
		t.Fatalf("codebook %s: %d rows for %d columns", msgs[3].Document.Name, len(codebook), len(research.PeopleColumns()))
	}
	expect(t, w.coordMI, "Dati per la ricerca, Milano (MI). Persone con il consenso alla ricerca: 6", "meno di 5 persone sono nascoste")
	people, aggregates := readCSV(t, msgs[1].Document.Data), readCSV(t, msgs[2].Document.Data)
	if !slices.Equal(people[0], research.PeopleColumns()) || msgs[1].Document.MIME != "text/csv" || !strings.HasSuffix(msgs[1].Document.Name, ".csv") {
		t.Fatalf("people header %v (%s %s)", people[0], msgs[1].Document.Name, msgs[1].Document.MIME)
	}
	for _, doc := range [][][]string{people, aggregates} {
		for _, row := range doc {
			for _, cell := range row {
				for _, s := range secrets {
					if strings.Contains(cell, s) {
						t.Fatalf("the export carries %q in %q", s, cell)
					}
				}
				if strings.Contains(cell, "333") || slices.Contains(chatIDs, cell) {
					t.Fatalf("the export carries a phone number or a platform id: %q", cell)
				}
			}
		}
	}
	key := h.Engine.Settings().ResearchKey
	pids := map[string][]string{}
	for _, row := range people[1:] {
		pids[row[0]] = row
	}
	if len(pids) != 6 {
		t.Fatalf("%d people rows, want the 6 who consented", len(pids))
	}
	if _, ok := pids[research.Pseudonym(key, refused.ID)]; ok {
		t.Fatal("a beneficiary without research consent is in the export")
	}
	row, ok := pids[research.Pseudonym(key, en.ID)]
	if !ok || row[1] != "MI" || row[2] != research.Suppressed {
		t.Fatalf("the only English reader = %v: their language must be suppressed", row)
	}
	var sawSmall bool
	for _, a := range aggregates[1:] {
		if a[0] == "lang" && a[2] == "en" {
			sawSmall = true
			if a[3] != "" || a[4] != "" || a[5] != research.NoteSmall {
				t.Fatalf("small cell shown: %v", a)
			}
		}
		if a[5] == "" && a[3] != "" && a[3] != "0" && len(a[3]) == 1 && a[3] < "5" {
			t.Fatalf("a figure about fewer than 5 people: %v", a)
		}
	}
	if !sawSmall {
		t.Fatalf("no lang/en cell in:\n%v", aggregates)
	}
	audit, _ := storage.AuditEntries(ctx, h.DB, storage.AuditFilter{Action: "/export"})
	if len(audit) != 1 || audit[0].Outcome != storage.OutcomeOK || !strings.Contains(audit[0].Detail, "territory=MI people=6") {
		t.Fatalf("audit = %+v", audit)
	}

	// The same key gives the same pseudonyms; the BO coordinator's export has too few people.
	w.coordMI.Send("/export")
	again := readCSV(t, w.coordMI.Last[1].Document.Data)
	if !slices.EqualFunc(people, again, slices.Equal) {
		t.Fatal("a second export with the same key differs")
	}
	w.coordBO.Send("/export")
	expect(t, w.coordBO, "Meno di 5 persone hanno dato il consenso alla ricerca")
	if rows := readCSV(t, w.coordBO.Last[1].Document.Data); len(rows) != 1 {
		t.Fatalf("too few people, yet rows: %v", rows)
	}
}

func TestExportWithoutAKeyIsRefusedPolitely(t *testing.T) {
	t.Parallel()
	w := newCoordWorld(t, flowtest.WithSettings(func(s *flows.Settings) { s.ResearchKey = nil }))
	w.admin.Send("/export")
	expect(t, w.admin, "RESEARCH_KEY", "Niente è stato esportato")
	for _, m := range w.admin.Last {
		if m.Document != nil {
			t.Fatal("a document without a key")
		}
	}
	if audit, _ := storage.AuditEntries(w.h.Ctx(), w.h.DB, storage.AuditFilter{Action: "/export"}); len(audit) != 0 {
		t.Fatalf("audited an export that did not happen: %+v", audit)
	}
}
