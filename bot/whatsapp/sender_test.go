package whatsapp

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func TestSendInsideTheWindow(t *testing.T) {
	e := newEnv(t)
	id, err := e.send(recent(e), bot.Outgoing{Text: "Ciao! Come stai?", Lang: "it"})
	if err != nil {
		t.Fatal(err)
	}
	sent := e.graph.sent()
	if len(sent) != 1 || sent[0].Type != "text" || sent[0].Text.Body != "Ciao! Come stai?" || sent[0].To != waA || sent[0].RecipientType != "individual" {
		t.Fatalf("sent = %+v", sent)
	}
	if id != "wamid.1" {
		t.Fatalf("provider id %q", id)
	}
	// It is kept until it is delivered, in case WhatsApp reports it failed outside the window.
	f, err := storage.TemplateFallbackOf(context.Background(), e.db, "wamid.1")
	if err != nil || f.ChatID != waA || !f.WindowEndsAt.Time.Equal(testStart.Add(23*time.Hour)) {
		t.Fatalf("fallback = %+v %v", f, err)
	}
	if o, _ := bot.DecodeOutgoing(f.Payload); o.Text != "Ciao! Come stai?" || o.Lang != "it" {
		t.Fatalf("fallback payload = %s", f.Payload)
	}
}

// isHeld tells whether err holds the message until the person writes.
func isHeld(err error) bool {
	class, se := bot.ClassOf(err)
	return se != nil && class == bot.Held
}

func TestSendOutsideTheWindowHoldsWithOneTemplate(t *testing.T) {
	e := newEnv(t)
	old := e.clock.Now().Add(-25 * time.Hour)
	cases := []struct {
		name   string
		last   time.Time
		out    bot.Outgoing
		tmpl   string
		lang   string
		params []string
	}{
		{"generic message", old, bot.Outgoing{Text: "Your tutor wrote to you", Lang: "fr"}, "new_message_v3", "fr", nil},
		{"never wrote", time.Time{}, bot.Outgoing{Text: "Hello", Buttons: choices(2), Lang: "ar"}, "new_message_v3", "ar", nil},
		{"session reminder", old,
			bot.Outgoing{Text: "Tomorrow: lab", Lang: "fa-AF", Template: &bot.Template{Kind: TemplateSessionReminder, Params: []string{"Laboratorio\ndi cucina", "16/01 ore 10:00"}}},
			"session_reminder_v2", "fa", []string{"Laboratorio di cucina", "16/01 ore 10:00"}},
		{"step reminder", old,
			bot.Outgoing{Text: "Due soon", Lang: "ti", Template: &bot.Template{Kind: TemplateStepReminder, Params: []string{"SPID", ""}}},
			"step_reminder_v1", "en", []string{"SPID", "-"}},
		{"unknown kind and language", old,
			bot.Outgoing{Text: "x", Lang: "so", Template: &bot.Template{Kind: "digest", Params: []string{"3"}}}, "new_message_v3", "en", nil},
		{"a window about to close", e.clock.Now().Add(-window + time.Minute), bot.Outgoing{Text: "x", Lang: "it"}, "new_message_v3", "it", nil},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.graph.reset()
			to := bot.Recipient{ChatID: fmt.Sprintf("39320000%04d", i), LastInbound: c.last}
			// The message is held, not replaced: the template only asks the person to write.
			if _, err := e.send(to, c.out); !isHeld(err) {
				t.Fatalf("error %v, want the message held", err)
			}
			sent := e.graph.sent()
			if len(sent) != 1 || sent[0].Type != "template" || sent[0].Text != nil || sent[0].Interactive != nil {
				t.Fatalf("sent = %+v", sent)
			}
			tr := sent[0].Template
			if tr.Name != c.tmpl || tr.Language.Code != c.lang {
				t.Fatalf("template %s/%s, want %s/%s", tr.Name, tr.Language.Code, c.tmpl, c.lang)
			}
			var params []string
			for _, comp := range tr.Components {
				for _, p := range comp.Parameters {
					params = append(params, p.Text)
				}
			}
			if strings.Join(params, "|") != strings.Join(c.params, "|") {
				t.Fatalf("params %q, want %q", params, c.params)
			}
			// More messages in the same closed window: held too, without another template.
			for range 3 {
				if _, err := e.send(to, bot.Outgoing{Text: "and another", Lang: c.out.Lang}); !isHeld(err) {
					t.Fatalf("error %v, want the message held", err)
				}
			}
			if n := len(e.graph.sent()); n != 1 {
				t.Fatalf("%d sends for one closed window, want the one template", n)
			}
		})
	}
	if got := e.counter("insidebot_whatsapp_templates_total", "window"); got != float64(len(cases)) {
		t.Fatalf("templates metric = %v", got)
	}
}

