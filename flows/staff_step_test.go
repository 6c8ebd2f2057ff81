package flows_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// TestStepCommandLines runs /step one line at a time against MI-001's plan (steps 1 and 2):
// standard keys, Italian and English area words, bad dates, missing steps, a double "done".
// After each line it checks how many steps and step changes there are, and what the
// beneficiary was told, in English (her French falls back to English until translated).
func TestStepCommandLines(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t)
	planner := withPlanner(w.h)
	ctx := context.Background()
	cases := []struct {
		in      string
		says    []string
		steps   int      // plan steps after
		changes int      // step history entries added
		told    []string // what MI-001 receives ("" none)
		notTold []string
		buttons []string
	}{
		{in: "/step MI-001 add lavoro Preparare il CV due 15/12/2025", says: []string{"Passo 3 aggiunto al piano di MI-001", "💼 Lavoro · Preparare il CV", "entro lunedì 15 dicembre 2025", "MI-001 è stato/a avvisato/a"},
			steps: 3, changes: 1, told: []string{"Your tutor added a step to your plan: Preparare il CV", "To do by Monday 15 December 2025"}},
		{in: "/step MI-001 add spid", says: []string{"Passo 4 aggiunto", "📄 Documenti · SPID (identità digitale)"}, steps: 4, changes: 1, told: []string{"added a step to your plan: SPID (digital identity)"}},
		{in: "/step mi-001 add SPID due 2026-01-20", says: []string{"Passo 5 aggiunto", "entro martedì 20 gennaio 2026"}, steps: 5, changes: 1, told: []string{"To do by Tuesday 20 January 2026"}},
		{in: "/step MI-001 add documents isee", says: []string{"Passo 6 aggiunto", "ISEE"}, steps: 6, changes: 1, told: []string{"ISEE"}},
		{in: "/step MI-001 add psicologico Primo colloquio con la psicologa", says: []string{"Passo 7 aggiunto", "🧠 Psicologico · Primo colloquio con la psicologa"},
			steps: 7, changes: 1, told: []string{"Your tutor updated your plan. Open your plan"}, notTold: []string{"colloquio"}},
		{in: "/step MI-001 add housing Visitare la stanza di Via Padova", says: []string{"Passo 8 aggiunto", "🏠 Casa · Visitare la stanza di Via Padova"}, steps: 8, changes: 1, told: []string{"Visitare la stanza"}},
		{in: "/step MI-001 add sociale", says: []string{"🤝 Inclusione: scegli un passo standard"}, buttons: []string{"Volontariato", "Annulla"}, steps: 8},
		{in: "/step MI-001 add", says: []string{"Nuovo passo per MI-001. Quale area?"}, steps: 8},
		{in: "/step MI-001 add giardinaggio Potare", says: []string{"«giardinaggio» non è né un'area né un passo standard", "codice_fiscale", "Non è cambiato nulla"}, steps: 8},
		{in: "/step MI-001 add spid domani", says: []string{"Un passo standard vuole solo una scadenza", "/step MI-001 add spid due"}, steps: 8},
		{in: "/step MI-001 add casa Cercare due 31/02/2026", says: []string{"«31/02/2026» non è una data", "gg/mm/aaaa"}, steps: 8},
		{in: "/step MI-001 add casa Cercare due 01/11/2025", says: []string{"è passato", "Non è cambiato nulla"}, steps: 8},
		{in: "/step MI-001 9 fatto", says: []string{"MI-001 non ha il passo 9: il piano ha i passi da 1 a 8"}, steps: 8},
		{in: "/step MI-001 1 fatto", says: []string{"Passo 1 di MI-001: 📝 da fare → ✅ fatto", "avvisato"}, steps: 8, changes: 1, told: []string{"«Codice fiscale (tax code)» is now ✅ done"}},
		{in: "/step MI-001 1 done", says: []string{"Il passo 1 di MI-001 è già ✅ fatto. Non è cambiato nulla."}, steps: 8},
		{in: "/step MI-001 1 finito", says: []string{"«finito» non è uno stato"}, steps: 8},
		{in: "/step MI-001 3 bloccato", says: []string{"Passo 3 di MI-001: 📝 da fare → ⛔ bloccato"}, steps: 8, changes: 1, told: []string{"«Preparare il CV» is now ⛔ blocked"}},
		{in: "/step MI-001 2 due 32/12/2025", says: []string{"«32/12/2025» non è una data"}, steps: 8},
		{in: "/step MI-001 2 due 2026-01-10", says: []string{"Il passo 2 di MI-001 ora scade sabato 10 gennaio 2026"}, steps: 8, changes: 1,
			told: []string{"New date for «Cercare una stanza»: Saturday 10 January 2026"}},
		{in: "/step MI-001 2 due 10/01/2026", says: []string{"scade già sabato 10 gennaio 2026. Non è cambiato nulla."}, steps: 8},
		{in: "/step MI-001 2", says: []string{"Cosa cambia per questo passo di MI-001", "Cercare una stanza"}, steps: 8},
		{in: "/step MI-001 0 fatto", says: []string{"Per modificare un piano:"}, steps: 8},
		{in: "/step MI-001 abc", says: []string{"Per modificare un piano:"}, steps: 8},
		{in: "/step MI-001 1 fatto adesso", says: []string{"Per modificare un piano:"}, steps: 8},
		{in: "/step MI-999 1 fatto", says: []string{"Nessun beneficiario MI-999 tra quelli che segui"}, steps: 8},
		{in: "/step", says: []string{"Di chi vuoi modificare il piano?", "MI-001"}, steps: 8},
	}
	history := w.count(`SELECT COUNT(*) FROM plan_step_history`)
	for _, tc := range cases {
		out := w.do(asTutor, tc.in)
		expectIn(t, out, tc.says...)
		expectButtons(t, out, tc.buttons...)
		if n := w.count(`SELECT COUNT(*) FROM plan_steps`); n != tc.steps {
			t.Fatalf("%s: %d steps, want %d", tc.in, n, tc.steps)
		}
		h := w.count(`SELECT COUNT(*) FROM plan_step_history`)
		if h-history != tc.changes {
			t.Fatalf("%s: %d step changes, want %d", tc.in, h-history, tc.changes)
		}
		history = h
		got := w.benChat.Inbox()
		if len(tc.told) == 0 && len(got) != 0 {
			t.Fatalf("%s: the beneficiary was told %s", tc.in, flowtest.Describe(got))
		}
		if len(tc.told) > 0 {
			if len(got) != 1 {
				t.Fatalf("%s: the beneficiary got %d messages: %s", tc.in, len(got), flowtest.Describe(got))
			}
			expectIn(t, got, tc.told...)
			expectNotIn(t, got, tc.notTold...)
		}
	}

	steps, err := storage.StepsOf(ctx, w.h.DB, w.ben.ID)
	if err != nil {
		t.Fatal(err)
	}
	byPos := func(n int) storage.PlanStep { return steps[n-1] }
	if s := byPos(4); s.StepKey.String != "spid" || s.Title.Valid || s.Area != storage.AreaDocuments || s.CreatedBy.Int64 != w.tutor.ID {
		t.Fatalf("standard step = %+v", s)
	}
	if s := byPos(5); s.StepKey.String != "spid" || s.DueDate.String != "2026-01-20" {
		t.Fatalf("ISO date step = %+v", s)
	}
	if s := byPos(6); s.StepKey.String != "isee" || s.Title.Valid {
		t.Fatalf("area + key = %+v", s)
	}
	if s := byPos(3); s.Area != storage.AreaWork || s.Title.String != "Preparare il CV" || s.DueDate.String != "2025-12-15" || s.Status != storage.StepBlocked {
		t.Fatalf("titled step = %+v", s)
	}
	if byPos(1).Status != storage.StepDone || byPos(2).DueDate.String != "2026-01-10" {
		t.Fatalf("changed steps = %+v %+v", byPos(1), byPos(2))
	}
	// Reminders were re-planned after every change, once each.
	want := []int64{byPos(3).ID, byPos(4).ID, byPos(5).ID, byPos(6).ID, byPos(7).ID, byPos(8).ID, byPos(1).ID, byPos(3).ID, byPos(2).ID}
	if got := planner.stepIDs(); !slices.Equal(got, want) {
		t.Fatalf("StepChanged %v, want %v", got, want)
	}
	for action, n := range map[string]int{"/step add": 6, "/step status": 2, "/step due": 1} {
		entries, _ := storage.AuditEntries(ctx, w.h.DB, storage.AuditFilter{Action: action, ActorID: w.tutor.ID})
		if len(entries) != n {
			t.Fatalf("%s audited %d times, want %d", action, len(entries), n)
		}
		if strings.Contains(entries[0].Detail, "colloquio") {
			t.Fatalf("a title reached the audit log: %+v", entries[0])
		}
	}
}

