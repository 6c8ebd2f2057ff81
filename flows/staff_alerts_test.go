package flows_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// The alert loop: a beneficiary asks for help on a step, their tutor is alerted at once with
// Open and Reply, taps Reply and writes; the beneficiary receives the text in their language;
// the alert is closed and /alerts says so.
func TestAlertLoopHelpToReply(t *testing.T) {
	t.Parallel()
	for _, dialect := range []struct {
		name string
		opts []flowtest.Option
	}{{"postgres", nil}, {"sqlite", []flowtest.Option{flowtest.SQLite()}}} {
		t.Run(dialect.name, func(t *testing.T) {
			w := newStaffWorld(t, dialect.opts...)
			ctx := context.Background()
			tutor := w.chats[asTutor]
			// Close the world's alert, so this one is the only one open.
			if _, err := storage.HandleAlert(ctx, w.h.DB, w.alert.ID, w.tutor.ID, w.h.Clock.Now()); err != nil {
				t.Fatal(err)
			}

			// The beneficiary asks for help on step 2 (the plan journey raises it like this).
			if err := w.h.DB.InTx(ctx, func(tx *storage.Tx) error {
				return w.h.Domain.AlertTutor(ctx, tx, w.h.Clock.Now(), w.ben, storage.AlertStepHelp, w.step2.ID, "Cercare una stanza")
			}); err != nil {
				t.Fatal(err)
			}
			tutor.Last = tutor.Inbox()
			expectIn(t, tutor.Last, "MI-001", "Cercare una stanza")
			expectNotIn(t, tutor.Last, w.benChat.ID)

			// /alerts lists it with the step it is about and the three buttons.
			out := tutor.Send("/alerts")
			expectIn(t, out, "1 avviso aperto", "MI-001", "chiede aiuto su un passo", "passo 2: Cercare una stanza")
			for _, label := range []string{"📂 MI-001", "Rispondi", "Fatto"} {
				if _, ok := flowtest.FindButton(out, label); !ok {
					t.Fatalf("no %q button:\n%s", label, flowtest.Describe(out))
				}
			}

			// Reply, then the text.
			out = tutor.Tap("Rispondi")
			expectIn(t, out, "Scrivi il messaggio per MI-001 · Amina")
			if _, ok := flowtest.FindButton(out, "Annulla"); !ok {
				t.Fatalf("no Cancel:\n%s", flowtest.Describe(out))
			}
			out = tutor.Send("Ci vediamo lunedì alle 10 in Via Padova 36")
			expectIn(t, out, "Messaggio inviato a MI-001", "1 avviso chiuso")

			got := w.benChat.Inbox()
			if len(got) != 1 || got[0].Lang != "en" {
				t.Fatalf("the beneficiary got %s (lang %v)", flowtest.Describe(got), got)
			}
			if !strings.Contains(got[0].Text, "Ci vediamo lunedì alle 10 in Via Padova 36") {
				t.Fatalf("text not relayed: %s", flowtest.Describe(got))
			}
			if _, ok := flowtest.FindButton(got, "Answer"); !ok {
				t.Fatalf("no answer button for the beneficiary: %s", flowtest.Describe(got))
			}

			open, err := storage.OpenAlerts(ctx, w.h.DB, w.tutor.ID)
			if err != nil || len(open) != 0 {
				t.Fatalf("open alerts after the reply: %+v %v", open, err)
			}
			expectIn(t, tutor.Send("/alerts"), "Nessun avviso aperto")

			// The next free text is not relayed again: the reply step is over.
			tutor.Send("altro testo")
			if again := w.benChat.Inbox(); len(again) != 0 {
				t.Fatalf("a second message reached the beneficiary: %s", flowtest.Describe(again))
			}
			entries, _ := storage.AuditEntries(ctx, w.h.DB, storage.AuditFilter{Action: "/reply"})
			if len(entries) != 1 || entries[0].TargetID != strconv.FormatInt(w.ben.ID, 10) || strings.Contains(entries[0].Detail, "Via Padova") {
				t.Fatalf("audit = %+v", entries)
			}
		})
	}
}

