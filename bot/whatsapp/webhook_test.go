package whatsapp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func TestVerifyHandshake(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name  string
		query url.Values
		code  int
		body  string
	}{
		{"right token", url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {testVerify}, "hub.challenge": {"1158201444"}}, 200, "1158201444"},
		{"wrong token", url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {"guess"}, "hub.challenge": {"1"}}, 403, ""},
		{"token prefix", url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {testVerify[:5]}, "hub.challenge": {"1"}}, 403, ""},
		{"no token", url.Values{"hub.mode": {"subscribe"}, "hub.challenge": {"1"}}, 403, ""},
		{"wrong mode", url.Values{"hub.mode": {"unsubscribe"}, "hub.verify_token": {testVerify}, "hub.challenge": {"1"}}, 403, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := http.Get(e.hook.URL + "?" + c.query.Encode())
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.code || (c.code == 200 && string(b) != c.body) {
				t.Fatalf("%d %q, want %d %q", resp.StatusCode, b, c.code, c.body)
			}
		})
	}
	// Without a configured verify token nothing verifies.
	e2 := newEnv(t, func(c *Config) { c.VerifyToken = "" })
	resp, err := http.Get(e2.hook.URL + "?hub.mode=subscribe&hub.verify_token=&hub.challenge=1")
	if err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("empty verify token: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
}

