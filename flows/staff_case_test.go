package flows_test

import (
	"context"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// press presses the button whose label contains label in msgs, from chat.
func press(t *testing.T, chat *flowtest.Chat, msgs []bot.Outgoing, label string) []bot.Outgoing {
	t.Helper()
	b, ok := flowtest.FindButton(msgs, label)
	if !ok {
		t.Fatalf("no button %q:\n%s", label, flowtest.Describe(msgs))
	}
	return chat.Press(b.Data)
}

func (w *staffWorld) status(id int64) string {
	w.t.Helper()
	b, err := storage.BeneficiaryByID(context.Background(), w.h.DB, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return b.Status
}

// TestCloseAndReopenCase: the tutor closes MI-001's case with the buttons (reason, then a
// one-time confirmation); she is told in English what it means, her pending reminders stop and
// her plan stays readable. Closing again, and reopening an open case, are refused, audited and
// change nothing; reopening tells her and the case is active again. Another territory's tutor
// is refused.
func TestCloseAndReopenCase(t *testing.T) {
	bothDialects(t, func(t *testing.T, opts ...flowtest.Option) {
		w := newStaffWorld(t, opts...)
		tutor := w.chats[asTutor]
		ctx := context.Background()
		if _, err := storage.EnsureReminder(ctx, w.h.DB, storage.NewReminder{Kind: storage.ReminderCheckin, TargetKey: "b:test", OffsetKey: "x",
			BeneficiaryID: w.ben.ID, DueAt: w.h.Clock.Now().Add(48 * time.Hour)}, w.h.Clock.Now()); err != nil {
			t.Fatal(err)
		}

		denied := w.denials(asTutor)
		expectIn(t, tutor.Send("/reopen MI-001"), "Il caso di MI-001 non è chiuso")
		if w.denials(asTutor) != denied+1 {
			t.Fatal("reopening an open case was not audited as refused")
		}

		out := tutor.Send("/close MI-001")
		expectIn(t, out, "Chiusura del caso di MI-001")
		out = press(t, tutor, out, "Autonomia raggiunta")
		expectIn(t, out, "Chiudere il caso di MI-001", "Autonomia raggiunta")
		if w.status(w.ben.ID) != storage.BeneficiaryActive {
			t.Fatal("the case closed before the confirmation")
		}
		confirm, _ := flowtest.FindButton(out, "Chiudi caso")
		expectIn(t, tutor.Press(confirm.Data), "Caso MI-001 chiuso: Autonomia raggiunta", "La persona è stata avvisata")
		if got := w.status(w.ben.ID); got != storage.BeneficiaryClosed {
			t.Fatalf("status %s", got)
		}
		expectIn(t, w.benChat.Inbox(), "Your path with the INSIDE AUT project is now closed", "You can still write here")
		// Only the self-assessment asked at closing is still to come (MI-001 gives the research consent).
		if n := w.count(`SELECT COUNT(*) FROM reminders WHERE beneficiary_id = ? AND status = 'pending' AND kind <> 'assessment'`, w.ben.ID); n != 0 {
			t.Fatalf("%d reminders still pending after closing", n)
		}
		if n := w.count(`SELECT COUNT(*) FROM reminders WHERE beneficiary_id = ? AND status = 'pending' AND kind = 'assessment'`, w.ben.ID); n != 1 {
			t.Fatalf("%d self-assessments planned at closing, want 1", n)
		}
		if n := w.count(`SELECT COUNT(*) FROM case_events WHERE beneficiary_id = ? AND kind = 'closed' AND reason = 'autonomy' AND staff_id = ?`, w.ben.ID, w.tutor.ID); n != 1 {
			t.Fatalf("%d closing events", n)
		}

		// The same confirmation pressed again, and /close of a closed case: refused, nothing changed.
		expectIn(t, tutor.Press(confirm.Data), "Questo pulsante è scaduto")
		denied = w.denials(asTutor)
		expectIn(t, tutor.Send("/close MI-001 altro"), "Il caso di MI-001 è già chiuso")
		if w.denials(asTutor) != denied+1 || w.count(`SELECT COUNT(*) FROM case_events`) != 1 {
			t.Fatal("closing a closed case was not refused cleanly")
		}
		// Her plan stays readable.
		expectIn(t, w.benChat.Send("/plan"), "Cercare una stanza")

		expectIn(t, w.chats[asOtherTutor].Send("/reopen MI-001"), saysNoBen)

		out = tutor.Send("/reopen MI-001")
		expectIn(t, out, "Riaprire il caso di MI-001")
		expectIn(t, press(t, tutor, out, "Riapri"), "Caso MI-001 riaperto")
		if got := w.status(w.ben.ID); got != storage.BeneficiaryActive {
			t.Fatalf("status after reopening %s", got)
		}
		expectIn(t, w.benChat.Inbox(), "open again")
	})
}

// TestCloseCaseOtherReasonNeedsNote: "other" asks for a note, which is kept with the closing
// (and not in the audit log); a coordinator may close a case of her territory.
func TestCloseCaseOtherReasonNeedsNote(t *testing.T) {
	w := newStaffWorld(t)
	coord := w.chats[asCoordinator]
	expectIn(t, coord.Send("/close MI-001 pippo"), "“pippo” non è un motivo di chiusura")
	expectIn(t, coord.Send("/close MI-001 altro"), "Scrivi una breve nota")
	out := coord.Send("Rientrata nel paese d'origine")
	expectIn(t, out, "Chiudere il caso di MI-001", "Altro")
	expectIn(t, press(t, coord, out, "Chiudi caso"), "Caso MI-001 chiuso: Altro")
	if n := w.count(`SELECT COUNT(*) FROM case_events WHERE reason = 'other' AND note = 'Rientrata nel paese d''origine'`); n != 1 {
		t.Fatalf("note kept %d times", n)
	}
	if n := w.count(`SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%Rientrata%'`); n != 0 {
		t.Fatal("the note reached the audit log")
	}
}

// TestReassignAndDeactivate: a tutor may not reassign; the coordinator reassigns MI-001 to
// another tutor of MI (both tutors and the person are told); a tutor with open cases cannot be
// deactivated until her caseload moves; once deactivated, her chat uses no command.
func TestReassignAndDeactivate(t *testing.T) {
	bothDialects(t, func(t *testing.T, opts ...flowtest.Option) {
		w := newStaffWorld(t, opts...)
		luca := w.h.NewStaff(storage.RoleTutor, "MI", "Luca")
		lucaChat := w.h.Telegram()
		w.h.LinkStaff(lucaChat, luca)
		lucaChat.Inbox()
		coord, tutor := w.chats[asCoordinator], w.chats[asTutor]

		expectIn(t, tutor.Send("/reassign MI-001"), saysDenied)
		expectIn(t, w.chats[asOtherTutor].Send("/deactivate"), saysDenied)

		out := coord.Send("/reassign MI-001")
		expectIn(t, out, "Quale tutor subentra")
		if _, ok := flowtest.FindButton(out, "Giulia"); ok {
			t.Fatal("the current tutor is offered")
		}
		expectIn(t, press(t, coord, out, "Luca"), "MI-001 ora è seguito da Luca")
		b, _ := storage.BeneficiaryByID(context.Background(), w.h.DB, w.ben.ID)
		if b.TutorID.Int64 != luca.ID {
			t.Fatal("not reassigned")
		}
		expectIn(t, tutor.Inbox(), "MI-001 ora è seguito da Luca")
		expectIn(t, lucaChat.Inbox(), "Ora segui MI-001")
		expectIn(t, w.benChat.Inbox(), "You have a new tutor: Luca")

		// Luca follows MI-001 now: he cannot be deactivated until his caseload moves.
		denied := w.denials(asCoordinator)
		expectIn(t, coord.Send("/deactivate "+itoa(luca.ID)), "Luca segue ancora 1 casi aperti")
		if w.denials(asCoordinator) != denied+1 {
			t.Fatal("refusal not audited")
		}
		expectIn(t, coord.Send("/reassign "+itoa(luca.ID)+" "+itoa(w.other.ID)), "Nessun membro dello staff")
		expectIn(t, coord.Send("/reassign "+itoa(luca.ID)+" "+itoa(w.tutor.ID)), "Casi aperti passati da Luca a Giulia: 1")
		expectIn(t, lucaChat.Inbox(), "passano a Giulia: 1")

		out = coord.Send("/deactivate " + itoa(luca.ID))
		expectIn(t, out, "Disattivare #"+itoa(luca.ID)+" Luca")
		expectIn(t, press(t, coord, out, "Disattiva"), "è disattivato")
		s, _ := storage.StaffByID(context.Background(), w.h.DB, luca.ID)
		if s.Status != "disabled" {
			t.Fatalf("status %s", s.Status)
		}
		for _, cmd := range []string{"/mine", "/close MI-001", "/help"} {
			expectNotIn(t, lucaChat.Send(cmd), "MI-001", "I tuoi comandi", "Chiusura")
		}
		expectIn(t, coord.Send("/deactivate "+itoa(luca.ID)), "Luca è già disattivato")
		// Another territory's tutor is out of the coordinator's reach.
		expectIn(t, coord.Send("/deactivate "+itoa(w.other.ID)), "Nessun membro dello staff")
	})
}
