package flows_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

func TestSessionLifecycleTellsEveryoneEnrolledInTheirLanguage(t *testing.T) {
	t.Parallel()
	bothDialects(t, sessionLifecycle)
}

func sessionLifecycle(t *testing.T, opts ...flowtest.Option) {
	w := newCoordWorld(t, opts...)
	h := w.h
	planner := withPlanner(h)
	ctx := h.Ctx()
	admin := w.admin

	// The guided form, all buttons but the typed date, time and place.
	admin.Send("/session")
	admin.Tap("Nuova sessione")
	expect(t, admin, "Di quale modulo", "#1 LabIn Lavoro › Il CV")
	admin.Tap("#1 Il CV")
	expect(t, admin, "In quale territorio")
	admin.Tap("MI Milano")
	admin.Send("10/12/2025")
	admin.Send("9.30")
	admin.Send("Casa di quartiere, Via Padova 36 https://maps.example/padova open")
	expect(t, admin, "fissata: LabIn Lavoro › Il CV", "mercoledì 10 dicembre, 09:30", "Casa di quartiere, Via Padova 36 (MI)",
		"https://maps.example/padova", "Iscrizione libera")
	var id int64
	if err := h.DB.Get(ctx, &id, `SELECT MAX(id) FROM lab_sessions`); err != nil {
		t.Fatal(err)
	}
	s, err := storage.SessionByID(ctx, h.DB, id)
	starts := time.Date(2025, 12, 10, 9, 30, 0, 0, h.Rome)
	if err != nil || !s.StartsAt.Equal(starts) || !s.EndsAt.Equal(starts.Add(2*time.Hour)) || s.Territory != "MI" || !s.OpenEnrolment ||
		s.MapURL != "https://maps.example/padova" || s.Place != "Casa di quartiere, Via Padova 36" {
		t.Fatalf("session = %+v, %v", s, err)
	}

	itChat, it := w.linkedBeneficiary("MI", "it")
	invited := h.NewBeneficiary("MI", "en", 0) // never linked: the bot cannot reach them
	coord := w.coordMI
	coord.Send(fmt.Sprintf("/enrol %d %s, %s %s", id, w.ben.Code, strings.ToLower(it.Code), invited.Code))
	expect(t, coord, "Iscritti ora (3)", w.ben.Code, it.Code, "Non raggiungibile dal bot, avvisalo tu: "+invited.Code)
	if got := flowtest.Texts(itChat.Inbox()); !strings.Contains(got, "Sei iscritto/a a un laboratorio: LabIn Lavoro › Il CV") ||
		!strings.Contains(got, "mercoledì 10 dicembre, 09:30") || !strings.Contains(got, "https://maps.example/padova") {
		t.Fatalf("Italian enrolment notice:\n%s", got)
	}
	fr := w.h.Catalog.For("fr")
	notice, _, _ := strings.Cut(fr.T("enrol.notice"), "<no value>") // the words before the first value
	if got := flowtest.Texts(w.benMI.Inbox()); !strings.Contains(got, strings.TrimSpace(notice)) || !strings.Contains(got, fr.DateTime(time.Date(2025, 12, 10, 9, 30, 0, 0, w.h.Rome))) {
		t.Fatalf("French reader's notice:\n%s", got)
	}
	coord.Send(fmt.Sprintf("/enrol %d %s", id, it.Code))
	expect(t, coord, "Era già iscritto: "+it.Code, "Niente è stato cambiato")
	if got := itChat.Inbox(); len(got) != 0 {
		t.Fatalf("enrolled twice, told twice: %s", flowtest.Describe(got))
	}

	coord.Send(fmt.Sprintf("/session move %d 12/12/2025 15:00", id))
	expect(t, coord, "spostata: da mercoledì 10 dicembre, 09:30 a venerdì 12 dicembre, 15:00", "Ho avvisato 2 iscritti",
		"Non raggiungibile dal bot, avvisalo tu: "+invited.Code)
	if got := flowtest.Texts(itChat.Inbox()); !strings.Contains(got, "Prima: mercoledì 10 dicembre, 09:30") || !strings.Contains(got, "venerdì 12 dicembre, 15:00") {
		t.Fatalf("Italian move notice:\n%s", got)
	}
	if got := flowtest.Texts(w.benMI.Inbox()); !strings.Contains(got, fr.DateTime(time.Date(2025, 12, 10, 9, 30, 0, 0, h.Rome))) ||
		!strings.Contains(got, fr.DateTime(time.Date(2025, 12, 12, 15, 0, 0, 0, h.Rome))) {
		t.Fatalf("French reader's move notice:\n%s", got)
	}
	s, _ = storage.SessionByID(ctx, h.DB, id)
	moved := time.Date(2025, 12, 12, 15, 0, 0, 0, h.Rome)
	if !s.StartsAt.Equal(moved) || !s.EndsAt.Equal(moved.Add(2*time.Hour)) {
		t.Fatalf("moved session = %+v", s)
	}

	coord.Send(fmt.Sprintf("/session cancel %d", id))
	expect(t, coord, fmt.Sprintf("Annullare la sessione #%d", id), "Iscritti: 3")
	if got := w.benMI.Inbox(); len(got) != 0 {
		t.Fatalf("told before the cancellation was confirmed: %s", flowtest.Describe(got))
	}
	coord.Tap("Sì, annulla")
	expect(t, coord, "annullata (LabIn Lavoro › Il CV, venerdì 12 dicembre, 15:00)", "Ho avvisato 2 iscritti")
	if got := flowtest.Texts(itChat.Inbox()); !strings.Contains(got, "è annullato") {
		t.Fatalf("Italian cancel notice:\n%s", got)
	}
	if got := flowtest.Texts(w.benMI.Inbox()); !strings.Contains(got, fr.DateTime(time.Date(2025, 12, 12, 15, 0, 0, 0, h.Rome))) ||
		!strings.HasPrefix(got, "❌") || strings.Contains(got, "is cancelled") {
		t.Fatalf("French reader's cancel notice:\n%s", got)
	}
	coord.Send(fmt.Sprintf("/session cancel %d", id))
	expect(t, coord, fmt.Sprintf("La sessione #%d è annullata", id), "Niente è stato cambiato")
	if got := w.benMI.Inbox(); len(got) != 0 {
		t.Fatalf("cancelled twice, told twice: %s", flowtest.Describe(got))
	}
	// Created, enrolled, moved, cancelled: four re-plannings, none for the refused second cancel.
	if n := planner.sessionCount(id); n != 4 {
		t.Fatalf("SessionChanged called %d times, want 4", n)
	}
	entries, err := storage.AuditEntries(ctx, h.DB, storage.AuditFilter{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		if e.TargetKind == "session" || e.Action == "/enrol" {
			actions = append(actions, e.Action)
		}
	}
	if got := strings.Join(actions, ","); got != "/session cancel,/session move,/enrol,/enrol,/enrol,/session add" {
		t.Fatalf("audit = %s", got)
	}
}

func TestSessionBadInputIsAnsweredAndChangesNothing(t *testing.T) {
	t.Parallel()
	w := newCoordWorld(t)
	h, coord := w.h, w.coordMI
	mod, mi, bo := w.module.ID, w.sessionMI.ID, w.sessionBO.ID
	before := counts(t, h.DB)
	deniedBefore := auditCount(t, h.DB, storage.OutcomeDenied)
	cases := []struct{ in, want, usage string }{
		{fmt.Sprintf("/session add %d MI 30/11/2025 10:00 Via Roma", mod), "30/11/2025 è già passato", "/session add <id modulo>"},
		{fmt.Sprintf("/session add %d MI 01/12/2025 09:00 Via Roma", mod), "lunedì 1 dicembre, 09:00 è già passato", "/session add <id modulo>"},
		{fmt.Sprintf("/session add %d MI 2025-13-01 10:00 Via Roma", mod), "«2025-13-01» non è una data", "/session add <id modulo>"},
		{fmt.Sprintf("/session add %d MI 15/12/2025 10h Via Roma", mod), "«10h» non è un orario", "/session add <id modulo>"},
		{fmt.Sprintf("/session add %d RM 15/12/2025 10:00 Via Roma", mod), "«RM» non è un territorio del progetto", "/session add <id modulo>"},
		{fmt.Sprintf("/session add %d BO 15/12/2025 10:00 Via Roma", mod), "Il territorio BO non è tra i tuoi", "/session add <id modulo>"},
		{"/session add 99 MI 15/12/2025 10:00 Via Roma", "Nessun modulo #99", "/session add <id modulo>"},
		{"/session add uno MI 15/12/2025 10:00 Via Roma", "«uno» non è un id", "/session add <id modulo>"},
		{fmt.Sprintf("/session add %d MI 15/12/2025 10:00 open", mod), "Manca il luogo", "/session add <id modulo>"},
		{fmt.Sprintf("/session move %d 15/12/2025 10:00", bo), fmt.Sprintf("Nessuna sessione #%d tra quelle che gestisci", bo), "/session move <id sessione>"},
		{fmt.Sprintf("/session move %d 04/12/2025 10:00", mi), fmt.Sprintf("La sessione #%d è già fissata per giovedì 4 dicembre, 10:00", mi), "/session move"},
		{fmt.Sprintf("/session move %d 15/12/2025 10:00 subito", mi), "Troppi argomenti: «subito»", "/session move <id sessione>"},
		{fmt.Sprintf("/session cancel %d %d", mi, bo), fmt.Sprintf("Troppi argomenti: «%d»", bo), "/session cancel <id sessione>"},
		{fmt.Sprintf("/session cancel %d", bo), fmt.Sprintf("Nessuna sessione #%d", bo), "/session cancel <id sessione>"},
		{"/session delete 3", "Non conosco «delete»", "/session add | move | cancel"},
		{"/lab remove 3", "Non conosco «remove»", "/lab add <nome>"},
		{"/module add 99 Ricette", "Nessun laboratorio #99", "/module add <id laboratorio> <nome>"},
		{"/lab add X", "Il nome deve avere da 2 a 80 caratteri", "/lab add <nome>"},
		{fmt.Sprintf("/enrol %d MI-999", mi), "MI-999: nessun beneficiario con questo codice", "/enrol <id sessione>"},
		{"/labs extra", "Troppi argomenti", "/labs"},
	}
	for _, tc := range cases {
		coord.Send(tc.in)
		expect(t, coord, tc.want, "Niente è stato cambiato", tc.usage)
	}
	if after := counts(t, h.DB); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("bad input changed data:\n%v\n%v", before, after)
	}
	if queuedToBeneficiaries(t, h.DB, coord) != 0 {
		t.Fatal("bad input told beneficiaries something")
	}
	// Another territory's session, territory and the unknown code are refusals in the audit log.
	if n := auditCount(t, h.DB, storage.OutcomeDenied) - deniedBefore; n != 4 {
		t.Fatalf("%d refusals audited, want 4", n)
	}

	// A missing argument is asked for; a wrong answer is asked again; Cancel leaves nothing.
	coord.Send(fmt.Sprintf("/session move %d 15/12/2025", mi))
	expect(t, coord, "A che ora inizia")
	coord.Send("più tardi")
	expect(t, coord, "«più tardi» non è un orario", "A che ora inizia")
	coord.Send("annulla")
	expect(t, coord, "annullato. Niente è stato cambiato")
	coord.Send("11:00")
	if strings.Contains(flowtest.Texts(coord.Last), "spostata") {
		t.Fatal("an abandoned form went on")
	}
	if after := counts(t, h.DB); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("an abandoned form changed data:\n%v\n%v", before, after)
	}
	// A button of a form no longer under way is not acted on.
	coord.Press(fmt.Sprintf("kfv:sc:%d", mi))
	if s, _ := storage.SessionByID(h.Ctx(), h.DB, mi); s.Status != storage.SessionScheduled {
		t.Fatal("a stale button cancelled a session")
	}
}