func TestWebhookRefusesUnsignedOrBadPosts(t *testing.T) {
	e := newEnv(t)
	body := fixture(t, "text.json")
	cases := []struct {
		name string
		body []byte
		sig  string
		code int
	}{
		{"no signature", body, "", 401},
		{"wrong secret", body, sign("another-secret", body), 401},
		{"signature of another body", body, sign(testSecret, append([]byte(" "), body...)), 401},
		{"no sha256= prefix", body, strings.TrimPrefix(sign(testSecret, body), "sha256="), 401},
		{"not hex", body, "sha256=zz" + strings.Repeat("0", 62), 401},
		{"empty signature", body, "sha256=", 401},
		{"malformed JSON", []byte(`{"entry": [`), sign(testSecret, []byte(`{"entry": [`)), 400},
		{"too large", bytes.Repeat([]byte(" "), maxWebhookBody+1), sign(testSecret, bytes.Repeat([]byte(" "), maxWebhookBody+1)), 413},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if code := e.post(c.body, c.sig); code != c.code {
				t.Fatalf("answered %d, want %d", code, c.code)
			}
		})
	}
	if got := e.rec.updates(); len(got) != 0 {
		t.Fatalf("refused posts reached the flows: %+v", got)
	}
	var n int
	_ = e.db.Get(context.Background(), &n, `SELECT COUNT(*) FROM processed_updates`)
	if n != 0 {
		t.Fatalf("%d updates recorded from refused posts", n)
	}
	if e.counter("insidebot_whatsapp_webhook_requests_total", "bad_signature") != 6 {
		t.Fatal("bad signatures not counted")
	}
	req, _ := http.NewRequest(http.MethodPut, e.hook.URL, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("PUT: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
}

func TestWebhookMessages(t *testing.T) {
	at := time.Unix(1768471140, 0).UTC()
	in := func(id string, kind bot.Kind) bot.Incoming {
		return bot.Incoming{Channel: bot.WhatsApp, UpdateID: id, ChatID: waA, UserID: waA, Kind: kind, At: at}
	}
	with := func(i bot.Incoming, f func(*bot.Incoming)) bot.Incoming { f(&i); return i }
	cases := []struct {
		fixture string
		want    []bot.Incoming
	}{
		{"text.json", []bot.Incoming{with(in("wamid.HBgMMzkzMzMxMjM0NTY3FQIAEhgUM0EwMUYxQjQ3QkM5RTAyMjMxNjAA", bot.KindText), func(i *bot.Incoming) { i.Text = "Ciao, ho bisogno di aiuto" })}},
		{"button_reply.json", []bot.Incoming{with(in("wamid.BUTTONREPLY01", bot.KindButton), func(i *bot.Incoming) { i.Data = "pl:12:done" })}},
		{"list_reply.json", []bot.Incoming{with(in("wamid.LISTREPLY01", bot.KindButton), func(i *bot.Incoming) { i.Data = "lab:7" })}},
		{"template_button.json", []bot.Incoming{with(in("wamid.TPLBUTTON01", bot.KindButton), func(i *bot.Incoming) { i.Data = "rem:open" })}},
		// Files, as Meta's documented payloads carry them: kind, declared type without its
		// parameters, caption, file name, media id (no size).
		{"audio.json", []bot.Incoming{with(in("wamid.AUDIO01", bot.KindUnsupported), func(i *bot.Incoming) {
			i.Media, i.Attachment = "voice", bot.MediaItem{Kind: bot.MediaVoice, MIME: "audio/ogg", Ref: "1139581294117212"}
		})}},
		{"audio_file.json", []bot.Incoming{with(in("wamid.AUDIO02", bot.KindUnsupported), func(i *bot.Incoming) {
			i.Media, i.Attachment = "audio", bot.MediaItem{Kind: bot.MediaAudio, MIME: "audio/mpeg", Ref: "1044113327753961"}
		})}},
		{"image.json", []bot.Incoming{with(in("wamid.IMAGE01", bot.KindUnsupported), func(i *bot.Incoming) {
			i.Media, i.Attachment = "photo", bot.MediaItem{Kind: bot.MediaPhoto, MIME: "image/jpeg", Caption: "my permesso", Ref: "1521986498371340"}
		})}},
		{"video.json", []bot.Incoming{with(in("wamid.VIDEO01", bot.KindUnsupported), func(i *bot.Incoming) {
			i.Media, i.Attachment = "video", bot.MediaItem{Kind: bot.MediaVideo, MIME: "video/mp4", Caption: "la porta rotta", Ref: "1203581194477615"}
		})}},
		{"document.json", []bot.Incoming{with(in("wamid.DOCUMENT01", bot.KindUnsupported), func(i *bot.Incoming) {
			i.Media, i.Attachment = "document", bot.MediaItem{Kind: bot.MediaDocument, MIME: "application/pdf", Caption: "il contratto",
				Name: "contratto_affitto.pdf", Ref: "1834772870665590"}
		})}},
		// A voice note from someone known only by their business-scoped user id.
		{"bsuid_voice.json", []bot.Incoming{with(in("wamid.BSUIDVOICE01", bot.KindUnsupported), func(i *bot.Incoming) {
			i.ChatID, i.UserID = "IT.13491208655302741918", "IT.13491208655302741918"
			i.Media, i.Attachment = "voice", bot.MediaItem{Kind: bot.MediaVoice, MIME: "audio/ogg", Ref: "1139581294117299"}
		})}},
		// A file of a shape the bot cannot use: the message is still answered, without a file.
		{"media_bad_shape.json", []bot.Incoming{with(in("wamid.BADMEDIA01", bot.KindUnsupported), func(i *bot.Incoming) { i.Media = "photo" })}},
		{"sticker.json", []bot.Incoming{with(in("wamid.STICKER01", bot.KindUnsupported), func(i *bot.Incoming) { i.Media = "sticker" })}},
		{"location.json", []bot.Incoming{with(in("wamid.LOCATION01", bot.KindUnsupported), func(i *bot.Incoming) { i.Media = "location" })}},
		{"unsupported.json", []bot.Incoming{with(in("wamid.UNSUPPORTED01", bot.KindUnsupported), func(i *bot.Incoming) { i.Media = "unsupported" })}},
		{"unknown_fields.json", []bot.Incoming{with(in("wamid.UNKNOWNFIELDS01", bot.KindText), func(i *bot.Incoming) { i.Text = "hello" })}},
		{"reaction.json", nil},
		{"several.json", []bot.Incoming{
			with(in("wamid.SEV01", bot.KindText), func(i *bot.Incoming) { i.Text = "first" }),
			with(in("wamid.SEV02", bot.KindText), func(i *bot.Incoming) { i.Text = "other chat"; i.ChatID, i.UserID = waB, waB }),
			with(in("wamid.SEV03", bot.KindButton), func(i *bot.Incoming) { i.Data = "menu" }),
			with(in("wamid.SEV04", bot.KindText), func(i *bot.Incoming) { i.Text = "third" }),
		}},
	}
	e := newEnv(t)
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			before := len(e.rec.updates())
			if code := e.postFixture(c.fixture); code != http.StatusOK {
				t.Fatalf("answered %d", code)
			}
			got := e.rec.updates()[before:]
			if len(got) != len(c.want) {
				t.Fatalf("got %d updates, want %d: %+v", len(got), len(c.want), got)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("update %d:\n got %+v\nwant %+v", i, got[i], c.want[i])
				}
			}
			// Meta delivers again: nothing new reaches the flows.
			if code := e.postFixture(c.fixture); code != http.StatusOK {
				t.Fatalf("redelivery answered %d", code)
			}
			if again := e.rec.updates(); len(again) != before+len(c.want) {
				t.Fatalf("a redelivery reached the flows: %+v", again[before+len(c.want):])
			}
		})
	}
	if e.counter("insidebot_whatsapp_webhook_requests_total", "ok") != float64(2*len(cases)) {
		t.Fatal("webhook requests not counted")
	}
}

