package whatsapp

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// The fixtures' time: their messages were written a minute before it.
var testStart = time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)

const (
	testPhoneID = "106540352242922"
	testToken   = "EAAGm0PX4ZCpsBAtestaccesstoken7Qw"
	testSecret  = "f3c9a1b2app5ecret"
	testVerify  = "verify-me-7d1e0b"
	waA         = "393331234567" // the fixtures' sender
	waB         = "393409876543"
)

var testTemplates = Templates{SessionReminder: "session_reminder_v2", StepReminder: "step_reminder_v1", Notification: "new_message_v3",
	Languages: map[string]string{"it": "it", "en": "en", "fr": "fr", "ar": "ar", "fa-AF": "fa", "ti": "en"}}

// recorder is the flows' stand-in: it records the updates it is given and can be told that
// the database went away for one of them.
type recorder struct {
	mu      sync.Mutex
	got     []bot.Incoming
	failFor atomic.Value // update id whose handling hits a broken database
	// link, when set, runs in the update's transaction (linking an identity, as onboarding does).
	link func(ctx context.Context, tx *storage.Tx, in bot.Incoming) error
}

func (r *recorder) Handle(ctx context.Context, tx *storage.Tx, in bot.Incoming) (bot.Result, error) {
	if id, _ := r.failFor.Load().(string); id != "" && id == in.UpdateID {
		return bot.Result{}, fmt.Errorf("flows: %w", driver.ErrBadConn)
	}
	if r.link != nil {
		if err := r.link(ctx, tx, in); err != nil {
			return bot.Result{}, err
		}
	}
	// What the flows would store of an update goes into a TEXT column as it is: an update the
	// adapter lets through must be storable.
	if _, err := tx.Exec(ctx, `INSERT INTO received_texts (t) VALUES (?)`,
		strings.Join([]string{in.UpdateID, in.ChatID, in.UserID, in.Text, in.Data, in.Media, in.Command, in.LangHint}, "|")); err != nil {
		return bot.Result{}, fmt.Errorf("store update: %w", err)
	}
	r.mu.Lock()
	r.got = append(r.got, in)
	r.mu.Unlock()
	return bot.Result{}, nil
}

func (r *recorder) Fail(context.Context, *storage.Tx, bot.Incoming) error { return nil }

func (r *recorder) updates() []bot.Incoming {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Incoming(nil), r.got...)
}

// canned is an answer the fake Graph API gives; the zero value is its usual success.
type canned struct {
	status     int
	body       string
	retryAfter string
}

func graphErr(status, code int, msg string) canned {
	return canned{status: status, body: fmt.Sprintf(`{"error":{"message":%q,"type":"OAuthException","code":%d,"error_data":{"messaging_product":"whatsapp","details":%q},"fbtrace_id":"AbCdEf"}}`, msg, code, msg)}
}

type upload struct {
	mime, name string
	data       []byte
}

// fakeGraph is the Cloud API: it records messages and uploads and answers with what the test
// queued (failures first, then success with wamid.N).
type fakeGraph struct {
	t       testing.TB
	srv     *httptest.Server
	mu      sync.Mutex
	msgs    []message
	uploads []upload
	queue   []canned
	n       int
	// userIDs are the business-scoped user ids the send response shows for phone numbers.
	userIDs map[string]string
}

