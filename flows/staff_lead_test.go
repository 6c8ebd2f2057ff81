package flows_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/insideaut/insidebot/storage"
)

// TestLeadHousingForm walks /lead add casa: every field, a bad rent and a bad date answered
// without losing the form, Publish once (a second tap is stale), the lead in MI with every
// field, audited.
func TestLeadHousingForm(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t)
	ctx := context.Background()
	tutor := w.chats[asTutor]
	leads := func() int { return w.count(`SELECT COUNT(*) FROM leads`) }

	expectIn(t, tutor.Send("/lead add casa"), "🏠 Casa a MI. Scrivi un titolo breve")
	expectButtons(t, tutor.Last, "Annulla")
	expectIn(t, tutor.Send("Stanza singola in Via Padova"), "Scrivi i dettagli")
	expectButtons(t, tutor.Last, "Salta", "Annulla")
	expectIn(t, tutor.Send("Libera da gennaio, vicino alla metro"), "Affitto mensile in euro")
	expectIn(t, tutor.Send("quattrocento"), "«quattrocento» non è un importo")
	expectIn(t, tutor.Send("450 €"), "È condivisa con altre persone?")
	expectButtons(t, tutor.Last, "Sì", "No", "Salta", "Annulla")
	expectIn(t, tutor.Tap("Sì"), "Città o quartiere?")
	expectIn(t, tutor.Send("Milano, Loreto"), "Contatto per i beneficiari")
	expectIn(t, tutor.Send("Sig. Rossi 02 1234567"), "Fino a quando vale l'offerta?")
	expectButtons(t, tutor.Last, "Senza scadenza", "Annulla")
	expectIn(t, tutor.Send("30/02/2026"), "«30/02/2026» non è una data")
	out := tutor.Send("31/01/2026")
	expectIn(t, out, "Controlla l'offerta e pubblicala", "Titolo: Stanza singola in Via Padova", "Affitto: 450 € al mese", "Condivisa: ✅ Sì",
		"Città: Milano, Loreto", "Valida fino a: sabato 31 gennaio 2026")
	if leads() != 1 {
		t.Fatal("a lead was created before Publish")
	}
	confirm := tutor.Last
	expectIn(t, tutor.Tap("Pubblica"), "Offerta #2 pubblicata in MI")
	tutor.Last = confirm
	expectIn(t, tutor.Tap("Pubblica"), saysStale)
	if leads() != 2 {
		t.Fatalf("%d leads after a double Publish", leads())
	}
	l, err := storage.LeadByID(ctx, w.h.DB, 2)
	if err != nil {
		t.Fatal(err)
	}
	if l.Kind != storage.LeadHousing || l.Territory != "MI" || l.Title != "Stanza singola in Via Padova" || l.Details != "Libera da gennaio, vicino alla metro" ||
		l.RentEUR.Int64 != 450 || !l.Shared.Valid || !l.Shared.Bool || l.City.String != "Milano, Loreto" || l.Contact.String != "Sig. Rossi 02 1234567" ||
		l.ExpiresOn.String != "2026-01-31" || l.Status != "open" || l.CreatedBy.Int64 != w.tutor.ID {
		t.Fatalf("lead = %+v", l)
	}
	entries, _ := storage.AuditEntries(ctx, w.h.DB, storage.AuditFilter{Action: "/lead add"})
	if len(entries) != 1 || entries[0].TargetID != "2" {
		t.Fatalf("audit = %+v", entries)
	}

	// Cancel in the middle: nothing saved, the next text is not a field.
	tutor.Send("/lead add lavoro")
	tutor.Send("Magazziniere")
	expectIn(t, tutor.Tap("Annulla"), "Annullato")
	expectIn(t, tutor.Send("Contratto a termine"), "Non ho capito")
	if leads() != 2 {
		t.Fatal("a cancelled form created a lead")
	}
}