func TestSendOpensTheWindowFromTheWebhook(t *testing.T) {
	e := newEnv(t)
	// Someone not linked to anyone yet writes: the outbox knows no LastInbound for the chat,
	// the webhook does.
	if code := e.postFixture("text.json"); code != http.StatusOK {
		t.Fatalf("webhook answered %d", code)
	}
	if _, err := e.send(bot.Recipient{ChatID: waA}, bot.Outgoing{Text: "Benvenuto"}); err != nil {
		t.Fatal(err)
	}
	if sent := e.graph.sent(); len(sent) != 1 || sent[0].Type != "text" {
		t.Fatalf("a reply to someone who just wrote is %+v", sent)
	}
	e.clock.Advance(window)
	e.graph.reset()
	if _, err := e.send(bot.Recipient{ChatID: waA}, bot.Outgoing{Text: "Benvenuto"}); !isHeld(err) {
		t.Fatalf("a day later: %v, want the message held", err)
	}
	if sent := e.graph.sent(); len(sent) != 1 || sent[0].Type != "template" {
		t.Fatalf("a day later the chat got %+v, want the template", sent)
	}
}

func TestSendHoldsOn131047(t *testing.T) {
	e := newEnv(t)
	e.graph.fail(graphErr(http.StatusBadRequest, 131047, "Re-engagement message"))
	_, err := e.send(recent(e), bot.Outgoing{Text: "Your session moved", Lang: "it",
		Template: &bot.Template{Kind: TemplateSessionReminder, Params: []string{"Lab", "17/01"}}})
	if !isHeld(err) {
		t.Fatalf("error %v, want the message held", err)
	}
	sent := e.graph.sent()
	if len(sent) != 2 || sent[0].Type != "text" || sent[1].Type != "template" || sent[1].Template.Name != "session_reminder_v2" {
		t.Fatalf("sent = %+v", sent)
	}
	if e.counter("insidebot_whatsapp_templates_total", "reengagement") != 1 {
		t.Fatal("template not counted")
	}
	// WhatsApp said the window is closed although the clock says otherwise: what follows is
	// held without trying, and without another template.
	e.graph.reset()
	if _, err := e.send(recent(e), bot.Outgoing{Text: "One more thing"}); !isHeld(err) {
		t.Fatalf("error %v, want the message held", err)
	}
	if sent := e.graph.sent(); len(sent) != 0 {
		t.Fatalf("sent %+v", sent)
	}
	// The person writes: the window is open again.
	if code := e.postFixture("text.json"); code != http.StatusOK {
		t.Fatalf("webhook answered %d", code)
	}
	if _, err := e.send(bot.Recipient{ChatID: waA}, bot.Outgoing{Text: "One more thing"}); err != nil {
		t.Fatal(err)
	}
	if sent := e.graph.sent(); len(sent) != 1 || sent[0].Type != "text" {
		t.Fatalf("sent %+v", sent)
	}
}

