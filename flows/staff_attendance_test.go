package flows_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// TestAttendance: the coordinator marks MI-001 absent then present; the absence alerts her tutor
// once (a double tap changes nothing); sessions of other territories, future, cancelled or
// unknown ones change nothing.
func TestAttendance(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t)
	ctx := context.Background()
	now := w.h.Clock.Now()
	coord := w.chats[asCoordinator]
	tutor := w.chats[asTutor]
	sid := fmt.Sprint(w.session.ID)

	expectIn(t, coord.Send("/attendance"), "Quale sessione?", "#"+sid+" LabIn Casa / Contratti d'affitto (MI)")
	expectIn(t, coord.Tap("📋 #"+sid), "Sessione #"+sid, "MI-001 — ❔ non segnato/a", "Presenti: 0 su 1")
	roster := coord.Last
	expectIn(t, coord.Tap("❌ MI-001"), "Salvato: MI-001 ❌ assente", "MI-001 — ❌ assente")
	alert := tutor.Inbox()
	expectIn(t, alert, "MI-001 era assente alla sessione: LabIn Casa / Contratti d'affitto")
	expectButtons(t, alert, "Apri", "Rispondi")
	coord.Last = roster
	expectIn(t, coord.Tap("❌ MI-001"), "MI-001 è già segnato/a ❌ assente. Non è cambiato nulla.")
	if got := tutor.Inbox(); len(got) != 0 {
		t.Fatal("a second tap alerted the tutor again")
	}
	open, _ := storage.OpenAlerts(ctx, w.h.DB, w.tutor.ID)
	if len(open) != 2 || open[1].Kind != storage.AlertAbsent || open[1].RefID.Int64 != w.session.ID {
		t.Fatalf("alerts = %+v", open)
	}
	coord.Last = roster
	expectIn(t, coord.Tap("✅ MI-001"), "Salvato: MI-001 ✅ presente", "Presenti: 1 su 1")
	if got := tutor.Inbox(); len(got) != 0 {
		t.Fatal("presence alerted the tutor")
	}
	en, _ := storage.EnrolmentOf(ctx, w.h.DB, w.session.ID, w.ben.ID)
	if en.Attendance.String != "present" || en.AttendanceBy.Int64 != w.coord.ID {
		t.Fatalf("enrolment = %+v", en)
	}
	entries, _ := storage.AuditEntries(ctx, w.h.DB, storage.AuditFilter{Action: "/attendance", Outcome: storage.OutcomeOK})
	if len(entries) != 2 {
		t.Fatalf("audit = %+v", entries)
	}
	// The alert lists in /alerts with its session.
	expectIn(t, tutor.Send("/alerts"), "era assente a una sessione", "sessione #"+sid+" LabIn Casa / Contratti d'affitto")

	// Other sessions.
	mod, _ := storage.ModuleByID(ctx, w.h.DB, w.session.ModuleID)
	mk := func(terr string, starts time.Time) storage.Session {
		s, err := storage.CreateSession(ctx, w.h.DB, storage.NewSession{ModuleID: mod.ID, Territory: terr, StartsAt: starts, EndsAt: starts.Add(time.Hour), Place: "Sala"}, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := storage.Enrol(ctx, w.h.DB, s.ID, w.ben.ID, 0, now); err != nil {
			t.Fatal(err)
		}
		return s
	}
	bo := mk("BO", now.Add(-time.Hour))
	future := mk("MI", now.Add(48*time.Hour))
	cancelled := mk("MI", now.Add(-time.Hour))
	if _, err := storage.CancelSession(ctx, w.h.DB, cancelled.ID, now); err != nil {
		t.Fatal(err)
	}
	before := w.snapshot(asCoordinator)
	for in, says := range map[string]string{
		fmt.Sprintf("/attendance %d", bo.ID):        fmt.Sprintf("Non c'è nessuna sessione #%d nel tuo territorio", bo.ID),
		"/attendance 999":                           "Non c'è nessuna sessione #999 nel tuo territorio",
		fmt.Sprintf("/attendance %d", future.ID):    "puoi segnare le presenze da quel giorno",
		fmt.Sprintf("/attendance %d", cancelled.ID): "è stata annullata",
		"/attendance cinque":                        "«cinque» non è il numero di una sessione",
		"/attendance 1 2":                           "Scrivi /attendance seguito dal numero",
	} {
		expectIn(t, coord.Send(in), says)
	}
	expectIn(t, w.do(asCoordinator, button("tt", bo.ID, w.ben.ID, "a")), saysStale)
	if after := w.snapshot(asCoordinator); !equalCounts(before, after) {
		t.Fatalf("refusals changed %v -> %v", before, after)
	}
	// The admin may take attendance anywhere.
	expectIn(t, w.do(asAdmin, fmt.Sprintf("/attendance %d", bo.ID)), fmt.Sprintf("Sessione #%d", bo.ID), "BO")
}