// TestLeadJobFormWithSkipsAndTerritoryPick: an all-territory coordinator picks the territory on
// a button; skipped fields stay empty.
func TestLeadJobFormWithSkipsAndTerritoryPick(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t)
	ctx := context.Background()
	all := w.h.NewStaff(storage.RoleCoordinator, "", "Lucia")
	chat := w.h.Telegram()
	w.h.LinkStaff(chat, all)

	chat.Send("/lead")
	expectIn(t, chat.Tap("Lavoro"), "In quale territorio è l'offerta?")
	// A job lead is asked in words of work, not of rooms, with its own fields.
	expectIn(t, chat.Tap("BO"), "💼 Lavoro a BO", "Aiuto cuoco in un ristorante")
	expectNotIn(t, chat.Last, "Stanza")
	expectIn(t, chat.Send("Aiuto cuoco"), "magazziniere")
	expectIn(t, chat.Send("Aiuto cuoco"), "datore di lavoro")
	expectIn(t, chat.Send("Trattoria Da Mario"), "Che contratto")
	expectIn(t, chat.Send("Tempo determinato, 6 mesi"), "20 ore a settimana")
	expectIn(t, chat.Send("25 ore a settimana, sera"), "Dove si trova il lavoro")
	chat.Tap("Salta")
	expectNotIn(t, chat.Last, "libera")
	chat.Tap("Salta")
	chat.Tap("Salta")
	expectIn(t, chat.Tap("Senza scadenza"), "Titolo: Aiuto cuoco", "Datore di lavoro: Trattoria Da Mario", "Contratto: Tempo determinato, 6 mesi",
		"Orario: 25 ore a settimana, sera")
	expectNotIn(t, chat.Last, "Città:", "Dettagli:")
	expectIn(t, chat.Tap("Pubblica"), "pubblicata in BO")
	l, err := storage.LeadByID(ctx, w.h.DB, 2)
	if err != nil {
		t.Fatal(err)
	}
	if l.Kind != storage.LeadJob || l.Territory != "BO" || l.Details != "" || l.City.Valid || l.ExpiresOn.Valid || l.RentEUR.Valid || l.Shared.Valid ||
		l.Contract.String != "Tempo determinato, 6 mesi" || l.JobRole.String != "Aiuto cuoco" || l.Employer.String != "Trattoria Da Mario" ||
		l.Hours.String != "25 ore a settimana, sera" {
		t.Fatalf("lead = %+v", l)
	}
}

// TestLeadClose: by id and from the list, once; ids of other territories and unknown ids get the
// same answer; bad arguments change nothing.
func TestLeadClose(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t)
	ctx := context.Background()
	bo, err := storage.CreateLead(ctx, w.h.DB, storage.Lead{Kind: storage.LeadJob, Territory: "BO", Title: "Cameriere"}, w.h.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	tutor := w.chats[asTutor]
	open := func() int { return w.count(`SELECT COUNT(*) FROM leads WHERE status = 'open'`) }

	for in, says := range map[string]string{
		fmt.Sprintf("/lead close %d", bo.ID): fmt.Sprintf("Non c'è nessuna offerta #%d nel tuo territorio", bo.ID),
		"/lead close 999":                    "Non c'è nessuna offerta #999 nel tuo territorio",
		"/lead close dodici":                 "«dodici» non è il numero di un'offerta",
		"/lead close 1 2":                    "Per le offerte:",
		"/lead add barca":                    "«barca» non è un tipo di offerta",
		"/lead chiudere":                     "Per le offerte:",
	} {
		expectIn(t, tutor.Send(in), says)
	}
	if open() != 2 {
		t.Fatal("a refused close closed something")
	}
	tutor.Send("/lead")
	expectIn(t, tutor.Tap("Chiudi un'offerta"), "Quale offerta vuoi chiudere?", "Stanza in Via Padova")
	expectNotIn(t, tutor.Last, "Cameriere")
	expectIn(t, tutor.Tap("🔒 #1"), "Offerta #1 «Stanza in Via Padova» chiusa")
	expectIn(t, tutor.Send("/lead close 1"), "era già chiusa")
	expectIn(t, tutor.Send("/lead close"), "Non ci sono offerte aperte nel tuo territorio")
	if open() != 1 {
		t.Fatalf("open leads = %d", open())
	}
	entries, _ := storage.AuditEntries(ctx, w.h.DB, storage.AuditFilter{Action: "/lead close"})
	if len(entries) != 2 || entries[0].Outcome != storage.OutcomeOK || entries[1].Outcome != storage.OutcomeDenied {
		t.Fatalf("audit = %+v", entries)
	}
	// The admin sees and closes the other territory's lead.
	expectIn(t, w.do(asAdmin, fmt.Sprintf("/lead close %d", bo.ID)), "chiusa")
}