func TestSendErrorClasses(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name   string
		answer canned
		class  bot.ErrorClass
		code   int
		reason string
	}{
		{"pair rate limit", graphErr(400, 131056, "(#131056) (Business Account, Consumer Account) pair rate limit hit"), bot.Retryable, 131056, "pair rate limit"},
		{"throughput", graphErr(400, 130429, "Rate limit hit"), bot.Retryable, 130429, "throughput"},
		{"spam rate", graphErr(400, 131048, "Spam rate limit hit"), bot.Retryable, 131048, "spam"},
		{"account rate", graphErr(400, 80007, "Rate limit issues"), bot.Retryable, 80007, "rate limit"},
		{"server error", canned{status: http.StatusBadGateway, body: "<html>bad gateway</html>"}, bot.Retryable, 502, "server error"},
		{"server error with code", graphErr(500, 131000, "Something went wrong"), bot.Retryable, 131000, "Something went wrong"},
		{"429 without code", canned{status: http.StatusTooManyRequests}, bot.Retryable, 429, "too many"},
		{"undeliverable", graphErr(400, 131026, "Message Undeliverable"), bot.Unreachable, 131026, "Message Undeliverable"},
		{"unsupported type", graphErr(400, 131051, "Unsupported message type"), bot.Permanent, 131051, "Unsupported message type"},
		{"invalid parameter", graphErr(400, 100, "Invalid parameter: to +39 333 123 4567 and token "+testToken), bot.Permanent, 100, "Invalid parameter"},
		{"token expired", graphErr(401, 190, "Error validating access token"), bot.Retryable, 190, "WHATSAPP_ACCESS_TOKEN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.graph.fail(c.answer)
			_, err := e.send(recent(e), bot.Outgoing{Text: "hello"})
			class, se := bot.ClassOf(err)
			if se == nil || class != c.class || se.Code != c.code || !strings.Contains(se.Reason, c.reason) {
				t.Fatalf("error %v, want %s (%d) with %q", err, c.class, c.code, c.reason)
			}
			for _, leak := range []string{testToken, waA, "333 123 4567"} {
				if strings.Contains(se.Reason, leak) {
					t.Fatalf("reason carries %q: %s", leak, se.Reason)
				}
			}
		})
	}

	// No Graph API at all: retryable, and the reason names neither the URL nor the token.
	e.graph.srv.Close()
	_, err := e.send(recent(e), bot.Outgoing{Text: "hello"})
	if class, se := bot.ClassOf(err); se == nil || class != bot.Retryable || strings.Contains(se.Reason, testPhoneID) {
		t.Fatalf("unreachable API: %v", err)
	}
}

func TestSendRetryAfterHeader(t *testing.T) {
	e := newEnv(t)
	e.graph.fail(canned{status: http.StatusTooManyRequests, retryAfter: "7"})
	_, err := e.send(recent(e), bot.Outgoing{Text: "hello"})
	if class, se := bot.ClassOf(err); class != bot.RateLimited || se.RetryAfter != 7*time.Second {
		t.Fatalf("error %v, want rate limited for 7s", err)
	}
}

func TestSendWithoutTheNeededTemplate(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Templates = Templates{Notification: "new_message_v3"} })
	_, err := e.send(bot.Recipient{ChatID: waA}, bot.Outgoing{Text: "Due soon", Template: &bot.Template{Kind: TemplateStepReminder}})
	if !isHeld(err) {
		t.Fatalf("error %v, want the message held", err)
	}
	e2 := newEnv(t, func(c *Config) { c.Templates = Templates{} })
	if _, err = e2.send(bot.Recipient{ChatID: waA}, bot.Outgoing{Text: "Hello"}); !isHeld(err) {
		t.Fatalf("error %v, want the message held", err)
	}
	if len(e.graph.sent())+len(e2.graph.sent()) != 0 {
		t.Fatal("something was sent")
	}
	// Nobody is told to write: the log says which template to configure.
	if !strings.Contains(e.logs.String(), "WHATSAPP_TEMPLATE_STEP_REMINDER") || !strings.Contains(e2.logs.String(), "WHATSAPP_TEMPLATE_NOTIFICATION") {
		t.Fatalf("logs do not name the variables:\n%s\n%s", e.logs.String(), e2.logs.String())
	}
}

