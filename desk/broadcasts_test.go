package desk_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// listener is a beneficiary who consented to announcements and can be reached.
func (h *harness) listener(territory, lang string) storage.Identity {
	h.t.Helper()
	ctx := context.Background()
	b, err := storage.CreateBeneficiary(ctx, h.db, storage.NewBeneficiary{Territory: territory, Lang: lang, DisplayName: "Reader " + lang}, t0)
	if err != nil {
		h.t.Fatal(err)
	}
	at := t0
	if err := storage.MarkOnboarded(ctx, h.db, b.ID, t0); err != nil {
		h.t.Fatal(err)
	}
	if err := storage.SetConsent(ctx, h.db, b.ID, storage.ConsentAnnouncements, &at); err != nil {
		h.t.Fatal(err)
	}
	b, err = storage.BeneficiaryByCode(ctx, h.db, b.Code)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.reachable(b)
}

// isolated is a language's name as the Broadcasts pages write it among counts.
func isolated(code string) string { return "\u2068" + domain.LanguageName(code) + "\u2069" }

func broadcastCount(t *testing.T, db *storage.DB) int {
	t.Helper()
	var n int
	if err := db.Get(context.Background(), &n, `SELECT COUNT(*) FROM broadcasts`); err != nil {
		t.Fatal(err)
	}
	return n
}

// A coordinator of Milano writes a broadcast on the desk: the page warns which languages would
// get the Italian text and how many people, a French version takes French off the warning,
// Send now queues each reader's message in their language (the French version, or the Italian
// text under a header in their language), and nobody of another territory. A tutor has no
// Broadcasts page; another territory is refused (404, audited); a POST without the CSRF token
// is a 403; nothing is created by either.
func TestBroadcastComposedOnTheDesk(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		h := newHarness(t, db)
		coord := h.staff(storage.RoleCoordinator, "MI", "active", "en", "Giulia Ferri")
		tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		fr1, fr2, ar, it := h.listener("MI", "fr"), h.listener("MI", "fr"), h.listener("MI", "ar"), h.listener("MI", "it")
		bologna := h.listener("BO", "fr")

		tb := h.browser("en")
		tb.signIn(h.link(tutor.ID))
		h.wantPage(tb.get("/desk/broadcasts"), http.StatusNotFound, "en", "desk.msg.not_found")
		h.wantPage(tb.postForm("/desk/broadcasts", url.Values{"audience": {"all"}, "text": {"Hello"}}), http.StatusNotFound, "en", "desk.msg.not_found")
		if strings.Contains(tb.get("/desk/").body, `href="/desk/broadcasts"`) {
			t.Fatal("a tutor's navigation offers Broadcasts")
		}

		b := h.browser("en")
		b.signIn(h.link(coord.ID))
		form := url.Values{"audience": {"all"}, "text": {"Festa di quartiere sabato alle 16 in via Padova."}}
		if p := b.post("/desk/broadcasts", form); p.status != http.StatusForbidden {
			t.Fatalf("a broadcast without the CSRF token: %d", p.status)
		}
		newForm := b.get("/desk/broadcasts/new")
		if newForm.status != http.StatusOK || !strings.Contains(newForm.body, h.text("en", "broadcast.audience_territory", "Territory", "MI")) ||
			strings.Contains(newForm.body, `value="BO"`) {
			t.Fatalf("the new broadcast's audiences of a Milano coordinator\n%s", newForm.body)
		}
		h.wantPage(b.postForm("/desk/broadcasts", url.Values{"audience": {"BO"}, "text": {"Ciao Bologna"}}), http.StatusNotFound, "en", "desk.msg.not_found")
		if es := h.audit("/broadcast", storage.OutcomeDenied); len(es) != 1 || es[0].ActorID.Int64 != coord.ID {
			t.Fatalf("the refusal of another territory is not audited: %+v", es)
		}
		if p := b.postForm("/desk/broadcasts", url.Values{"audience": {"all"}, "text": {"  "}}); p.status != http.StatusUnprocessableEntity ||
			!strings.Contains(p.body, h.text("en", "desk.broadcasts.err.empty")) {
			t.Fatalf("an empty broadcast: %d\n%s", p.status, p.body)
		}
		if n := broadcastCount(t, db); n != 0 {
			t.Fatalf("%d broadcasts after refusals", n)
		}

		loc := wantRedirect(t, b.postForm("/desk/broadcasts", form), "/desk/broadcasts/")
		path, _, _ := strings.Cut(loc, "?")
		id, err := strconv.ParseInt(strings.TrimPrefix(path, "/desk/broadcasts/"), 10, 64)
		if err != nil {
			t.Fatalf("redirected to %s", loc)
		}
		bc, err := storage.BroadcastByID(ctx, db, id)
		if err != nil || bc.Audience != "MI" || bc.Status != storage.BroadcastDraft || bc.CreatedBy != coord.ID {
			t.Fatalf("the draft: %+v %v", bc, err)
		}
		page := b.get(path)
		warn := h.text("en", "desk.broadcasts.warn_italian", "ByLang", notify.CountsByKey(map[string]int{"fr": 2, "ar": 1}, isolated), "People", 3)
		if page.status != http.StatusOK || !strings.Contains(page.body, warn) {
			t.Fatalf("no warning %q on the draft's page\n%s", warn, page.body)
		}
		if !strings.Contains(page.body, h.text("en", "desk.broadcasts.reach_total", "Total", 4,
			"ByLang", notify.CountsByKey(map[string]int{"fr": 2, "ar": 1, "it": 1}, isolated))) {
			t.Fatalf("the draft's page does not say who receives it\n%s", page.body)
		}

		french := "Fête de quartier samedi à 16 h, via Padova."
		wantRedirect(t, b.postForm(path+"/versions", url.Values{"lang": {"fr"}, "text": {french}}), path+"?ok=version_saved")
		page = b.get(path)
		warn = h.text("en", "desk.broadcasts.warn_italian", "ByLang", notify.CountsByKey(map[string]int{"ar": 1}, isolated), "People", 1)
		if !strings.Contains(page.body, warn) || !strings.Contains(page.body, htmlText(french)) {
			t.Fatalf("after the French version, want %q and the French preview\n%s", warn, page.body)
		}

		wantRedirect(t, b.postForm(path+"/send", nil), path+"?ok=sending")
		wantRedirect(t, b.postForm(path+"/send", nil), path+"?err=not_draft")
		header := func(lang string) string { return h.cat.For(lang).T("broadcast.header") }
		for _, c := range []struct {
			who        storage.Identity
			lang, text string
		}{{fr1, "fr", french}, {fr2, "fr", french}, {ar, "ar", form.Get("text")}, {it, "it", form.Get("text")}} {
			msgs := h.outbox(c.who.ID)
			if len(msgs) != 1 || !strings.Contains(msgs[0], header(c.lang)) || !strings.Contains(msgs[0], c.text) {
				t.Fatalf("the %s reader's messages: %q", c.lang, msgs)
			}
		}
		if msgs := h.outbox(bologna.ID); len(msgs) != 0 {
			t.Fatalf("a reader in Bologna got Milano's broadcast: %q", msgs)
		}
		if es := h.audit("broadcast confirm", storage.OutcomeOK); len(es) != 1 || es[0].ActorID.Int64 != coord.ID {
			t.Fatalf("the sending is not audited: %+v", es)
		}
		if sent := b.get(path); !strings.Contains(sent.body, `id="broadcast-report"`) || strings.Contains(sent.body, `id="broadcast-send"`) {
			t.Fatalf("the sent broadcast's page\n%s", sent.body)
		}
		if list := b.get("/desk/broadcasts"); !strings.Contains(list.body, `href="`+path+`"`) ||
			!strings.Contains(list.body, h.text("en", "desk.broadcasts.delivered_of", "Delivered", 0, "Recipients", 4)) {
			t.Fatalf("the list\n%s", list.body)
		}
	})
}

