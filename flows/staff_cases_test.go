package flows_test

import (
	"fmt"
	"strconv"

	"github.com/insideaut/insidebot/flows"
	"github.com/insideaut/insidebot/notify"
)

// staffCase is one command or button tried by every role of the world (staffWorld). input
// builds what is sent: a command ("/step ..."), or a button payload (button(...)). before, when
// set, runs first from the same chat (to open a form). want says, per role, what must happen; a
// role missing from want must be refused.
type staffCase struct {
	name   string
	input  func(w *staffWorld) string
	before func(w *staffWorld, role string)
	want   map[string]outcome
}

// outcome is what a role gets: allowed (the answer contains says; changes tells whether data
// must change), refused (the answer contains says, nothing changes, the audit log has the
// refusal), or foreign (for /help and /lang of beneficiaries, whose journey has its own: no staff
// answer, no staff data changed).
type outcome struct {
	allowed bool
	changes bool
	foreign bool
	says    []string
}

func ok(says ...string) outcome      { return outcome{allowed: true, says: says} }
func changed(says ...string) outcome { return outcome{allowed: true, changes: true, says: says} }
func refused(says ...string) outcome { return outcome{says: says} }

// Answers of refusals, in Italian (staff's default language).
const (
	saysDenied = "non è disponibile per il tuo ruolo"
	saysStale  = "Questo pulsante è scaduto o non è per te"
	saysNoBen  = "Nessun beneficiario MI-001 tra quelli che segui"
)

// everyStaff is the same outcome for the other tutor, the tutor, the coordinator and the admin.
func everyStaff(o outcome) map[string]outcome {
	return map[string]outcome{asOtherTutor: o, asTutor: o, asCoordinator: o, asAdmin: o}
}

// mi001Staff: the other tutor is refused with refusal, MI-001's tutor, the coordinator of MI
// and the admin get o.
func mi001Staff(o, refusal outcome) map[string]outcome {
	return map[string]outcome{asOtherTutor: refusal, asTutor: o, asCoordinator: o, asAdmin: o}
}

