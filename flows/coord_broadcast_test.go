package flows_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// broadcastOutbox lists the broadcast messages queued for a broadcast.
func broadcastOutbox(t *testing.T, db *storage.DB, id int64) []storage.OutboxMessage {
	t.Helper()
	var rows []storage.OutboxMessage
	if err := db.Select(context.Background(), &rows, `SELECT id, identity_id, channel, chat_id, chat_key, priority, kind, payload, status,
attempts, next_attempt_at, lease_owner, lease_until, last_error, provider_id, broadcast_id, created_at, sent_at
FROM outbox WHERE broadcast_id = ? ORDER BY id`, id); err != nil {
		t.Fatal(err)
	}
	return rows
}

// failBroadcast makes the broadcast's message to a chat end as failed, as a sender does on a
// permanent error.
func failBroadcast(t *testing.T, h *flowtest.Harness, chat *flowtest.Chat, id int64, reason string) {
	t.Helper()
	if _, err := h.DB.Exec(h.Ctx(), `UPDATE outbox SET status = 'failed', last_error = ?, payload = '', sent_at = NULL
WHERE chat_key = ? AND broadcast_id = ?`, reason, storage.ChatKey(chat.Channel, chat.ID), id); err != nil {
		t.Fatal(err)
	}
}

// progress calls BroadcastProgress in a transaction, as the outbox does after each message.
func progress(t *testing.T, h *flowtest.Harness, id int64) {
	t.Helper()
	ctx := h.Ctx()
	if err := h.DB.InTx(ctx, func(tx *storage.Tx) error { return h.Domain.BroadcastProgress(ctx, tx, id, h.Clock.Now()) }); err != nil {
		t.Fatal(err)
	}
}

func lastBroadcastID(t *testing.T, db *storage.DB) int64 {
	t.Helper()
	var id int64
	if err := db.Get(context.Background(), &id, `SELECT COALESCE(MAX(id), 0) FROM broadcasts`); err != nil {
		t.Fatal(err)
	}
	return id
}

func broadcastStatus(t *testing.T, db *storage.DB, id int64) string {
	t.Helper()
	b, err := storage.BroadcastByID(context.Background(), db, id)
	if err != nil {
		t.Fatal(err)
	}
	return b.Status
}

// audienceMI is the MI coordinator's world with recipients in Italian, English and French (no
// French file yet: English texts), and one person left out for each reason.
type audienceMI struct {
	*coordWorld
	it, en, fr                   *flowtest.Chat
	stopped, noConsent, blocked  *flowtest.Chat
	otherTerritory               *flowtest.Chat
	blockedIdentity, stoppedBene storage.Beneficiary
}

func newAudienceMI(t *testing.T, opts ...flowtest.Option) *audienceMI {
	t.Helper()
	w := newCoordWorld(t, opts...)
	a := &audienceMI{coordWorld: w, fr: w.benMI}
	ctx, now := w.h.Ctx(), w.h.Clock.Now()
	a.it, _ = w.linkedBeneficiary("MI", "it")
	a.en, _ = w.linkedBeneficiary("MI", "en")
	a.stopped, a.stoppedBene = w.linkedBeneficiary("MI", "it")
	if err := storage.SetAnnouncementsStopped(ctx, w.h.DB, a.stoppedBene.ID, &now); err != nil {
		t.Fatal(err)
	}
	var nc storage.Beneficiary
	a.noConsent, nc = w.linkedBeneficiary("MI", "en")
	if err := storage.SetConsent(ctx, w.h.DB, nc.ID, storage.ConsentAnnouncements, nil); err != nil {
		t.Fatal(err)
	}
	a.blocked, a.blockedIdentity = w.linkedBeneficiary("MI", "en")
	ids, err := storage.IdentitiesOf(ctx, w.h.DB, a.blockedIdentity.ID, 0)
	if err != nil || len(ids) != 1 {
		t.Fatalf("identities %v %v", ids, err)
	}
	if err := storage.SetUnreachable(ctx, w.h.DB, ids[0].ID, &now); err != nil {
		t.Fatal(err)
	}
	a.otherTerritory, _ = w.linkedBeneficiary("BO", "it")
	return a
}