func TestWebhookAsksForRedeliveryWhenNotHandled(t *testing.T) {
	e := newEnv(t)
	// The database breaks while the first message of chat A is handled.
	e.rec.failFor.Store("wamid.SEV01")
	if code := e.postFixture("several.json"); code != http.StatusInternalServerError {
		t.Fatalf("answered %d, want 500 so Meta delivers again", code)
	}
	// Chat B's message was handled; chat A's later messages waited for the redelivery, so
	// they keep their order.
	got := e.rec.updates()
	if len(got) != 1 || got[0].UpdateID != "wamid.SEV02" {
		t.Fatalf("handled %+v", got)
	}
	e.rec.failFor.Store("")
	if code := e.postFixture("several.json"); code != http.StatusOK {
		t.Fatalf("redelivery answered %d", code)
	}
	var ids []string
	for _, u := range e.rec.updates() {
		ids = append(ids, u.UpdateID)
	}
	if strings.Join(ids, " ") != "wamid.SEV02 wamid.SEV01 wamid.SEV03 wamid.SEV04" {
		t.Fatalf("handled %v", ids)
	}
}

func TestWebhookIgnoresAnotherNumber(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.PhoneNumberID = "999999" })
	if code := e.postFixture("text.json"); code != http.StatusOK {
		t.Fatalf("answered %d", code)
	}
	if got := e.rec.updates(); len(got) != 0 {
		t.Fatalf("another number's message reached the flows: %+v", got)
	}
}

// sentMessage puts a sent message with provider id wamid.OUT1 in the outbox.
func sentMessage(t *testing.T, e *env, identityID int64, kind string) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := storage.Enqueue(ctx, e.db, storage.NewOutboxMessage{IdentityID: identityID, Channel: bot.WhatsApp, ChatID: waA,
		Kind: kind, Payload: `{"text":"x"}`}, testStart)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storage.ClaimOutbox(ctx, e.db, "test", bot.WhatsApp, 0, 1, testStart, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := storage.MarkSent(ctx, e.db, id, "test", "wamid.OUT1", testStart); err != nil {
		t.Fatal(err)
	}
	return id
}

func linkedIdentity(t *testing.T, e *env) storage.Identity {
	t.Helper()
	ctx := context.Background()
	b, err := storage.CreateBeneficiary(ctx, e.db, storage.NewBeneficiary{Territory: "MI", Lang: "it"}, testStart)
	if err != nil {
		t.Fatal(err)
	}
	ident, err := storage.LinkIdentity(ctx, e.db, storage.NewIdentity{Channel: bot.WhatsApp, ExternalID: waA, ChatID: waA, BeneficiaryID: b.ID}, testStart)
	if err != nil {
		t.Fatal(err)
	}
	return ident
}

func TestStatusesAreRecorded(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	oid := sentMessage(t, e, 0, "reply")
	_ = storage.SaveTemplateFallback(ctx, e.db, storage.NewTemplateFallback{ProviderIDs: []string{"wamid.OUT1"}, ChatID: waA, Payload: "{}"}, testStart)
	for _, c := range []struct{ fixture, want string }{
		{"status_sent.json", "sent"}, {"status_read.json", "read"}, {"status_delivered.json", "read"},
	} {
		if code := e.postFixture(c.fixture); code != http.StatusOK {
			t.Fatalf("%s answered %d", c.fixture, code)
		}
		r, err := storage.ReceiptOf(ctx, e.db, oid)
		if err != nil || r.Status != c.want {
			t.Fatalf("after %s: %+v %v, want %s", c.fixture, r, err, c.want)
		}
		if c.want == "sent" {
			if _, err := storage.TemplateFallbackOf(ctx, e.db, "wamid.OUT1"); err != nil {
				t.Fatal("a sent (not yet delivered) message lost its fallback")
			}
		}
	}
	if _, err := storage.TemplateFallbackOf(ctx, e.db, "wamid.OUT1"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatal("a read message keeps its fallback")
	}
	for status, n := range map[string]float64{"sent": 1, "delivered": 1, "read": 1, "failed": 0} {
		if got := e.counter("insidebot_whatsapp_statuses_total", status); got != n {
			t.Errorf("statuses{%s} = %v, want %v", status, got, n)
		}
	}
	// A status of a message the outbox does not know (sent by hand, or purged) is fine.
	ctx2 := context.Background()
	_, _ = e.db.Exec(ctx2, `DELETE FROM outbox`)
	if code := e.postFixture("status_delivered.json"); code != http.StatusOK {
		t.Fatalf("status of an unknown message answered %d", code)
	}
}