func TestSendCommandsSendsNothing(t *testing.T) {
	e := newEnv(t)
	id, err := e.send(recent(e), bot.Outgoing{Commands: []bot.Command{{Command: "plan", Description: "Il mio piano"}}})
	if err != nil || id != "" || len(e.graph.sent()) != 0 {
		t.Fatalf("commands: %q %v, %d sent", id, err, len(e.graph.sent()))
	}
}

func TestSendImageAndDocument(t *testing.T) {
	e := newEnv(t)
	jpeg := []byte{0xff, 0xd8, 0xff, 0xe0, 1, 2, 3}
	if _, err := e.send(recent(e), bot.Outgoing{Text: "La tua tessera", Image: &bot.File{Name: "card.jpg", MIME: "image/jpeg", Data: jpeg}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.send(recent(e), bot.Outgoing{Text: "Il tuo piano", Document: &bot.File{Name: "piano.pdf", MIME: "application/pdf", Data: []byte("%PDF-1.7")}}); err != nil {
		t.Fatal(err)
	}
	e.graph.mu.Lock()
	uploads := e.graph.uploads
	e.graph.mu.Unlock()
	sent := e.graph.sent()
	if len(uploads) != 2 || string(uploads[0].data) != string(jpeg) || uploads[0].mime != "image/jpeg" || uploads[0].name != "card.jpg" ||
		uploads[1].mime != "application/pdf" {
		t.Fatalf("uploads = %+v", uploads)
	}
	if len(sent) != 2 || sent[0].Image == nil || sent[0].Image.ID != "media.1" || sent[0].Image.Caption != "La tua tessera" ||
		sent[1].Document == nil || sent[1].Document.ID != "media.3" || sent[1].Document.Filename != "piano.pdf" {
		t.Fatalf("sent = %+v", sent)
	}
	// A failed upload is classified like a failed send.
	e.graph.fail(graphErr(400, 131053, "Media upload error"))
	_, err := e.send(recent(e), bot.Outgoing{Text: "x", Image: &bot.File{Name: "a.png", MIME: "image/png", Data: []byte{1}}})
	if class, _ := bot.ClassOf(err); class != bot.Permanent {
		t.Fatalf("failed upload: %v", err)
	}
}

func TestSendInPartsResumesAfterAFailure(t *testing.T) {
	e := newEnv(t)
	out := bot.Outgoing{Text: strings.Repeat("Una frase lunga del messaggio. ", 200), Buttons: choices(2), Labels: labels}
	// The first part goes out, the second meets a 5xx: the outbox will retry.
	e.graph.fail(canned{}, canned{status: http.StatusServiceUnavailable, body: "unavailable"})
	if _, err := e.send(recent(e), out); err == nil {
		t.Fatal("no error")
	}
	first := e.graph.sent()
	if len(first) != 2 {
		t.Fatalf("%d requests, want 2", len(first))
	}
	e.graph.reset()
	id, err := e.send(recent(e), out)
	if err != nil {
		t.Fatal(err)
	}
	// Every part, the one sent before the failure too, falls back to the template as one.
	f, err := storage.TemplateFallbackOf(context.Background(), e.db, id)
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := storage.TemplateFallbackOf(context.Background(), e.db, "wamid.1"); g.Group != f.Group {
		t.Fatalf("parts of one message in groups %q and %q", g.Group, f.Group)
	}
	again := e.graph.sent()
	// The retry sends the second and third parts only.
	if len(again) != 2 || again[0].Text == nil || again[0].Text.Body != first[1].Text.Body || again[1].Interactive == nil {
		t.Fatalf("retry sent %+v", again)
	}
	e.graph.reset()
	// The same message later (a new one): all of it again.
	if _, err := e.send(recent(e), out); err != nil || len(e.graph.sent()) != 3 {
		t.Fatalf("a later identical message sent %d parts (%v)", len(e.graph.sent()), err)
	}
}

func TestSendLongListThenMore(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) { longListThenMore(t, newEnvOn(t, db)) })
}