func TestBroadcastReachesEachRecipientInTheirLanguageOnceWithAReport(t *testing.T) {
	t.Parallel()
	bothDialects(t, broadcastInTheirLanguages)
}

func broadcastInTheirLanguages(t *testing.T, opts ...flowtest.Option) {
	a := newAudienceMI(t, opts...)
	h, coord := a.h, a.coordMI
	coord.Send("/broadcast all Riunione lunedì alle 10 in sede")
	expect(t, coord, "Anteprima dell'avviso", "per i beneficiari di MI", "Lo riceveranno: 3", "en 1, fr 1, it 1",
		"hanno scritto STOP 1", "non raggiungibili 1", "senza consenso agli avvisi 1", "Riunione lunedì alle 10 in sede")
	id := lastBroadcastID(t, h.DB)
	if n := len(broadcastOutbox(t, h.DB, id)); n != 0 {
		t.Fatalf("a preview queued %d messages", n)
	}

	// A version for the English readers, through the guided buttons.
	coord.Tap("Versione lingua")
	expect(t, coord, "Per quale lingua")
	if _, ok := flowtest.FindButton(coord.Last, "Deutsch"); ok {
		t.Fatal("a language nobody in the audience reads was offered")
	}
	coord.Tap("English")
	coord.Send("Meeting on Monday at 10 at the office")
	expect(t, coord, "Versione in English salvata", "Versioni per lingua: en")

	send := expectButton(t, coord, "Invia ora")
	coord.Press(send.Data)
	expect(t, coord, "in partenza", "Destinatari: 3", "esclusi: 3")
	first := broadcastOutbox(t, h.DB, id)
	if len(first) != 3 {
		t.Fatalf("%d broadcast messages queued, want 3", len(first))
	}
	for _, m := range first {
		if m.Priority != storage.PriorityBulk || m.Kind != "broadcast" || m.BroadcastID.Int64 != id {
			t.Fatalf("queued as %+v", m)
		}
	}
	// Confirmed twice: sent once; the used button has expired. One made up by hand too.
	coord.Press(send.Data)
	expect(t, coord, "Questo pulsante è scaduto")
	coord.Press(fmt.Sprintf("kbc:%d", id))
	expect(t, coord, "Questo pulsante è scaduto")
	if n := len(broadcastOutbox(t, h.DB, id)); n != 3 {
		t.Fatalf("a second confirm queued more: %d", n)
	}

	itMsg, enMsg, frMsg := flowtest.Texts(a.it.Inbox()), flowtest.Texts(a.en.Inbox()), flowtest.Texts(a.fr.Inbox())
	if !strings.Contains(itMsg, "Avviso del progetto INSIDE AUT") || !strings.Contains(itMsg, "Riunione lunedì") || !strings.Contains(itMsg, "scrivi STOP") {
		t.Errorf("Italian recipient got:\n%s", itMsg)
	}
	if !strings.Contains(enMsg, "Announcement from the INSIDE AUT project") || !strings.Contains(enMsg, "Meeting on Monday") || strings.Contains(enMsg, "Riunione") {
		t.Errorf("English recipient got:\n%s", enMsg)
	}
	if !strings.Contains(frMsg, h.Catalog.For("fr").T("broadcast.header")) || !strings.Contains(frMsg, "Riunione lunedì") {
		t.Errorf("French recipient (no French version of the text: the Italian, under a French header) got:\n%s", frMsg)
	}
	for _, left := range []*flowtest.Chat{a.stopped, a.noConsent, a.blocked, a.otherTerritory} {
		if got := left.Inbox(); len(got) != 0 {
			t.Errorf("a person left out got:\n%s", flowtest.Describe(got))
		}
	}

	// The Italian and English messages were delivered (Inbox marks them sent); the French one
	// failed: the person had blocked the bot meanwhile.
	failBroadcast(t, h, a.fr, id, "unreachable (403): Forbidden: bot was blocked by the user")
	coord.Inbox()
	for range 3 {
		progress(t, h, id)
	}
	report := coord.Inbox()
	if len(report) != 1 {
		t.Fatalf("want one report, got:\n%s", flowtest.Describe(report))
	}
	coord.Last = report
	expect(t, coord, fmt.Sprintf("Avviso #%d concluso", id), "Consegnati: 2", "Non consegnati: 1 — hanno bloccato il bot 1",
		"Esclusi: 3 — senza consenso agli avvisi 1, hanno scritto STOP 1, non raggiungibili 1")
	if s := broadcastStatus(t, h.DB, id); s != storage.BroadcastSent {
		t.Fatalf("status %s, want sent", s)
	}
	progress(t, h, id)
	if again := coord.Inbox(); len(again) != 0 {
		t.Fatalf("the report came twice:\n%s", flowtest.Describe(again))
	}
	coord.Send("/broadcasts")
	expect(t, coord, "✅ Inviato", "consegnati: 2 su 3; esclusi: 3")
}