func newFakeGraph(t testing.TB) *fakeGraph {
	g := &fakeGraph{t: t}
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *fakeGraph) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		g.t.Errorf("authorization header %q", r.Header.Get("Authorization"))
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	switch r.URL.Path {
	case "/v21.0/" + testPhoneID + "/messages":
		var m message
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil || m.MessagingProduct != "whatsapp" || (m.To == "") == (m.Recipient == "") {
			g.t.Errorf("bad message request: %v %+v", err, m)
		}
		g.msgs = append(g.msgs, m)
	case "/v21.0/" + testPhoneID + "/media":
		_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil {
			g.t.Errorf("upload content type: %v", err)
			return
		}
		mr := multipart.NewReader(r.Body, params["boundary"])
		var u upload
		fields := map[string]string{}
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			if p.FormName() == "file" {
				u.name, u.data = p.FileName(), b
			} else {
				fields[p.FormName()] = string(b)
			}
		}
		u.mime = fields["type"]
		if fields["messaging_product"] != "whatsapp" {
			g.t.Errorf("upload fields %v", fields)
		}
		g.uploads = append(g.uploads, u)
	default:
		g.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
		return
	}
	var c canned
	if len(g.queue) > 0 {
		c = g.queue[0]
		g.queue = g.queue[1:]
	}
	if c.status != 0 {
		if c.retryAfter != "" {
			w.Header().Set("Retry-After", c.retryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(c.status)
		_, _ = io.WriteString(w, c.body)
		return
	}
	g.n++
	if strings.HasSuffix(r.URL.Path, "/media") {
		fmt.Fprintf(w, `{"id":"media.%d"}`, g.n)
		return
	}
	// As the Cloud API answers: a send to a number shows its wa_id (and its user id once
	// Meta has one), a send to a user id shows the user id only.
	last := g.msgs[len(g.msgs)-1]
	contact := map[string]string{"input": last.To, "wa_id": last.To}
	if last.Recipient != "" {
		contact = map[string]string{"input": last.Recipient, "user_id": last.Recipient}
	} else if u := g.userIDs[last.To]; u != "" {
		contact["user_id"] = u
	}
	cj, _ := json.Marshal(contact)
	fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[%s],"messages":[{"id":"wamid.%d"}]}`, cj, g.n)
}

// fail queues answers for the next requests.
func (g *fakeGraph) fail(c ...canned) {
	g.mu.Lock()
	g.queue = append(g.queue, c...)
	g.mu.Unlock()
}

func (g *fakeGraph) sent() []message {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]message(nil), g.msgs...)
}

func (g *fakeGraph) reset() {
	g.mu.Lock()
	g.msgs, g.uploads = nil, nil
	g.mu.Unlock()
}

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is a WhatsApp channel on a real database and Redis, a real dispatcher with a recording
// handler, a fake Graph API and a fake clock. Its log is checked for secrets and numbers when
// the test ends.
type env struct {
	t     testing.TB
	db    *storage.DB
	redis *storage.Redis
	clock *clock.Fake
	graph *fakeGraph
	rec   *recorder
	reg   *prometheus.Registry
	logs  *syncBuffer
	ch    *Channel
	hook  *httptest.Server
	wakes atomic.Int64
}

type envOption func(*Config)

func newEnv(t testing.TB, opts ...envOption) *env {
	return newEnvOn(t, nil, opts...)
}

// newEnvOn builds an env on db (nil: a fresh PostgreSQL schema).
func newEnvOn(t testing.TB, db *storage.DB, opts ...envOption) *env {
	t.Helper()
	if db == nil {
		db, _ = storagetest.Postgres(t)
	}
	e := &env{t: t, db: db, redis: storagetest.Redis(t), clock: clock.NewFake(testStart), rec: &recorder{},
		reg: prometheus.NewRegistry(), logs: &syncBuffer{}}
	if _, err := db.Exec(context.Background(), `CREATE TABLE IF NOT EXISTS received_texts (t TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	e.graph = newFakeGraph(t)
	log := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	disp := bot.NewDispatcher(bot.DispatcherConfig{DB: db, Redis: e.redis, Handler: e.rec, Clock: e.clock, Log: log.With("component", "dispatch")})
	cfg := Config{APIURL: e.graph.srv.URL + "/v21.0", PhoneNumberID: testPhoneID, AccessToken: testToken, AppSecret: testSecret,
		VerifyToken: testVerify, Templates: testTemplates}
	for _, o := range opts {
		o(&cfg)
	}
	e.ch = New(cfg, Deps{DB: db, Redis: e.redis, Dispatcher: disp, Clock: e.clock, Log: log.With("component", "whatsapp"),
		Metrics: e.reg, Wake: func() { e.wakes.Add(1) }})
	e.hook = httptest.NewServer(e.ch)
	t.Cleanup(e.hook.Close)
	t.Cleanup(func() { assertNoLeaks(t, e.logs.String()) })
	return e
}

// assertNoLeaks fails when a log carries a secret or a phone number.
func assertNoLeaks(t testing.TB, logs string) {
	t.Helper()
	for _, leak := range []string{testToken, testSecret, testVerify, waA, waB, waUser} {
		if strings.Contains(logs, leak) {
			t.Errorf("the log carries %q:\n%s", leak, logs)
		}
	}
}

func sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// post sends a body to the webhook with the given signature header ("" for none).
func (e *env) post(body []byte, signature string) int {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.hook.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set("X-Hub-Signature-256", signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// postFixture posts a signed fixture and returns the status code.
func (e *env) postFixture(name string) int {
	e.t.Helper()
	b := fixture(e.t, name)
	return e.post(b, sign(testSecret, b))
}

// counter reads an exported counter by name and label value.
func (e *env) counter(name, label string) float64 {
	e.t.Helper()
	mfs, err := e.reg.Gather()
	if err != nil {
		e.t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetValue() == label {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// outbox lists what is queued for a chat, decoded.
func (e *env) outbox(chat string) []bot.Outgoing {
	e.t.Helper()
	var payloads []string
	if err := e.db.Select(context.Background(), &payloads, `SELECT payload FROM outbox WHERE chat_id = ? AND status = 'pending' ORDER BY id`, chat); err != nil {
		e.t.Fatal(err)
	}
	var out []bot.Outgoing
	for _, p := range payloads {
		o, err := bot.DecodeOutgoing(p)
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

// send sends a message as the outbox would, to a person who last wrote at last.
func (e *env) send(to bot.Recipient, out bot.Outgoing) (string, error) {
	return e.ch.Send(context.Background(), to, out)
}

func recent(e *env) bot.Recipient {
	return bot.Recipient{ChatID: waA, LastInbound: e.clock.Now().Add(-time.Hour)}
}
