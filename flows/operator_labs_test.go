package flows_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/flows"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/research"
	"github.com/insideaut/insidebot/storage"
)

// newOperator is an active reception-centre operator of a territory (and centre, when set) in
// their own chat.
func newOperator(t *testing.T, h *flowtest.Harness, territory, name string, centreID int64) (*flowtest.Chat, storage.Staff) {
	t.Helper()
	ctx := context.Background()
	id, err := storage.CreateStaff(ctx, h.DB, storage.NewStaff{DisplayName: name, Role: storage.RoleOperator, Territory: territory, Lang: "it",
		CentreID: centreID}, h.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := storage.SetStaffStatus(ctx, h.DB, id, "active"); err != nil {
		t.Fatal(err)
	}
	s, err := storage.StaffByID(ctx, h.DB, id)
	if err != nil {
		t.Fatal(err)
	}
	chat := h.Telegram()
	h.LinkStaff(chat, s)
	return chat, s
}

func maxID(t *testing.T, h *flowtest.Harness, table string) int64 {
	t.Helper()
	var id int64
	if err := h.DB.Get(h.Ctx(), &id, `SELECT MAX(id) FROM `+table); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestOperatorsResidentialLab: a coordinator creates an operators' lab and a two-day session
// (shown with both dates), enrols an operator of the territory (a beneficiary, an operator in
// a beneficiaries' session and an operator of another territory are refused, the wrong
// audiences audited); the operator is told, says they come and sees it in /labs; a tutor marks
// them present; /export monitoring sends the CLI's CSV with the operator trained, and a tutor
// is refused it.
func TestOperatorsResidentialLab(t *testing.T) {
	t.Parallel()
	bothDialects(t, operatorsResidentialLab)
}

func operatorsResidentialLab(t *testing.T, opts ...flowtest.Option) {
	w := newCoordWorld(t, opts...)
	h := w.h
	ctx := h.Ctx()
	centre, err := storage.EnsureCentre(ctx, h.DB, "MI", "Casa Aurora", h.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	opChat, op := newOperator(t, h, "MI", "Luca", centre.ID)
	_, opBO := newOperator(t, h, "BO", "Sara", 0)
	coord := w.coordMI
	const span = "dal mercoledì 10 dicembre, 09:30 al giovedì 11 dicembre, 17:00"

	coord.Send("/lab operators Linee guida per l'autonomia")
	expect(t, coord, "Laboratorio per operatori dei centri di accoglienza", "«Linee guida per l'autonomia» creato", "📍 MI")
	lab, err := storage.LabByID(ctx, h.DB, maxID(t, h, "labs"))
	if err != nil || lab.Audience != storage.AudienceOperators || lab.Territory.String != "MI" {
		t.Fatalf("lab = %+v %v", lab, err)
	}
	coord.Send(fmt.Sprintf("/module add %d Uscire dall'accoglienza", lab.ID))
	moduleID := maxID(t, h, "lab_modules")

	// The session's last day and end time are asked after its start.
	coord.Send(fmt.Sprintf("/session add %d MI 10/12/2025 9:30", moduleID))
	expect(t, coord, "Ultimo giorno della sessione")
	coord.Send("09/12/2025")
	expect(t, coord, "09/12/2025 è prima del primo giorno", "Ultimo giorno della sessione")
	coord.Send("11/12/2025")
	expect(t, coord, "A che ora finisce l'ultimo giorno")
	coord.Send("17:00")
	expect(t, coord, "Dove? Scrivi il luogo")
	coord.Send("Casa del Lago, Pesaro open") // "open" lets no beneficiary into an operators' lab
	expect(t, coord, "di un laboratorio per operatori in calendario", span, "Casa del Lago, Pesaro (MI)", "/enrol")
	sid := maxID(t, h, "lab_sessions")
	s, err := storage.SessionByID(ctx, h.DB, sid)
	if err != nil || !s.StartsAt.Equal(time.Date(2025, 12, 10, 9, 30, 0, 0, h.Rome)) || !s.EndsAt.Equal(time.Date(2025, 12, 11, 17, 0, 0, 0, h.Rome)) {
		t.Fatalf("session = %+v %v", s, err)
	}
	coord.Send("/labs")
	expect(t, coord, fmt.Sprintf("Laboratorio per operatori #%d", lab.ID), fmt.Sprintf("Sessione #%d: %s", sid, span))

	// Wrong audiences: refused, audited, nobody enrolled.
	denied := auditCount(t, h.DB, "denied")
	coord.Send(fmt.Sprintf("/enrol %d %s", sid, w.ben.Code))
	expect(t, coord, w.ben.Code+" è un beneficiario, e questo laboratorio è per gli operatori", "nessuno è stato iscritto")
	coord.Send(fmt.Sprintf("/enrol %d op%d", w.sessionMI.ID, op.ID))
	expect(t, coord, fmt.Sprintf("op%d è un operatore, e questo laboratorio è per i beneficiari", op.ID))
	if got := auditCount(t, h.DB, "denied") - denied; got != 2 {
		t.Fatalf("%d refusals audited, want 2", got)
	}
	coord.Send(fmt.Sprintf("/enrol %d OP-%d", sid, opBO.ID))
	expect(t, coord, fmt.Sprintf("op%d: nessun operatore attivo di MI ha questo numero", opBO.ID))
	if n := counts(t, h.DB)["enrolments"]; n != 0 {
		t.Fatalf("%d beneficiaries enrolled", n)
	}
	var enrolled int
	if err := h.DB.Get(ctx, &enrolled, `SELECT COUNT(*) FROM operator_enrolments`); err != nil || enrolled != 0 {
		t.Fatalf("%d operators enrolled, %v", enrolled, err)
	}
	if got := opChat.Inbox(); len(got) != 0 {
		t.Fatalf("the operator was told: %s", flowtest.Describe(got))
	}

	// A beneficiary neither sees nor joins it.
	w.benMI.Send("/labs")
	if strings.Contains(flowtest.Texts(w.benMI.Last), lab.Name) {
		t.Fatalf("a beneficiary is offered the operators' session:\n%s", flowtest.Describe(w.benMI.Last))
	}
	w.benMI.Press(notify.Data(flows.ButtonEnrol, sid))
	if n := counts(t, h.DB)["enrolments"]; n != 0 {
		t.Fatalf("a beneficiary joined an operators' session (%d enrolments)", n)
	}

	// The guided form lists the territory's operators.
	coord.Send(fmt.Sprintf("/enrol %d", sid))
	expect(t, coord, "per gli operatori dei centri di accoglienza di MI", fmt.Sprintf("op%d · Luca", op.ID))
	if _, ok := flowtest.FindButton(coord.Last, "Sara"); ok {
		t.Fatal("an operator of BO is offered for a session of MI")
	}
	coord.Tap("Luca")
	expect(t, coord, "Iscritti ora, e avvisati: Luca")
	opChat.Last = opChat.Inbox()
	expect(t, opChat, "Sei iscritto a un laboratorio residenziale per operatori", span, "Casa del Lago, Pesaro")
	opChat.Tap("Ci sarò")
	expect(t, opChat, "Grazie: ci sarai", "La tua risposta: ci sarai")
	opChat.Send("/labs")
	expect(t, opChat, "I tuoi laboratori residenziali", span, "La tua risposta: ci sarai")
	e, err := storage.OperatorEnrolmentOf(ctx, h.DB, sid, op.ID)
	if err != nil || e.RSVP.String != "yes" {
		t.Fatalf("enrolment = %+v %v", e, err)
	}

	// Moved a week on, it keeps its two days, and the operator is told.
	coord.Send(fmt.Sprintf("/session move %d 17/12/2025 09:30", sid))
	expect(t, coord, "Ho avvisato l'iscritto")
	if s, err = storage.SessionByID(ctx, h.DB, sid); err != nil || !s.EndsAt.Equal(time.Date(2025, 12, 18, 17, 0, 0, 0, h.Rome)) {
		t.Fatalf("moved session = %+v %v", s, err)
	}
	if got := flowtest.Texts(opChat.Inbox()); !strings.Contains(got, "mercoledì 10 dicembre, 09:30") || !strings.Contains(got, "mercoledì 17 dicembre, 09:30") {
		t.Fatalf("the operator's move notice:\n%s", got)
	}
	const moved = "dal mercoledì 17 dicembre, 09:30 al giovedì 18 dicembre, 17:00"

	// On the first day a tutor of the territory marks them present.
	h.Clock.Set(time.Date(2025, 12, 17, 12, 0, 0, 0, h.Rome))
	w.tutorMI.Send(fmt.Sprintf("/attendance %d", sid))
	expect(t, w.tutorMI, "Luca (Casa Aurora)", moved)
	w.tutorMI.Tap("✅ Luca")
	expect(t, w.tutorMI, "Salvato: Luca", "Presenti: 1")
	if e, err = storage.OperatorEnrolmentOf(ctx, h.DB, sid, op.ID); err != nil || e.Attendance.String != "present" {
		t.Fatalf("attendance = %+v %v", e, err)
	}

	// The monitoring export in the chat: the CLI's file, of the coordinator's territory.
	coord.Send("/export monitoring")
	if len(coord.Last) != 1 || coord.Last[0].Document == nil {
		t.Fatalf("want one CSV document:\n%s", flowtest.Describe(coord.Last))
	}
	doc := coord.Last[0].Document
	want, err := research.BuildMonitoring(ctx, h.DB, "MI", h.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var cli bytes.Buffer
	if err := want.WriteCSV(&cli); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc.Data, cli.Bytes()) || doc.Name != "insidebot-monitoring-20251217-MI.csv" {
		t.Fatalf("%s:\n%s\nwant:\n%s", doc.Name, doc.Data, cli.Bytes())
	}
	rows := readCSV(t, doc.Data)
	if !containsRow(rows, "MI", "operators", "trained", "1") {
		t.Fatalf("no operator trained in MI:\n%s", doc.Data)
	}
	if strings.Contains(string(doc.Data), "ALL") || strings.Contains(string(doc.Data), "Luca") {
		t.Fatalf("a territory's export has ALL rows or a name:\n%s", doc.Data)
	}
	w.admin.Send("/export monitoring")
	if len(w.admin.Last) != 1 || w.admin.Last[0].Document == nil || !containsRow(readCSV(t, w.admin.Last[0].Document.Data), "ALL", "operators", "trained", "1") {
		t.Fatalf("admin's export:\n%s", flowtest.Describe(w.admin.Last))
	}
	denied = auditCount(t, h.DB, "denied")
	w.tutorMI.Send("/export monitoring")
	expect(t, w.tutorMI, saysDenied)
	if w.tutorMI.Last[0].Document != nil || auditCount(t, h.DB, "denied") != denied+1 {
		t.Fatalf("a tutor's /export monitoring: %s", flowtest.Describe(w.tutorMI.Last))
	}
}

func containsRow(rows [][]string, want ...string) bool {
	return slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r, want) })
}