func TestSessionAnnouncementIsComposedInEachLanguage(t *testing.T) {
	t.Parallel()
	a := newAudienceMI(t)
	coord := a.coordMI
	coord.Send(fmt.Sprintf("/broadcast MI announce:%d", a.sessionMI.ID))
	expect(t, coord, "Laboratorio: LabIn Lavoro › Il CV", "giovedì 4 dicembre, 10:00", "Via Padova 36")
	if _, ok := flowtest.FindButton(coord.Last, "Versione lingua"); ok {
		t.Fatal("a session announcement offered per-language versions")
	}
	coord.Tap("Invia ora")
	it, en := flowtest.Texts(a.it.Inbox()), flowtest.Texts(a.en.Inbox())
	for _, want := range []string{"Laboratorio: LabIn Lavoro › Il CV", "giovedì 4 dicembre, 10:00", "📍 Via Padova 36", "maps", "dillo al tuo tutor", "scrivi STOP"} {
		if !strings.Contains(it, want) {
			t.Errorf("Italian announcement lacks %q:\n%s", want, it)
		}
	}
	for _, want := range []string{"Lab: LabIn Lavoro › Il CV", "Thursday 4 December, 10:00", "📍 Via Padova 36", "maps", "tell your tutor", "send STOP"} {
		if !strings.Contains(en, want) {
			t.Errorf("English announcement lacks %q:\n%s", want, en)
		}
	}
	for _, italian := range []string{"giovedì", "dicembre", "Laboratorio", "Avviso", "scrivi"} {
		if strings.Contains(en, italian) {
			t.Errorf("English announcement carries Italian %q:\n%s", italian, en)
		}
	}
}

func TestScheduledBroadcastStartsWhenTheSchedulerCallsIt(t *testing.T) {
	t.Parallel()
	bothDialects(t, scheduledBroadcast)
}