func TestAlertButtonsOpenDoneAndCancel(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t)
	tutor := w.chats[asTutor]

	out := w.do(asTutor, button(notify.ButtonAlertOpen, w.alert.ID))
	expectIn(t, out, "👤 MI-001 · Amina", "Piano: 0/2 fatti", "Codice fiscale")

	// Reply, then Cancel: nothing is sent, the alert stays open.
	w.do(asTutor, button(notify.ButtonAlertReply, w.alert.ID))
	expectIn(t, tutor.Tap("Annulla"), "Annullato")
	tutor.Send("questo non va a nessuno")
	if got := w.benChat.Inbox(); len(got) != 0 {
		t.Fatalf("sent after cancel: %s", flowtest.Describe(got))
	}
	expectIn(t, tutor.Last, "Non ho capito", "/mine")

	// Done closes it once; a second tap says so and changes nothing.
	expectIn(t, w.do(asTutor, button(flows.ButtonTutorAlertDone, w.alert.ID)), "Avviso su MI-001 chiuso")
	before := w.snapshot(asTutor)
	expectIn(t, w.do(asTutor, button(flows.ButtonTutorAlertDone, w.alert.ID)), "era già chiuso")
	if after := w.snapshot(asTutor); !equalCounts(before, after) {
		t.Fatalf("second Done changed %v -> %v", before, after)
	}

	// /reply to someone not reachable keeps nothing half-done.
	lone := w.h.NewBeneficiary("MI", "en", w.tutor.ID)
	expectIn(t, tutor.Send("/reply "+lone.Code+" ciao"), "non è raggiungibile")
	expectIn(t, tutor.Send("/reply"), "A chi vuoi scrivere?", lone.Code)
	expectIn(t, tutor.Send("/reply MI-001"), "Scrivi il messaggio per MI-001")
	expectIn(t, tutor.Send("Ciao Amina"), "Messaggio inviato a MI-001")
	expectIn(t, w.benChat.Inbox(), "Ciao Amina")
	expectIn(t, tutor.Send("/reply MI-999 ciao"), "Nessun beneficiario MI-999")
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestFormWhoseBeneficiaryMovedIsRefused: a reply form opened before MI-001 moved to another
// tutor sends nothing afterwards; the refusal is audited.
func TestFormWhoseBeneficiaryMovedIsRefused(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t)
	ctx := context.Background()
	tutor := w.chats[asTutor]
	expectIn(t, tutor.Send("/reply MI-001"), "Scrivi il messaggio per MI-001")
	if err := storage.SetBeneficiaryTutor(ctx, w.h.DB, w.ben.ID, w.coord.ID); err != nil {
		t.Fatal(err)
	}
	denials := w.denials(asTutor)
	expectIn(t, tutor.Send("Ciao"), "Questo modulo non vale più", "Non è cambiato nulla")
	if got := w.benChat.Inbox(); len(got) != 0 {
		t.Fatalf("sent: %s", flowtest.Describe(got))
	}
	if w.denials(asTutor) != denials+1 {
		t.Fatal("not audited")
	}
	expectIn(t, tutor.Send("Ciao di nuovo"), "Non ho capito")
}

// /alerts shows each alert as a message of its own, its buttons under it, and each Done names
// the alert's code: tapping one closes that alert and no other.
func TestEachAlertComesWithItsOwnDone(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t)
	ctx := context.Background()
	other := w.h.NewBeneficiary("MI", "en", w.tutor.ID)
	if err := w.h.DB.InTx(ctx, func(tx *storage.Tx) error {
		return w.h.Domain.AlertTutor(ctx, tx, w.h.Clock.Now(), other, storage.AlertMessage, 0, "")
	}); err != nil {
		t.Fatal(err)
	}
	w.chats[asTutor].Inbox()
	out := w.chats[asTutor].Send("/alerts")
	expectIn(t, out, "2 avvisi aperti")
	if len(out) != 3 || len(out[0].Buttons) != 0 {
		t.Fatalf("want the count, then one message per alert:\n%s", flowtest.Describe(out))
	}
	for _, m := range out[1:] {
		var code string
		for _, c := range []string{w.ben.Code, other.Code} {
			if strings.Contains(m.Text, c) {
				code = c
			}
		}
		if code == "" || len(m.Buttons) != 1 || len(m.Buttons[0]) != 3 || m.Buttons[0][2].Text != "✔️ Fatto: "+code {
			t.Fatalf("an alert's message and its Done:\n%s", flowtest.Describe([]bot.Outgoing{m}))
		}
	}
	expectIn(t, out[1:2], w.ben.Code, "chiede aiuto su un passo")
	expectIn(t, out[2:3], other.Code, "ti ha scritto")
	w.chats[asTutor].Tap("✔️ Fatto: " + other.Code)
	open, err := storage.OpenAlerts(ctx, w.h.DB, w.tutor.ID)
	if err != nil || len(open) != 1 || open[0].BeneficiaryID != w.ben.ID {
		t.Fatalf("open alerts after closing %s's: %+v %v", other.Code, open, err)
	}
}