func TestFailedStatusHoldsTheMessageOnce(t *testing.T) {
	for _, fixture := range []string{"status_failed_131047.json", "status_failed_late.json"} {
		t.Run(fixture, func(t *testing.T) {
			storagetest.Dialects(t, func(t *testing.T, db *storage.DB) { failedStatusHoldsTheMessageOnce(t, newEnvOn(t, db), fixture) })
		})
	}
}

func failedStatusHoldsTheMessageOnce(t *testing.T, e *env, fixture string) {
	ctx := context.Background()
	ident := linkedIdentity(t, e)
	oid := sentMessage(t, e, ident.ID, "reminder")
	// What the sender kept when it sent wamid.OUT1 inside a window ending the next day: the
	// message itself, in two parts.
	orig, _ := bot.Outgoing{Text: "Tomorrow at 10", Lang: "it",
		Template: &bot.Template{Kind: TemplateSessionReminder, Params: []string{"Lab", "10:00"}}}.Encode()
	_ = storage.SaveTemplateFallback(ctx, e.db, storage.NewTemplateFallback{ProviderIDs: []string{"wamid.OUT1", "wamid.OUT0"},
		ChatID: waA, IdentityID: ident.ID, Payload: orig, WindowEndsAt: testStart.Add(12 * time.Hour)}, testStart)

	// Meta delivers the failure more than once, to several replicas at the same time.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code := e.postFixture(fixture); code != http.StatusOK {
				t.Errorf("answered %d", code)
			}
		}()
	}
	wg.Wait()
	queued := e.outbox(waA)
	if len(queued) != 1 {
		t.Fatalf("%d messages queued, want the message again, once", len(queued))
	}
	q := queued[0]
	if q.Template == nil || q.Template.Kind != TemplateSessionReminder || strings.Join(q.Template.Params, ",") != "Lab,10:00" ||
		q.Text != "Tomorrow at 10" || q.Lang != "it" {
		t.Fatalf("queued %+v", q)
	}
	var m storage.OutboxMessage
	if err := e.db.Get(ctx, &m, `SELECT `+"id, identity_id, kind"+` FROM outbox WHERE status = 'pending'`); err != nil || m.IdentityID.Int64 != ident.ID || m.Kind != "reminder" {
		t.Fatalf("queued row %+v %v", m, err)
	}
	if r, _ := storage.ReceiptOf(ctx, e.db, oid); r.Status != "failed" {
		t.Fatalf("receipt %+v", r)
	}
	if e.wakes.Load() == 0 {
		t.Fatal("the outbox was not woken")
	}
	// The outbox sends it: WhatsApp said the window is closed, so it is held (whatever the
	// clock says), and the template asks the person to write.
	if _, err := e.send(bot.Recipient{ChatID: waA, IdentityID: ident.ID, LastInbound: testStart.Add(-12 * time.Hour)}, q); !isHeld(err) {
		t.Fatalf("error %v, want the message held", err)
	}
	if sent := e.graph.sent(); len(sent) != 1 || sent[0].Template == nil || sent[0].Template.Name != "session_reminder_v2" {
		t.Fatalf("sent %+v", sent)
	}
	if e.counter("insidebot_whatsapp_templates_total", "window") != 1 || e.counter("insidebot_whatsapp_statuses_total", "failed") != 4 {
		t.Fatal("metrics")
	}
}

func TestFailedStatusInsideTheWindowSendsNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sentMessage(t, e, 0, "reply")
	// A failure (131000) reported while the window was still open is not a window problem.
	_ = storage.SaveTemplateFallback(ctx, e.db, storage.NewTemplateFallback{ProviderIDs: []string{"wamid.OUT1"}, ChatID: waA,
		Payload: "{}", WindowEndsAt: testStart.Add(72 * time.Hour)}, testStart)
	if code := e.postFixture("status_failed_late.json"); code != http.StatusOK {
		t.Fatalf("answered %d", code)
	}
	if q := e.outbox(waA); len(q) != 0 {
		t.Fatalf("queued %+v", q)
	}
}