func TestEnrolChecksEveryCodeBeforeEnrollingAnyone(t *testing.T) {
	t.Parallel()
	w := newCoordWorld(t)
	h := w.h
	_, bo := w.linkedBeneficiary("BO", "it")
	closedChat, closed := w.linkedBeneficiary("MI", "it")
	if err := storage.SetBeneficiaryStatus(h.Ctx(), h.DB, closed.ID, storage.BeneficiaryClosed, h.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	before := counts(t, h.DB)
	// The admin sees every code: each problem is named.
	w.admin.Send(fmt.Sprintf("/enrol %d %s %s %s XX-1", w.sessionMI.ID, w.ben.Code, bo.Code, closed.Code))
	expect(t, w.admin, "Non ho iscritto nessuno", bo.Code+": è del territorio BO, la sessione è a MI", closed.Code+": il suo percorso è chiuso",
		"XX-1: nessun beneficiario", "Niente è stato cambiato")
	// The MI coordinator cannot see the BO code: it is unknown to them, and the refusal audited.
	w.coordMI.Send(fmt.Sprintf("/enrol %d %s %s", w.sessionMI.ID, w.ben.Code, bo.Code))
	expect(t, w.coordMI, bo.Code+": nessun beneficiario con questo codice tra quelli che segui")
	if strings.Contains(flowtest.Texts(w.coordMI.Last), "BO, la sessione") {
		t.Fatal("a coordinator learnt the territory of a beneficiary they may not see")
	}
	if after := counts(t, h.DB); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("refused enrolment changed data:\n%v\n%v", before, after)
	}
	if got := w.benMI.Inbox(); len(got) != 0 || len(closedChat.Inbox()) != 0 {
		t.Fatalf("someone was told of a refused enrolment: %s", flowtest.Describe(got))
	}
	entries, _ := storage.AuditEntries(h.Ctx(), h.DB, storage.AuditFilter{Outcome: storage.OutcomeDenied, Action: "/enrol"})
	// The audit log names people by their internal id, never by code.
	if len(entries) != 2 || entries[0].TargetID != strconv.FormatInt(bo.ID, 10) || entries[1].TargetID != "" {
		t.Fatalf("denials = %+v", entries)
	}
	// The guided form: session by button, codes typed.
	w.coordMI.Send("/enrol")
	w.coordMI.Tap(fmt.Sprintf("#%d ", w.sessionMI.ID))
	expect(t, w.coordMI, "Scrivi i codici")
	w.coordMI.Send(w.ben.Code)
	expect(t, w.coordMI, "Iscritto ora", w.ben.Code)
}

func TestLabAndModuleGuidedForms(t *testing.T) {
	t.Parallel()
	w := newCoordWorld(t)
	coord := w.coordBO
	coord.Send("/lab")
	expect(t, coord, "Come si chiama il nuovo laboratorio")
	coord.Send("LabIn Casa")
	expect(t, coord, "«LabIn Casa» creato")
	coord.Send("/module")
	// The project-wide lab is an admin's to change: only the coordinator's own lab is offered.
	expect(t, coord, "A quale laboratorio", "#2 LabIn Casa")
	expectNot(t, coord, "#1 LabIn Lavoro")
	coord.Tap("#2 LabIn Casa")
	coord.Send("Cercare casa")
	expect(t, coord, "«Cercare casa» aggiunto al laboratorio #2 «LabIn Casa»")
	coord.Send("/labs")
	expect(t, coord, "Laboratorio #2 LabIn Casa · 📍 BO", "Laboratorio #1 LabIn Lavoro · 📍 tutto il progetto", "Modulo #2 Cercare casa", "Via Padova 36 (BO)")
	if strings.Contains(flowtest.Texts(coord.Last), "(MI)") {
		t.Fatal("/labs showed another territory's sessions")
	}
}
