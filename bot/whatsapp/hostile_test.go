package whatsapp

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
)

// Correctly signed POSTs with elements the bot cannot store or use (found by hand and by
// FuzzWebhook; fixtures under testdata/hostile/). Each bad element is dropped with one log
// line, the good ones are handled, and the answer is 200 so Meta does not deliver the POST
// again for days.
func TestSignedPostsWithBadElements(t *testing.T) {
	cases := []struct {
		fixture string
		handled []string       // update ids that reach the flows, in order
		dropped map[string]int // elements left out, by kind
		check   func(t *testing.T, got []bot.Incoming)
		prepare func(t *testing.T, e *env)
	}{
		{fixture: "nul_in_message_id.json", handled: []string{"wamid.GOOD01"}, dropped: map[string]int{"message": 1}},
		{fixture: "nul_in_sender.json", handled: []string{"wamid.GOOD02"}, dropped: map[string]int{"message": 1}},
		{fixture: "status_code_2_40.json", handled: []string{"wamid.GOOD03"}, dropped: map[string]int{"status": 1},
			// The failed message is the outbox's: its receipt would get the code.
			prepare: func(t *testing.T, e *env) { sentMessage(t, e, 0, "reply") }},
		{fixture: "wrong_types.json", handled: []string{"wamid.GOOD04"}, dropped: map[string]int{"contact": 1, "message": 4, "status": 2}},
		{fixture: "null_and_scalar_elements.json", handled: []string{"wamid.GOOD05"}, dropped: map[string]int{"contact": 1, "message": 4, "status": 2}},
		{fixture: "huge_strings.json", handled: []string{"wamid.GOOD06"}, dropped: map[string]int{"message": 1},
			check: func(t *testing.T, got []bot.Incoming) {
				if n := bot.UTF16Len(got[0].Text); n != bot.MaxText {
					t.Errorf("a 6000-character text reached the flows with %d units, want it cut to %d", n, bot.MaxText)
				}
			}},
		{fixture: "invalid_utf8.json", handled: []string{"wamid.GOOD07"}, dropped: map[string]int{"message": 1},
			check: func(t *testing.T, got []bot.Incoming) {
				if got[0].Text != "ciao \uFFFD\uFFFD mondo" {
					t.Errorf("text %q", got[0].Text)
				}
			}},
		{fixture: "forged_timestamps.json", handled: []string{"wamid.GOOD08", "wamid.GOOD09"},
			check: func(t *testing.T, got []bot.Incoming) {
				for _, in := range got {
					if !in.At.Equal(testStart) {
						t.Errorf("a forged timestamp gave %v, want the clock's time", in.At)
					}
				}
			}},
		{fixture: "bad_entries.json", handled: []string{"wamid.GOOD10"}, dropped: map[string]int{"entry": 2, "change": 2}},
		{fixture: "control_characters.json", handled: []string{"wamid.GOOD11", "wamid.GOOD12"}, dropped: map[string]int{"message": 2},
			check: func(t *testing.T, got []bot.Incoming) {
				if got[0].Text != "Ciao ho bisogno" || got[1].Data != "pl:1" {
					t.Errorf("cleaned %q and %q", got[0].Text, got[1].Data)
				}
			}},
		{fixture: "bad_user_ids.json", handled: []string{"wamid.GOOD13"}, dropped: map[string]int{"contact": 1, "message": 3, "status": 1}},
	}
	e := newEnv(t)
	total := 0
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			if c.prepare != nil {
				c.prepare(t, e)
			}
			before := len(e.rec.updates())
			dropped := map[string]float64{}
			for k := range c.dropped {
				dropped[k] = e.counter("insidebot_whatsapp_webhook_dropped_total", k)
			}
			name := filepath.Join("hostile", c.fixture)
			for try := range 2 { // Meta's redelivery finds nothing new
				if code := e.postFixture(name); code != http.StatusOK {
					t.Fatalf("delivery %d answered %d, want 200", try+1, code)
				}
			}
			got := e.rec.updates()[before:]
			var ids []string
			for _, in := range got {
				ids = append(ids, in.UpdateID)
			}
			if strings.Join(ids, " ") != strings.Join(c.handled, " ") {
				t.Fatalf("handled %v, want %v", ids, c.handled)
			}
			for k, n := range c.dropped {
				// Dropped on both deliveries.
				if d := e.counter("insidebot_whatsapp_webhook_dropped_total", k) - dropped[k]; d != float64(2*n) {
					t.Errorf("%s dropped %v times over two deliveries, want %d", k, d, 2*n)
				}
				total += 2 * n
			}
			if c.check != nil {
				c.check(t, got)
			}
		})
	}
	if lines := strings.Count(e.logs.String(), "webhook element dropped"); lines != total {
		t.Errorf("%d log lines for %d dropped elements, want one each", lines, total)
	}
}

// A person over the inbound limit: every POST is still answered 200 (Meta would deliver it
// again otherwise), the first update over the limit becomes the notice to slow down, the rest
// is not handled.
func TestFloodStillAnswers200(t *testing.T) {
	e := newEnv(t)
	e.ch.disp = bot.NewDispatcher(bot.DispatcherConfig{DB: e.db, Redis: e.redis, Handler: e.rec, Clock: e.clock,
		Flood: bot.FloodLimit{Burst: 3, Interval: time.Second}})
	body := string(fixture(t, "text.json"))
	for i := range 8 {
		b := []byte(strings.Replace(body, "wamid.HBgMMzkzMzMxMjM0NTY3FQIAEhgUM0EwMUYxQjQ3QkM5RTAyMjMxNjAA", fmt.Sprintf("wamid.FLOOD%02d", i), 1))
		if code := e.post(b, sign(testSecret, b)); code != http.StatusOK {
			t.Fatalf("message %d answered %d", i, code)
		}
	}
	var kinds []string
	for _, in := range e.rec.updates() {
		kinds = append(kinds, string(in.Kind))
	}
	if strings.Join(kinds, " ") != "text text text throttled" {
		t.Fatalf("the flows got %v", kinds)
	}
}