func TestUndeliverableStatusMarksUnreachable(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ident := linkedIdentity(t, e)
	sentMessage(t, e, ident.ID, "reply")
	_ = storage.SaveTemplateFallback(ctx, e.db, storage.NewTemplateFallback{ProviderIDs: []string{"wamid.OUT1"}, ChatID: waA,
		IdentityID: ident.ID, Payload: "{}"}, testStart)
	for range 2 {
		if code := e.postFixture("status_failed_131026.json"); code != http.StatusOK {
			t.Fatalf("answered %d", code)
		}
	}
	got, err := storage.IdentityByID(ctx, e.db, ident.ID)
	if err != nil || !got.UnreachableAt.Valid {
		t.Fatalf("identity %+v %v, want unreachable", got, err)
	}
	if q := e.outbox(waA); len(q) != 0 {
		t.Fatalf("a template was queued for an undeliverable number: %+v", q)
	}
}

func TestStatusNotRecordedAsksForRedelivery(t *testing.T) {
	e := newEnv(t)
	_ = e.db.Close()
	if code := e.postFixture("status_failed_131047.json"); code != http.StatusInternalServerError {
		t.Fatalf("answered %d with the database gone, want 500", code)
	}
}

func TestHousekeepingForgetsOldState(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_ = storage.SaveTemplateFallback(ctx, e.db, storage.NewTemplateFallback{ProviderIDs: []string{"wamid.OLD"}, ChatID: waA, Payload: "{}"}, testStart)
	_ = storage.SaveChoiceList(ctx, e.db, storage.ChoiceList{ChatID: waA, Token: "t", Payload: "{}", UpdatedAt: testStart})
	e.clock.Advance(8 * 24 * time.Hour)
	_ = storage.SaveTemplateFallback(ctx, e.db, storage.NewTemplateFallback{ProviderIDs: []string{"wamid.NEW"}, ChatID: waA, Payload: "{}"}, e.clock.Now())
	e.ch.housekeep(ctx)
	if _, err := storage.TemplateFallbackOf(ctx, e.db, "wamid.OLD"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatal("a week-old fallback kept")
	}
	if _, err := storage.TemplateFallbackOf(ctx, e.db, "wamid.NEW"); err != nil {
		t.Fatal("a new fallback purged")
	}
	if _, err := storage.ChoiceListOf(ctx, e.db, waA); err != nil {
		t.Fatal("an 8-day-old list purged")
	}
	e.clock.Advance(30 * 24 * time.Hour)
	e.ch.housekeep(ctx)
	if _, err := storage.ChoiceListOf(ctx, e.db, waA); !errors.Is(err, storage.ErrNotFound) {
		t.Fatal("a list not shown for 38 days kept")
	}
}

func TestLogsCarryNoSecretsOrNumbers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ident := linkedIdentity(t, e)
	// Every path that logs: a refused handshake and signature, messages, a failure to
	// redeliver, failed statuses, templates, send errors.
	resp, _ := http.Get(e.hook.URL + "?hub.mode=subscribe&hub.verify_token=" + testVerify + "x&hub.challenge=1")
	resp.Body.Close()
	body := fixture(t, "several.json")
	_ = e.post(body, sign("wrong", body))
	e.rec.failFor.Store("wamid.SEV02")
	_ = e.postFixture("several.json")
	e.rec.failFor.Store("")
	_ = e.postFixture("several.json")
	sentMessage(t, e, ident.ID, "reply")
	tmpl, _ := templateOf(bot.Outgoing{Lang: "it"}).Encode()
	_ = storage.SaveTemplateFallback(ctx, e.db, storage.NewTemplateFallback{ProviderIDs: []string{"wamid.OUT1"}, ChatID: waA, IdentityID: ident.ID, Payload: tmpl}, testStart)
	_ = e.postFixture("status_failed_131047.json")
	_ = e.postFixture("status_failed_131026.json")
	e.clock.Advance(window)
	_, _ = e.send(bot.Recipient{ChatID: waA}, bot.Outgoing{Text: "x"})
	e.graph.fail(graphErr(400, 100, "Invalid parameter "+waA+" "+testToken))
	_, _ = e.send(recent(e), bot.Outgoing{Text: "x"})
	e.graph.srv.Close()
	_, _ = e.send(recent(e), bot.Outgoing{Text: "x"})

	logs := e.logs.String()
	for _, want := range []string{"webhook verification refused", "signature", "not fully handled", "message failed", "template sent", bot.Redact(waA)} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %q (so this test proves little):\n%s", want, logs)
		}
	}
	assertNoLeaks(t, logs)
}
