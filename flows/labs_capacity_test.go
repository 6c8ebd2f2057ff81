package flows_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// Six people, each in their own chat and language, press "Join" on the last place of a session
// at the same moment, through the real dispatcher: one gets the place, the five others are
// told in their language that the session is full, and nobody is enrolled beyond capacity.
func TestSixPeoplePressingJoinForTheLastPlace(t *testing.T) {
	t.Parallel()
	bothDialects(t, sixPeopleJoinAtOnce)
}

func sixPeopleJoinAtOnce(t *testing.T, opts ...flowtest.Option) {
	h := newHarness(t, opts...)
	m := labModule(h, "Digital skills", "Using SPID")
	langs := []string{"en", "fr", "ar", "ur", "bn", "so"}
	chats := make([]*flowtest.Chat, len(langs))
	for i, lang := range langs {
		chats[i], _ = member(h, lang, 0)
	}
	// Three sessions, so that a race between counting and enrolling would show.
	for round := range 3 {
		s := session(h, m, "MI", 5+round, true, 1, "")
		joins := make([]bot.Incoming, len(langs))
		for i, lang := range langs {
			chats[i].Press(fmt.Sprintf("ls:%d", s.ID))
			join := expectButton(t, chats[i], h.Catalog.For(lang).T("labs.join"))
			joins[i] = bot.Incoming{Channel: chats[i].Channel, UpdateID: fmt.Sprintf("join-%d-%d", round, i), ChatID: chats[i].ID,
				UserID: chats[i].ID, Kind: bot.KindButton, Data: join.Data, At: h.Clock.Now()}
		}
		start := make(chan struct{})
		errs := make([]error, len(joins))
		var wg sync.WaitGroup
		for i, in := range joins {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = h.Dispatcher.Dispatch(h.Ctx(), in)
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("%s: %v", langs[i], err)
			}
		}
		if n := count(h, `SELECT COUNT(*) FROM enrolments WHERE session_id = ?`, s.ID); n != 1 {
			t.Fatalf("round %d: %d enrolled in a session of capacity 1", round, n)
		}
		joined, full := 0, 0
		for i, c := range chats {
			l := h.Catalog.For(langs[i])
			got := flowtest.Texts(c.Inbox())
			switch {
			case strings.Contains(got, l.T("labs.enrolled")):
				joined++
			case strings.Contains(got, l.T("labs.full_now")):
				full++
			default:
				t.Fatalf("%s was told:\n%s", langs[i], got)
			}
		}
		if joined != 1 || full != 5 {
			t.Fatalf("round %d: %d told they joined, %d told it is full", round, joined, full)
		}
	}
}

// A coordinator's /enrol beyond a session's capacity says so and asks first; the confirmation
// enrols everyone once, and the button works once.
func TestEnrolBeyondCapacityAsksForConfirmation(t *testing.T) {
	t.Parallel()
	bothDialects(t, enrolBeyondCapacity)
}

func enrolBeyondCapacity(t *testing.T, opts ...flowtest.Option) {
	w := newCoordWorld(t, opts...)
	h, coord := w.h, w.coordMI
	at := h.Clock.Now().Add(72 * time.Hour)
	s, err := storage.CreateSession(h.Ctx(), h.DB, storage.NewSession{ModuleID: w.module.ID, Territory: "MI", StartsAt: at,
		EndsAt: at.Add(2 * time.Hour), Place: "Via Padova 36", OpenEnrolment: true, Capacity: 2}, h.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, a := w.linkedBeneficiary("MI", "it")
	bChat, b := w.linkedBeneficiary("MI", "it")
	_, c := w.linkedBeneficiary("MI", "it")
	// Within capacity: at once.
	coord.Send(fmt.Sprintf("/enrol %d %s", s.ID, a.Code))
	expect(t, coord, "Iscritto ora", a.Code)
	// Two more for the one place left: asked first, nothing done yet.
	coord.Send(fmt.Sprintf("/enrol %d %s %s", s.ID, b.Code, c.Code))
	expect(t, coord, fmt.Sprintf("La sessione #%d ha 2 posti; già iscritti: 1", s.ID), "sarebbero 3, oltre la capienza")
	if n := count(h, `SELECT COUNT(*) FROM enrolments WHERE session_id = ?`, s.ID); n != 1 {
		t.Fatalf("%d enrolled before the confirmation", n)
	}
	if got := bChat.Inbox(); len(got) != 0 {
		t.Fatalf("told before the confirmation: %s", flowtest.Describe(got))
	}
	yes := expectButton(t, coord, "Iscrivi comunque")
	coord.Press(yes.Data)
	expect(t, coord, "Iscritti ora", b.Code, c.Code)
	if n := count(h, `SELECT COUNT(*) FROM enrolments WHERE session_id = ?`, s.ID); n != 3 {
		t.Fatalf("%d enrolled after the confirmation, want 3", n)
	}
	if got := flowtest.Texts(bChat.Inbox()); !strings.Contains(got, "Il CV") {
		t.Fatalf("the enrolled person was not told: %q", got)
	}
	coord.Press(yes.Data)
	expect(t, coord, "Questo pulsante è scaduto")
	// Full: even one more is asked about.
	_, d := w.linkedBeneficiary("MI", "it")
	coord.Send(fmt.Sprintf("/enrol %d %s", s.ID, d.Code))
	expect(t, coord, "oltre la capienza")
	coord.Tap("Annulla")
	if n := count(h, `SELECT COUNT(*) FROM enrolments WHERE session_id = ?`, s.ID); n != 3 {
		t.Fatalf("%d enrolled after cancelling", n)
	}
}