func scheduledBroadcast(t *testing.T, opts ...flowtest.Option) {
	a := newAudienceMI(t, opts...)
	h, coord := a.h, a.coordMI
	ctx := h.Ctx()
	coord.Send("/broadcast all Domani sportello chiuso")
	id := lastBroadcastID(t, h.DB)
	send := expectButton(t, coord, "Invia ora")
	coord.Tap("Programma")
	expect(t, coord, "Quando lo mando")
	coord.Send("domani")
	expect(t, coord, "non è una data con l'ora", "Quando lo mando")
	coord.Send("01/12/2025 09:00")
	expect(t, coord, "è già passato")
	coord.Send("02/12/2025 08:30")
	expect(t, coord, fmt.Sprintf("Avviso #%d programmato per martedì 2 dicembre, 08:30", id))
	if s := broadcastStatus(t, h.DB, id); s != storage.BroadcastScheduled {
		t.Fatalf("status %s", s)
	}
	rs, err := storage.RemindersOf(ctx, h.DB, storage.ReminderBroadcast, storage.BroadcastReminderKey(id))
	due := time.Date(2025, 12, 2, 8, 30, 0, 0, h.Rome)
	if err != nil || len(rs) != 1 || !rs[0].DueAt.Equal(due) || rs[0].BroadcastID.Int64 != id || rs[0].Status != storage.ReminderPending {
		t.Fatalf("reminder = %+v, %v", rs, err)
	}
	if n := len(broadcastOutbox(t, h.DB, id)); n != 0 {
		t.Fatalf("scheduling queued %d messages", n)
	}
	coord.Press(send.Data) // the preview's Send, after scheduling
	expect(t, coord, "è programmato: non lo invio di nuovo")

	// The scheduler, at the due time, twice (two replicas racing): sent once.
	h.Clock.Set(due)
	for range 2 {
		if err := h.DB.InTx(ctx, func(tx *storage.Tx) error { return h.Domain.StartBroadcast(ctx, tx, id, h.Clock.Now()) }); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(broadcastOutbox(t, h.DB, id)); n != 3 {
		t.Fatalf("%d messages queued, want 3", n)
	}
	if got := flowtest.Texts(a.it.Inbox()); !strings.Contains(got, "Domani sportello chiuso") {
		t.Fatalf("recipient got %q", got)
	}
	coord.Last = coord.Inbox()
	expect(t, coord, "in partenza", "Destinatari: 3")
	if s := broadcastStatus(t, h.DB, id); s != storage.BroadcastSending {
		t.Fatalf("status %s, want sending", s)
	}
}

func TestCancelledScheduledBroadcastNeverStarts(t *testing.T) {
	t.Parallel()
	a := newAudienceMI(t)
	h, coord := a.h, a.coordMI
	ctx := h.Ctx()
	coord.Send("/broadcast all Festa sabato")
	id := lastBroadcastID(t, h.DB)
	drop := expectButton(t, coord, "Annulla avviso")
	coord.Tap("Programma")
	coord.Send("03/12/2025 18:00")
	coord.Tap("Annulla avviso")
	expect(t, coord, "annullato: non è arrivato a nessuno")
	rs, _ := storage.RemindersOf(ctx, h.DB, storage.ReminderBroadcast, storage.BroadcastReminderKey(id))
	if len(rs) != 1 || rs[0].Status != storage.ReminderCancelled {
		t.Fatalf("reminder = %+v", rs)
	}
	if err := h.DB.InTx(ctx, func(tx *storage.Tx) error { return h.Domain.StartBroadcast(ctx, tx, id, h.Clock.Now()) }); err != nil {
		t.Fatal(err)
	}
	if n := len(broadcastOutbox(t, h.DB, id)); n != 0 {
		t.Fatalf("a cancelled broadcast queued %d messages", n)
	}
	coord.Press(drop.Data) // the preview's Cancel, after the scheduled one was cancelled
	expect(t, coord, "non si può più annullare")
}

func TestBroadcastProgressIsToldEveryQuarterOnce(t *testing.T) {
	t.Parallel()
	w := newCoordWorld(t)
	h, coord := w.h, w.coordMI
	chats := []*flowtest.Chat{w.benMI}
	for range 23 {
		c, _ := w.linkedBeneficiary("MI", "it")
		chats = append(chats, c)
	}
	coord.Send("/broadcast MI Corso di italiano da lunedì")
	id := lastBroadcastID(t, h.DB)
	coord.Tap("Invia ora")
	expect(t, coord, "Destinatari: 24")
	var told []string
	for i, c := range chats {
		c.Inbox() // delivered
		progress(t, h, id)
		for _, m := range coord.Inbox() {
			told = append(told, fmt.Sprintf("after %d: %s", i+1, m.Text))
		}
	}
	want := []string{
		fmt.Sprintf("after 6: 📤 Avviso #%d: 25%% (6 su 24).", id),
		fmt.Sprintf("after 12: 📤 Avviso #%d: 50%% (12 su 24).", id),
		fmt.Sprintf("after 18: 📤 Avviso #%d: 75%% (18 su 24).", id),
	}
	if len(told) != 4 || strings.Join(told[:3], "\n") != strings.Join(want, "\n") || !strings.Contains(told[3], "after 24: 📊") ||
		!strings.Contains(told[3], "Consegnati: 24") {
		t.Fatalf("told:\n%s", strings.Join(told, "\n"))
	}
}

func TestBroadcastBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	w := newCoordWorld(t)
	h, coord := w.h, w.coordMI
	before := counts(t, h.DB)
	cases := map[string]string{
		"/broadcast xx Ciao":                                      "«xx» non è un pubblico",
		"/broadcast lang:de Hallo":                                "«de» non è una lingua del bot",
		"/broadcast lab:99 Ciao":                                  "Nessun laboratorio #99",
		"/broadcast all announce:999":                             "Nessuna sessione #999",
		fmt.Sprintf("/broadcast session:%d Ciao", w.sessionBO.ID): fmt.Sprintf("Nessuna sessione #%d", w.sessionBO.ID),
		"/broadcast BO Ciao":                                      "Il territorio BO non è tra i tuoi",
		"/broadcast all " + strings.Repeat("x", 3501):             "al massimo 3500 caratteri",
	}
	for in, want := range cases {
		coord.Send(in)
		expect(t, coord, want, "Niente è stato cambiato", "/broadcast <pubblico> <testo>")
	}
	// The audience without text: the form asks for the text; an empty answer cannot be sent.
	coord.Send("/broadcast MI")
	expect(t, coord, "Scrivi il testo dell'avviso")
	coord.Send("   ")
	expect(t, coord, "Il testo è vuoto", "Scrivi il testo dell'avviso")
	coord.Tap("Annulla")
	expect(t, coord, "Niente è stato cambiato")
	if after := counts(t, h.DB); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("bad input changed data: %v -> %v", before, after)
	}
}