// A draft is scheduled in BOT_TIMEZONE (a moment passed is refused and changes nothing), then
// cancelled; another coordinator of the territory sees it but may not cancel it.
func TestBroadcastScheduledAndCancelledOnTheDesk(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		h := newHarness(t, db)
		coord := h.staff(storage.RoleCoordinator, "MI", "active", "it", "Giulia Ferri")
		other := h.staff(storage.RoleCoordinator, "MI", "active", "it", "Luca Neri")
		h.listener("MI", "it")
		b := h.browser("it")
		b.signIn(h.link(coord.ID))
		loc := wantRedirect(t, b.postForm("/desk/broadcasts", url.Values{"audience": {"all"}, "text": {"Sportello chiuso lunedì."}}), "/desk/broadcasts/")
		path, _, _ := strings.Cut(loc, "?")
		id, _ := strconv.ParseInt(strings.TrimPrefix(path, "/desk/broadcasts/"), 10, 64)

		if p := b.postForm(path+"/schedule", url.Values{"when": {"2026-11-30T10:00"}}); p.status != http.StatusUnprocessableEntity ||
			!strings.Contains(p.body, h.text("it", "desk.broadcasts.err.past_when")) {
			t.Fatalf("a moment passed: %d\n%s", p.status, p.body)
		}
		if bc, _ := storage.BroadcastByID(ctx, db, id); bc.Status != storage.BroadcastDraft {
			t.Fatalf("after a refused schedule: %+v", bc)
		}
		wantRedirect(t, b.postForm(path+"/schedule", url.Values{"when": {"2026-12-02T10:00"}}), path+"?ok=scheduled")
		rome, _ := time.LoadLocation("Europe/Rome")
		bc, err := storage.BroadcastByID(ctx, db, id)
		if err != nil || bc.Status != storage.BroadcastScheduled || !bc.ScheduledAt.Time.Equal(time.Date(2026, 12, 2, 10, 0, 0, 0, rome)) {
			t.Fatalf("scheduled: %+v %v", bc, err)
		}

		ob := h.browser("it")
		ob.signIn(h.link(other.ID))
		if p := ob.get(path); p.status != http.StatusOK || strings.Contains(p.body, `id="broadcast-cancel"`) {
			t.Fatalf("another coordinator's view: %d\n%s", p.status, p.body)
		}
		h.wantPage(ob.postForm(path+"/cancel", nil), http.StatusNotFound, "it", "desk.msg.not_found")
		if bc, _ := storage.BroadcastByID(ctx, db, id); bc.Status != storage.BroadcastScheduled {
			t.Fatalf("cancelled by someone else: %+v", bc)
		}

		wantRedirect(t, b.postForm(path+"/cancel", nil), path+"?ok=cancelled")
		if bc, _ := storage.BroadcastByID(ctx, db, id); bc.Status != storage.BroadcastCancelled {
			t.Fatalf("not cancelled: %+v", bc)
		}
	})
}