// tutorCases are the tutors' commands and buttons (flows/staff_*.go).
var tutorCases = []staffCase{
	{name: "/mine", input: cmd("/mine"), want: map[string]outcome{
		asOtherTutor: ok("Non segui ancora nessun beneficiario"), asTutor: ok("Segui 1 beneficiario", "MI-001 · Amina", "1 in ritardo"),
		asCoordinator: ok("MI-001 · Amina"), asAdmin: ok("MI-001 · Amina")}},
	{name: "/b", input: cmd("/b MI-001"), want: mi001Staff(ok("👤 MI-001 · Amina", "Cercare una stanza", "Contratti d'affitto", "Stanza in Via Padova"), refused(saysNoBen))},
	{name: "/alerts", input: cmd("/alerts"), want: map[string]outcome{
		asOtherTutor: ok("Nessun avviso aperto"), asTutor: ok("1 avviso aperto", "MI-001"), asCoordinator: ok("Nessun avviso aperto"), asAdmin: ok("Nessun avviso aperto")}},
	{name: "/reply", input: cmd("/reply MI-001 Ci vediamo lunedì"), want: mi001Staff(changed("Messaggio inviato a MI-001"), refused(saysNoBen))},
	{name: "/step add", input: cmd("/step MI-001 add casa Visitare la stanza due 15/12/2025"), want: mi001Staff(changed("Passo 3 aggiunto al piano di MI-001"), refused(saysNoBen))},
	{name: "/step status", input: cmd("/step MI-001 1 fatto"), want: mi001Staff(changed("Passo 1 di MI-001", "fatto"), refused(saysNoBen))},
	{name: "/step due", input: cmd("/step MI-001 2 due 10/01/2026"), want: mi001Staff(changed("ora scade sabato 10 gennaio 2026"), refused(saysNoBen))},
	{name: "/invite", input: cmd("/invite fr"), want: map[string]outcome{
		asOtherTutor: changed("Nuovo beneficiario BO-001"), asTutor: changed("Nuovo beneficiario MI-002"),
		asCoordinator: changed("Nuovo beneficiario MI-002"), asAdmin: ok("Quale territorio?")}},
	{name: "/invite tutor", input: cmd("/invite tutor MI"), want: map[string]outcome{
		asOtherTutor: refused(saysDenied), asTutor: refused(saysDenied),
		asCoordinator: changed("nuovo tutor di MI"), asAdmin: changed("nuovo tutor di MI")}},
	{name: "/invite tutor other territory", input: cmd("/invite tutor BO"), want: map[string]outcome{
		asOtherTutor: refused(saysDenied), asTutor: refused(saysDenied),
		asCoordinator: refused("Non puoi operare nel territorio BO"), asAdmin: changed("nuovo tutor di BO")}},
	{name: "/lead add", input: cmd("/lead add casa"), want: map[string]outcome{
		asOtherTutor: ok("Casa a BO"), asTutor: ok("Casa a MI"), asCoordinator: ok("Casa a MI"), asAdmin: ok("In quale territorio")}},
	{name: "/lead close", input: func(w *staffWorld) string { return fmt.Sprintf("/lead close %d", w.lead.ID) },
		want: mi001Staff(changed("chiusa"), refused("Non c'è nessuna offerta"))},
	{name: "/attendance", input: func(w *staffWorld) string { return fmt.Sprintf("/attendance %d", w.session.ID) },
		want: mi001Staff(ok("Sessione #", "MI-001", "non segnato"), refused("Non c'è nessuna sessione"))},
	{name: "/help", input: cmd("/help"), want: withForeign(everyStaff(ok("I tuoi comandi", "/mine", "/step", "/attendance")))},
	{name: "/lang", input: cmd("/lang en"), want: withForeign(everyStaff(changed("Language changed")))},

	{name: "card button", input: func(w *staffWorld) string { return button(flows.ButtonTutorCard, w.ben.ID) },
		want: mi001Staff(ok("👤 MI-001 · Amina"), refused(saysStale))},
	{name: "mine page button", input: func(w *staffWorld) string { return button(flows.ButtonTutorMinePage, "m", 0) }, want: map[string]outcome{
		asOtherTutor: ok("Non segui ancora"), asTutor: ok("MI-001"), asCoordinator: ok("MI-001"), asAdmin: ok("MI-001")}},
	{name: "alert open", input: func(w *staffWorld) string { return button(notify.ButtonAlertOpen, w.alert.ID) },
		want: mi001Staff(ok("👤 MI-001 · Amina"), refused(saysStale))},
	{name: "alert reply", input: func(w *staffWorld) string { return button(notify.ButtonAlertReply, w.alert.ID) },
		want: mi001Staff(ok("Scrivi il messaggio per MI-001"), refused(saysStale))},
	{name: "alert done", input: func(w *staffWorld) string { return button(flows.ButtonTutorAlertDone, w.alert.ID) },
		want: mi001Staff(changed("Avviso su MI-001 chiuso"), refused(saysStale))},
	{name: "alerts page", input: func(w *staffWorld) string { return button(flows.ButtonTutorAlertsPage, 0) }, want: map[string]outcome{
		asOtherTutor: ok("Nessun avviso"), asTutor: ok("MI-001"), asCoordinator: ok("Nessun avviso"), asAdmin: ok("Nessun avviso")}},
	{name: "write button", input: func(w *staffWorld) string { return button(flows.ButtonTutorWrite, w.ben.ID) },
		want: mi001Staff(ok("Scrivi il messaggio per MI-001"), refused(saysStale))},
	{name: "step add button", input: func(w *staffWorld) string { return button(flows.ButtonTutorStep, "a", w.ben.ID) },
		want: mi001Staff(ok("Nuovo passo per MI-001"), refused(saysStale))},
	{name: "step status button", input: func(w *staffWorld) string { return button(flows.ButtonTutorStep, "u", w.step1.ID, "done") },
		want: mi001Staff(changed("Passo 1 di MI-001", "fatto"), refused(saysStale))},
	{name: "step without its form", input: func(w *staffWorld) string { return button(flows.ButtonTutorStep, "n", w.ben.ID) },
		want: everyStaff(refused(saysStale))},
	{name: "invite button", input: cmd(button(flows.ButtonTutorInvite, "b", "fr")),
		before: func(w *staffWorld, role string) { w.do(role, "/invite") }, want: map[string]outcome{
			asOtherTutor: changed("Nuovo beneficiario BO-001"), asTutor: changed("Nuovo beneficiario MI-002"),
			asCoordinator: changed("Nuovo beneficiario MI-002"), asAdmin: ok("Quale territorio?")}},
	{name: "invite button without its form", input: cmd(button(flows.ButtonTutorInvite, "b", "fr")), want: everyStaff(refused(saysStale))},
	{name: "lead kind button", input: cmd(button(flows.ButtonTutorLead, "k", "job")), want: map[string]outcome{
		asOtherTutor: ok("Lavoro a BO"), asTutor: ok("Lavoro a MI"), asCoordinator: ok("Lavoro a MI"), asAdmin: ok("In quale territorio")}},
	{name: "lead close button", input: func(w *staffWorld) string { return button(flows.ButtonTutorLead, "x", w.lead.ID, w.token) },
		before: func(w *staffWorld, role string) { w.issueToken(role, "lead close", strconv.FormatInt(w.lead.ID, 10)) },
		want:   mi001Staff(changed("chiusa"), refused("Non c'è nessuna offerta"))},
	{name: "lead close button made up", input: func(w *staffWorld) string { return button(flows.ButtonTutorLead, "x", w.lead.ID) },
		want: everyStaff(refused("Questo pulsante è scaduto"))},
	{name: "lead publish without its form", input: cmd(button(flows.ButtonTutorLead, "ok")), want: everyStaff(refused(saysStale))},
	{name: "attendance roster button", input: func(w *staffWorld) string { return button(flows.ButtonTutorAttendance, w.session.ID) },
		want: mi001Staff(ok("Sessione #", "MI-001"), refused(saysStale))},
	{name: "attendance absent button", input: func(w *staffWorld) string {
		return button(flows.ButtonTutorAttendance, w.session.ID, w.ben.ID, "a")
	}, want: mi001Staff(changed("MI-001 ❌ assente"), refused(saysStale))},
	{name: "lang button", input: cmd(button(flows.ButtonTutorLang, "en")), want: everyStaff(changed("Language changed"))},
	{name: "cancel button", input: cmd(button(flows.ButtonTutorCancel)), want: everyStaff(ok("Annullato"))},
}

// cmd is a fixed input.
func cmd(s string) func(*staffWorld) string { return func(*staffWorld) string { return s } }

// withForeign marks the beneficiary's outcome as their own journey's business.
func withForeign(m map[string]outcome) map[string]outcome {
	m[asBeneficiary] = outcome{foreign: true}
	return m
}

// staffCaseGroups are the tables TestStaffCommandsByRole runs; the coordinators' commands join
// with their own slice.
func staffCaseGroups() [][]staffCase {
	return [][]staffCase{tutorCases}
}
