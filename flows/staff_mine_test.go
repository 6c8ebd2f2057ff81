package flows_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// TestMineListsAndPages: a tutor's list has their own invited and active beneficiaries (not
// closed ones, not other tutors'), ten per page with buttons; a coordinator sees the territory,
// an admin every territory.
func TestMineListsAndPages(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t)
	ctx := context.Background()
	now := w.h.Clock.Now()
	for range 11 {
		w.h.NewBeneficiary("MI", "en", w.tutor.ID) // MI-002 .. MI-012, invited
	}
	closed := w.h.NewBeneficiary("MI", "en", w.tutor.ID) // MI-013
	if err := storage.SetBeneficiaryStatus(ctx, w.h.DB, closed.ID, storage.BeneficiaryClosed, now); err != nil {
		t.Fatal(err)
	}
	w.h.NewBeneficiary("MI", "en", w.coord.ID) // MI-014, the coordinator's own
	w.h.NewBeneficiary("BO", "en", w.other.ID) // BO-001
	w.benChat.Send("bonjour")                  // MI-001 writes: her last activity
	w.benChat.Inbox()

	tutor := w.chats[asTutor]
	out := tutor.Send("/mine")
	expectIn(t, out, "Segui 12 beneficiari:", "MI-001 · Amina — ✅ 0/2 passi · ⚠️ 1 in ritardo · ultimo messaggio lunedì 1 dicembre, 10:00",
		"MI-002 — ✅ 0/0 passi · ⏳ invitato/a, non ancora entrato/a")
	expectNotIn(t, out, "MI-011", "MI-013", "MI-014", "BO-001")
	expectButtons(t, out, "📂 MI-001", "📂 MI-010", "Avanti ▶")
	if _, ok := flowtest.FindButton(out, "Indietro"); ok {
		t.Fatal("a Previous button on the first page")
	}
	out = tutor.Tap("Avanti")
	expectIn(t, out, "MI-011", "MI-012")
	expectNotIn(t, out, "MI-001 ", "MI-013")
	expectButtons(t, out, "📂 MI-012", "◀ Indietro")
	expectIn(t, tutor.Tap("📂 MI-012"), "👤 MI-012", "⏳ invitato/a", "Il piano non ha ancora passi")

	expectIn(t, w.do(asCoordinator, "/mine"), "Segui 13 beneficiari:") // MI-001..012 and MI-014
	expectIn(t, w.do(asAdmin, "/mine"), "Segui 14 beneficiari:")       // and BO-001
	expectIn(t, w.do(asOtherTutor, "/mine"), "Segui 1 beneficiario:", "BO-001")
	expectIn(t, tutor.Send("/mine tutti"), "/mine non vuole altro")
}

// TestCardShowsTheRecordButNoContact: the card has the plan, labs, lead interest, last activity
// and consents, never a phone number or platform id; erased and unknown codes are refused alike.
func TestCardShowsTheRecordButNoContact(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t)
	ctx := context.Background()
	now := w.h.Clock.Now()
	if _, err := w.h.DB.Exec(ctx, `UPDATE beneficiaries SET reception_contact = '+39 333 1234567' WHERE id = ?`, w.ben.ID); err != nil {
		t.Fatal(err)
	}
	if err := storage.SetConsent(ctx, w.h.DB, w.ben.ID, storage.ConsentResearch, nil); err != nil {
		t.Fatal(err)
	}
	if err := storage.SetAnnouncementsStopped(ctx, w.h.DB, w.ben.ID, &now); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.SetRSVP(ctx, w.h.DB, w.session.ID, w.ben.ID, "no", now); err != nil {
		t.Fatal(err)
	}
	out := w.do(asTutor, "/b mi-001")
	expectIn(t, out, "👤 MI-001 · Amina", "📍 MI · 🗣️ English · 🟢 attivo/a", "Piano: 0/2 fatti · ⚠️ 1 in ritardo",
		"1. 📄 Documenti · Codice fiscale · 📝 da fare · entro venerdì 28 novembre 2025 · ⚠️ in ritardo",
		"2. 🏠 Casa · Cercare una stanza · ⏳ in corso · entro sabato 20 dicembre 2025",
		"LabIn Casa / Contratti d'affitto, lunedì 1 dicembre, 09:00: non verrà",
		fmt.Sprintf("#%d 🏠 Casa: Stanza in Via Padova", w.lead.ID),
		"servizio ✅ · ricerca ❌ · comunicazioni ✅", "Ha scritto STOP")
	expectButtons(t, out, "Aggiungi passo", "Modifica passo", "Scrivi", "Il mio elenco")
	expectNotIn(t, out, w.benChat.ID, "333", "telegram")
	for _, b := range out[0].AllButtons() {
		if strings.Contains(b.Data, w.benChat.ID) {
			t.Fatalf("a platform id in a button: %+v", b)
		}
	}

	if _, err := storage.EraseBeneficiary(ctx, w.h.DB, w.ben.ID, now); err != nil {
		t.Fatal(err)
	}
	erased, _ := storage.BeneficiaryByID(ctx, w.h.DB, w.ben.ID)
	expectIn(t, w.do(asTutor, "/b "+erased.Code), "Nessun beneficiario "+erased.Code)
	expectIn(t, w.do(asTutor, "/b MI-001"), "Nessun beneficiario MI-001")
	expectIn(t, w.do(asTutor, "/b MI-001 MI-002"), "Scrivi /b seguito da un codice")
	expectIn(t, w.do(asTutor, button("tb", w.ben.ID)), saysStale)
}
