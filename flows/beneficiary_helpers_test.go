package flows_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// newHarness starts a harness and, when the test ends, checks every message the bot queued
// during it against the limits all three channels share.
func newHarness(t *testing.T, opts ...flowtest.Option) *flowtest.Harness {
	t.Helper()
	h := flowtest.New(t, opts...)
	t.Cleanup(func() { assertWithinLimits(t, h) })
	return h
}

var messageID = regexp.MustCompile(`\b(onboarding|menu|plan|area|status|leads|labs|mytutor|language|privacy|help|stop|steps|error)\.[a-z_]+\b`)

// assertWithinLimits: no empty or over-long text, at most ten buttons, labels of at most
// flows.MaxLabelRunes characters (WhatsApp's renderer fits them to its 20/24/72), a body of at
// most 1024 characters above buttons (WhatsApp), payloads within 64 bytes, no message id,
// template residue or apology shown to anyone.
func assertWithinLimits(t *testing.T, h *flowtest.Harness) {
	t.Helper()
	var payloads []string
	if err := h.DB.Select(context.Background(), &payloads, `SELECT payload FROM outbox ORDER BY id`); err != nil {
		t.Errorf("read outbox: %v", err)
		return
	}
	apologies := []string{h.Catalog.For("en").T(locales.GenericErrorID), h.Catalog.For("it").T(locales.GenericErrorID)}
	for _, p := range payloads {
		o, err := bot.DecodeOutgoing(p)
		if err != nil {
			t.Errorf("payload: %v", err)
			continue
		}
		if len(o.Commands) > 0 {
			continue
		}
		n := utf8.RuneCountInString(o.Text)
		switch {
		case strings.TrimSpace(o.Text) == "":
			t.Errorf("empty message: %s", p)
		case n > 4096:
			t.Errorf("message of %d characters", n)
		case len(o.Buttons) > 0 && n > 1024:
			t.Errorf("body of %d characters above buttons: %.80q", n, o.Text)
		case strings.Contains(o.Text, "{{") || strings.Contains(o.Text, "<no value>"):
			t.Errorf("template residue: %q", o.Text)
		case messageID.MatchString(o.Text):
			t.Errorf("a message id reached a person: %q", messageID.FindString(o.Text))
		}
		for _, a := range apologies {
			if strings.Contains(o.Text, a) {
				t.Errorf("the apology for a failure was sent: %q", o.Text)
			}
		}
		bs := o.AllButtons()
		if len(bs) > 10 {
			t.Errorf("%d buttons under %.60q", len(bs), o.Text)
		}
		for _, b := range bs {
			if utf8.RuneCountInString(b.Text) > flows.MaxLabelRunes {
				t.Errorf("label %q is over %d characters", b.Text, flows.MaxLabelRunes)
			}
			if len(b.Data) > notify.MaxDataBytes {
				t.Errorf("payload %q over 64 bytes", b.Data)
			}
		}
	}
}

// member is an onboarded beneficiary of MI with every consent, on a fresh Telegram chat.
func member(h *flowtest.Harness, lang string, tutorID int64) (*flowtest.Chat, storage.Beneficiary) {
	h.T.Helper()
	c := h.Telegram()
	b := h.LinkBeneficiary(c, h.NewBeneficiary("MI", lang, tutorID))
	return c, b
}

// tutorOf is an active tutor of MI, linked to a Telegram chat whose inbox the test reads.
func tutorOf(h *flowtest.Harness) (storage.Staff, *flowtest.Chat) {
	h.T.Helper()
	s := h.NewStaff(storage.RoleTutor, "MI", "Giulia")
	c := h.Telegram()
	h.LinkStaff(c, s)
	return s, c
}

// reload reads a beneficiary again.
func reload(h *flowtest.Harness, id int64) storage.Beneficiary {
	h.T.Helper()
	b, err := storage.BeneficiaryByID(h.Ctx(), h.DB, id)
	if err != nil {
		h.T.Fatal(err)
	}
	return b
}

// alertsOf lists a tutor's open alerts.
func alertsOf(h *flowtest.Harness, staffID int64) []storage.Alert {
	h.T.Helper()
	as, err := storage.OpenAlerts(h.Ctx(), h.DB, staffID)
	if err != nil {
		h.T.Fatal(err)
	}
	return as
}

// count runs a COUNT(*) query.
func count(h *flowtest.Harness, query string, args ...any) int {
	h.T.Helper()
	var n int
	if err := h.DB.Get(h.Ctx(), &n, query, args...); err != nil {
		h.T.Fatalf("%s: %v", query, err)
	}
	return n
}

// expectNot fails when the last answer contains any of texts.
func expectNot(t *testing.T, c *flowtest.Chat, texts ...string) {
	t.Helper()
	all := flowtest.Texts(c.Last)
	for _, s := range texts {
		if strings.Contains(all, s) {
			t.Fatalf("the answer shows %q:\n%s", s, flowtest.Describe(c.Last))
		}
	}
}

// expectButton fails unless the last answer has a button containing label.
func expectButton(t *testing.T, c *flowtest.Chat, label string) bot.Button {
	t.Helper()
	b, ok := flowtest.FindButton(c.Last, label)
	if !ok {
		t.Fatalf("no button %q:\n%s", label, flowtest.Describe(c.Last))
	}
	return b
}

// expectMenu fails unless the last answer shows the main menu (in English).
func expectMenu(t *testing.T, c *flowtest.Chat) {
	t.Helper()
	for _, l := range []string{"My plan", "Housing", "Jobs", "Labs", "My tutor", "Language", "Privacy", "Help"} {
		expectButton(t, c, l)
	}
}

// recorder is a Planner that records what it was asked to re-plan.
type recorder struct {
	mu       sync.Mutex
	sessions []int64
	steps    []int64
}

func (r *recorder) SessionChanged(_ context.Context, _ storage.Queryer, id int64, _ time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sessions = append(r.sessions, id)
	return nil
}

func (r *recorder) StepChanged(_ context.Context, _ storage.Queryer, id int64, _ time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.steps = append(r.steps, id)
	return nil
}

// stepIDs are the steps the flows asked to re-plan, in order.
func (r *recorder) stepIDs() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int64(nil), r.steps...)
}

// sessionCount is how many times the flows asked to re-plan a session.
func (r *recorder) sessionCount(id int64) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, s := range r.sessions {
		if s == id {
			n++
		}
	}
	return n
}

// withPlanner rebuilds the harness's engine and dispatcher with a recording planner.
func withPlanner(h *flowtest.Harness) *recorder {
	rec := &recorder{}
	h.UsePlanner(rec)
	return rec
}