// TestStepGuidedForm walks /step with buttons: pick the beneficiary, add with an area and a
// typed title and date (a bad one first), add a standard step without a date, tap an old
// button again, change a status and a date, cancel.
func TestStepGuidedForm(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t)
	tutor := w.chats[asTutor]
	count := func() int { return w.count(`SELECT COUNT(*) FROM plan_steps`) }

	tutor.Send("/step")
	expectIn(t, tutor.Tap("📋 MI-001"), "Piano di MI-001 · Amina", "1. 📄 Documenti · Codice fiscale")
	expectIn(t, tutor.Tap("Aggiungi passo"), "Quale area?")
	expectIn(t, tutor.Tap("🏠 Casa"), "🏠 Casa: scegli un passo standard")
	expectButtons(t, tutor.Last, "Cercare casa", "Registrazione del contratto di affitto", "Annulla")
	expectIn(t, tutor.Send("Visitare l'appartamento di Via Padova"), "Entro quando deve farlo MI-001?")
	expectIn(t, tutor.Send("31/13/2025"), "«31/13/2025» non è una data")
	if count() != 2 {
		t.Fatal("a bad date added a step")
	}
	expectIn(t, tutor.Send("20/12/2025"), "Passo 3 aggiunto al piano di MI-001", "Visitare l'appartamento di Via Padova", "entro sabato 20 dicembre 2025")
	expectIn(t, w.benChat.Inbox(), "Visitare l'appartamento di Via Padova", "Saturday 20 December 2025")

	expectIn(t, tutor.Tap("Un altro passo"), "Quale area?")
	tutor.Tap("📄 Documenti")
	expectIn(t, tutor.Tap("Tessera sanitaria"), "Entro quando")
	noDate := tutor.Last
	expectIn(t, tutor.Tap("Senza scadenza"), "Passo 4 aggiunto", "Tessera sanitaria")
	added := tutor.Last
	tutor.Last = noDate
	expectIn(t, tutor.Tap("Senza scadenza"), saysStale)
	if count() != 4 {
		t.Fatalf("a second tap added a step: %d", count())
	}
	if got := w.benChat.Inbox(); len(got) != 1 {
		t.Fatalf("the beneficiary was told %d times", len(got))
	}

	tutor.Last = added
	expectIn(t, tutor.Tap("Apri scheda"), "Piano: 0/4 fatti")
	expectIn(t, tutor.Tap("Modifica passo"), "Quale passo di MI-001?")
	expectIn(t, tutor.Tap("1. Codice fiscale"), "Cosa cambia")
	expectIn(t, tutor.Tap("✅ fatto"), "Passo 1 di MI-001: 📝 da fare → ✅ fatto")
	tutor.Send("/step MI-001 2")
	expectIn(t, tutor.Tap("Scadenza"), "Scrivi la nuova scadenza del passo 2 di MI-001")
	expectIn(t, tutor.Send("05/01/2026"), "ora scade lunedì 5 gennaio 2026")

	tutor.Send("/step MI-001 add casa")
	expectIn(t, tutor.Tap("Annulla"), "Annullato")
	expectIn(t, tutor.Send("Un titolo che non va da nessuna parte"), "Non ho capito")
	if count() != 4 {
		t.Fatal("text after Cancel added a step")
	}
}

// TestStepAddWithWordsOfOtherLanguages: the area and "add" words come from every language's
// file, so a tutor who types French or Somali adds the step to the right area.
func TestStepAddWithWordsOfOtherLanguages(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t)
	ctx := context.Background()
	expectIn(t, w.do(asTutor, "/step MI-001 ajouter logement Visiter la chambre"), "Passo 3 aggiunto", "🏠 Casa · Visiter la chambre")
	expectIn(t, w.do(asTutor, "/step MI-001 add shaqo Diyaari CV"), "Passo 4 aggiunto", "💼 Lavoro · Diyaari CV")
	expectIn(t, w.do(asTutor, "/step MI-001 nuovo papiers isee"), "Passo 5 aggiunto", "ISEE")
	steps, err := storage.StepsOf(ctx, w.h.DB, w.ben.ID)
	if err != nil || len(steps) != 5 {
		t.Fatalf("steps %+v %v", steps, err)
	}
	if steps[2].Area != storage.AreaHousing || steps[3].Area != storage.AreaWork || steps[4].StepKey.String != "isee" {
		t.Fatalf("steps %+v", steps[2:])
	}
}