// A preview for an audience with no one in it says so, without "0 ()".
func TestBroadcastPreviewSaysWhenTheAudienceIsEmpty(t *testing.T) {
	t.Parallel()
	w := newCoordWorld(t)
	w.coordMI.Send("/broadcast lang:ti Selam")
	expect(t, w.coordMI, "⚠️ Nessuno riceverebbe questo avviso: nel pubblico scelto non c'è nessuno.", "Selam")
	expectNotIn(t, w.coordMI.Last, "Lo riceveranno", "()", "Esclusi")
}

func TestBroadcastToNobodyReachableReportsAtOnce(t *testing.T) {
	t.Parallel()
	w := newCoordWorld(t)
	h, coord := w.h, w.coordMI
	now := h.Clock.Now()
	if err := storage.SetAnnouncementsStopped(h.Ctx(), h.DB, w.ben.ID, &now); err != nil {
		t.Fatal(err)
	}
	coord.Send("/broadcast lang:fr Bonjour")
	expect(t, coord, "⚠️ Nessuno riceverebbe questo avviso: tutti i destinatari sono esclusi (hanno scritto STOP 1).", "Bonjour")
	expectNotIn(t, coord.Last, "Lo riceveranno", "()")
	coord.Tap("Invia ora")
	all := coord.Last
	coord.Last = append(all, coord.Inbox()...)
	expect(t, coord, "Destinatari: 0", "concluso", "Consegnati: 0", "Esclusi: 1 — hanno scritto STOP 1")
	if got := w.benMI.Inbox(); len(got) != 0 {
		t.Fatalf("a STOP recipient got %s", flowtest.Describe(got))
	}
}
