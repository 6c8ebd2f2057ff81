package flows_test

import (
	"testing"

	"github.com/insideaut/insidebot/flows/flowtest"
)

// TestOutcomeForm: the tutor records a housing outcome with the buttons, corrects it (a typed
// date, a note; the old version stays as corrected) and withdraws it with a one-time
// confirmation; a future date is refused; another territory's tutor may not record one.
func TestOutcomeForm(t *testing.T) {
	bothDialects(t, func(t *testing.T, opts ...flowtest.Option) {
		w := newStaffWorld(t, opts...)
		tutor := w.chats[asTutor]

		expectIn(t, w.chats[asOtherTutor].Send("/outcome MI-001"), saysNoBen)

		out := tutor.Send("/outcome MI-001")
		expectIn(t, out, "Esiti di MI-001", "Nessun esito registrato")
		out = press(t, tutor, out, "Casa")
		expectIn(t, out, "Casa: quale?")
		out = press(t, tutor, out, "Affitto condiviso")
		expectIn(t, out, "Il contratto è registrato?")
		out = press(t, tutor, out, "Registrato")
		expectIn(t, out, "Quando è successo?")
		out = press(t, tutor, out, "Oggi")
		expectIn(t, out, "Aggiungi una breve nota")
		expectIn(t, press(t, tutor, out, "Nessuna nota"), "Esito registrato per MI-001: 🏠 Casa · Affitto condiviso · Registrato")
		if n := w.count(`SELECT COUNT(*) FROM outcomes WHERE kind = 'housing' AND type = 'shared_rental' AND detail = 'yes' AND status = 'valid'`); n != 1 {
			t.Fatalf("%d outcomes", n)
		}

		out = tutor.Send("/outcome MI-001")
		expectIn(t, out, "1. 🏠 Casa · Affitto condiviso")
		out = press(t, tutor, out, "Correggi")
		out = press(t, tutor, out, "Affitto proprio")
		expectIn(t, press(t, tutor, out, "Non registrato"), "Quando è successo?")
		expectIn(t, tutor.Send("01/01/2030"), "nel futuro")
		expectIn(t, tutor.Send("20/11/2025"), "Aggiungi una breve nota")
		expectIn(t, tutor.Send("Contratto firmato in agenzia"), "Esito corretto per MI-001", "Affitto proprio · Non registrato", "20 novembre 2025")
		if n := w.count(`SELECT COUNT(*) FROM outcomes WHERE status = 'corrected'`); n != 1 {
			t.Fatalf("%d corrected", n)
		}
		if n := w.count(`SELECT COUNT(*) FROM outcomes WHERE status = 'valid' AND replaces_id IS NOT NULL AND note = 'Contratto firmato in agenzia'`); n != 1 {
			t.Fatalf("%d corrections", n)
		}

		out = press(t, tutor, tutor.Send("/outcome MI-001"), "Ritira")
		expectIn(t, out, "Ritirare questo esito di MI-001")
		confirm, _ := flowtest.FindButton(out, "Ritira")
		expectIn(t, tutor.Press(confirm.Data), "Esito di MI-001 ritirato")
		expectIn(t, tutor.Press(confirm.Data), "Questo pulsante è scaduto")
		if n := w.count(`SELECT COUNT(*) FROM outcomes WHERE status = 'valid'`); n != 0 {
			t.Fatalf("%d still valid", n)
		}
		if n := w.count(`SELECT COUNT(*) FROM outcomes`); n != 2 {
			t.Fatalf("history of %d rows", n)
		}
		if n := w.count(`SELECT COUNT(*) FROM audit_log WHERE action IN ('/outcome add', '/outcome correct', '/outcome withdraw') AND outcome = 'ok'`); n != 3 {
			t.Fatalf("%d audit entries", n)
		}
	})
}