func longListThenMore(t *testing.T, e *env) {
	out := bot.Outgoing{Text: "Quale laboratorio?", Buttons: choices(23), Labels: labels, Lang: "it"}
	if _, err := e.send(recent(e), out); err != nil {
		t.Fatal(err)
	}
	rows := e.graph.sent()[0].Interactive.Action.Sections[0].Rows
	more := rows[9]
	if len(rows) != 10 || more.Title != "Altre opzioni ▶" || !strings.HasPrefix(more.ID, "~more:") {
		t.Fatalf("first page = %+v", rows)
	}
	ctx := context.Background()
	stored, err := storage.ChoiceListOf(ctx, e.db, waA)
	if err != nil || !strings.Contains(more.ID, stored.Token) {
		t.Fatalf("list not stored under the token of its more row: %+v %v", stored, err)
	}

	// The person taps "more": the next page is queued, the flows never see the tap.
	press := func(id, wamid string) int {
		body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
"metadata":{"phone_number_id":"` + testPhoneID + `"},"messages":[{"from":"` + waA + `","id":"` + wamid + `","timestamp":"1768471140","type":"interactive",
"interactive":{"type":"list_reply","list_reply":{"id":"` + id + `","title":"Altre opzioni ▶"}}}]}}]}]}`)
		return e.post(body, sign(testSecret, body))
	}
	if code := press(more.ID, "wamid.MORE1"); code != http.StatusOK {
		t.Fatalf("more answered %d", code)
	}
	if code := press(more.ID, "wamid.MORE1"); code != http.StatusOK { // Meta delivers it twice
		t.Fatalf("more answered %d", code)
	}
	if got := e.rec.updates(); len(got) != 0 {
		t.Fatalf("the flows got %+v", got)
	}
	queued := e.outbox(waA)
	if len(queued) != 1 {
		t.Fatalf("%d pages queued, want 1", len(queued))
	}
	page := queued[0].AllButtons()
	if len(page) != 10 || page[0].Data != "c:10" || page[8].Data != "c:18" || queued[0].Lang != "it" || queued[0].Text != "Quale laboratorio?" {
		t.Fatalf("second page = %+v", queued[0])
	}
	if e.wakes.Load() == 0 {
		t.Fatal("the outbox was not woken")
	}
	// The outbox sends the page: a list of ten rows whose "more" leads to page three.
	e.graph.reset()
	if _, err := e.send(recent(e), queued[0]); err != nil {
		t.Fatal(err)
	}
	rows = e.graph.sent()[0].Interactive.Action.Sections[0].Rows
	if len(rows) != 10 || rows[0].ID != "c:10" || rows[9].ID != moreID(stored.Token, 2) {
		t.Fatalf("second page sent as %+v", rows)
	}
	if again, _ := storage.ChoiceListOf(ctx, e.db, waA); again.Token != stored.Token {
		t.Fatal("sending a page replaced the list")
	}

	// A newer long list replaces it: the old list's "more" shows the new list's first page.
	if _, err := e.send(recent(e), bot.Outgoing{Text: "Quale documento?", Buttons: choices(12), Labels: labels}); err != nil {
		t.Fatal(err)
	}
	if code := press(rows[9].ID, "wamid.MORE2"); code != http.StatusOK {
		t.Fatalf("stale more answered %d", code)
	}
	queued = e.outbox(waA)
	if len(queued) != 2 || queued[1].Text != "Quale documento?" || queued[1].AllButtons()[0].Data != "c:1" {
		t.Fatalf("stale more queued %+v", queued[len(queued)-1])
	}

	// A chat with no list at all: the tap is a stale button for the flows to answer.
	if err := storage.ForgetWhatsAppChat(ctx, e.db, waA); err != nil {
		t.Fatal(err)
	}
	if code := press(rows[9].ID, "wamid.MORE3"); code != http.StatusOK {
		t.Fatalf("forgotten more answered %d", code)
	}
	if got := e.rec.updates(); len(got) != 1 || got[0].Kind != bot.KindButton || got[0].Data != rows[9].ID {
		t.Fatalf("the flows got %+v", got)
	}
}
