package outbox

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// sent is one call the fake sender received.
type sent struct {
	chat, text string
	identity   int64
	at         time.Time
}

// fakeSender records sends; fail decides an error per call.
type fakeSender struct {
	mu       sync.Mutex
	calls    []sent
	busy     map[string]bool
	overlap  bool
	delay    time.Duration
	fail     func(n int, to bot.Recipient, out bot.Outgoing) error
	attempts map[string]int
}

func newFakeSender() *fakeSender {
	return &fakeSender{busy: map[string]bool{}, attempts: map[string]int{}}
}

func (f *fakeSender) Channel() string { return bot.Telegram }

func (f *fakeSender) Send(ctx context.Context, to bot.Recipient, out bot.Outgoing) (string, error) {
	f.mu.Lock()
	if f.busy[to.ChatID] {
		f.overlap = true
	}
	f.busy[to.ChatID] = true
	f.attempts[out.Text]++
	n := f.attempts[out.Text]
	f.mu.Unlock()
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	var err error
	if f.fail != nil {
		err = f.fail(n, to, out)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.busy[to.ChatID] = false
	if err != nil {
		return "", err
	}
	f.calls = append(f.calls, sent{chat: to.ChatID, text: out.Text, identity: to.IdentityID, at: time.Now()})
	return "p" + strconv.Itoa(len(f.calls)), nil
}

func (f *fakeSender) sent() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sent(nil), f.calls...)
}

type env struct {
	t     *testing.T
	db    *storage.DB
	url   string // the database's URL (its schema)
	redis *storage.Redis
}

func newEnv(t *testing.T) *env {
	db, u := storagetest.Postgres(t)
	return &env{t: t, db: db, url: u, redis: storagetest.Redis(t)}
}

func (e *env) enqueue(m storage.NewOutboxMessage, text string) int64 {
	e.t.Helper()
	payload, _ := bot.Outgoing{Text: text}.Encode()
	m.Payload = payload
	if m.Channel == "" {
		m.Channel = bot.Telegram
	}
	if m.Kind == "" {
		m.Kind = "reply"
	}
	id, err := storage.Enqueue(context.Background(), e.db, m, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// start runs a service until the test ends.
func (e *env) start(cfg Config) *Service {
	s, stop := e.run(cfg)
	e.t.Cleanup(stop)
	return s
}

// run runs a service (on e.db unless cfg.DB is set) until stop is called.
func (e *env) run(cfg Config) (*Service, func()) {
	if cfg.DB == nil {
		cfg.DB = e.db
	}
	cfg.Redis = e.redis
	if cfg.Poll == 0 {
		cfg.Poll = 20 * time.Millisecond
	}
	if cfg.Limits == nil {
		cfg.Limits = map[string]Limits{bot.Telegram: {Rate: 1000, ChatInterval: time.Millisecond, ChatBurst: 100}}
	}
	s := New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = s.Run(ctx); close(done) }()
	return s, func() { cancel(); <-done }
}

func (e *env) status(id int64) storage.OutboxMessage {
	e.t.Helper()
	m, err := storage.OutboxByID(context.Background(), e.db, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (e *env) undelivered() int {
	var n int
	if err := e.db.Get(context.Background(), &n, `SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')`); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestMessagesOfAChatGoInOrderOneAtATime(t *testing.T) {
	e := newEnv(t)
	f := newFakeSender()
	f.delay = 2 * time.Millisecond
	for i := range 6 {
		for c := range 5 {
			e.enqueue(storage.NewOutboxMessage{ChatID: fmt.Sprint(100 + c)}, fmt.Sprintf("c%d-m%d", c, i))
		}
	}
	e.start(Config{Senders: []bot.Sender{f}})
	waitFor(t, "every message", func() bool { return len(f.sent()) == 30 })
	next := map[string]int{}
	for _, s := range f.sent() {
		c, _ := strconv.Atoi(s.chat)
		want := fmt.Sprintf("c%d-m%d", c-100, next[s.chat])
		if s.text != want {
			t.Fatalf("chat %s got %q, want %q", s.chat, s.text, want)
		}
		next[s.chat]++
	}
	if f.overlap {
		t.Fatal("two messages of one chat were in flight at once")
	}
	waitFor(t, "all marked sent", func() bool { return e.undelivered() == 0 })
}

func TestTwoReplicasSendEachMessageOnce(t *testing.T) {
	e := newEnv(t)
	f := newFakeSender() // one fake platform shared by both replicas
	for i := range 200 {
		e.enqueue(storage.NewOutboxMessage{ChatID: fmt.Sprint(i % 40)}, fmt.Sprintf("m%03d", i))
	}
	e.start(Config{Senders: []bot.Sender{f}, Owner: "replica-a", Workers: 8})
	e.start(Config{Senders: []bot.Sender{f}, Owner: "replica-b", Workers: 8})
	waitFor(t, "every message", func() bool { return e.undelivered() == 0 })
	got := f.sent()
	seen := map[string]int{}
	for _, s := range got {
		seen[s.text]++
	}
	if len(got) != 200 || len(seen) != 200 {
		t.Fatalf("%d sends of %d distinct messages, want 200 of 200", len(got), len(seen))
	}
}

func TestRateLimitedWaitsExactlyRetryAfter(t *testing.T) {
	e := newEnv(t)
	f := newFakeSender()
	var first time.Time
	f.fail = func(n int, to bot.Recipient, out bot.Outgoing) error {
		if out.Text == "one" && n == 1 {
			first = time.Now()
			return &bot.SendError{Class: bot.RateLimited, RetryAfter: time.Second, Code: 429, Reason: "Too Many Requests: retry after 1"}
		}
		return nil
	}
	reg := prometheus.NewRegistry()
	id := e.enqueue(storage.NewOutboxMessage{ChatID: "7"}, "one")
	e.enqueue(storage.NewOutboxMessage{ChatID: "7"}, "two")
	e.start(Config{Senders: []bot.Sender{f}, Metrics: reg})
	waitFor(t, "both messages", func() bool { return len(f.sent()) == 2 })
	waitFor(t, "the first recorded as sent", func() bool { return e.status(id).Status == storage.OutboxSent })
	got := f.sent()
	if got[0].text != "one" || got[1].text != "two" {
		t.Fatalf("order after a 429: %v", got)
	}
	if wait := got[0].at.Sub(first); wait < time.Second {
		t.Fatalf("retried after %s, before retry_after", wait)
	}
	if m := e.status(id); m.Attempts != 1 {
		t.Fatalf("a 429 counted as a failed attempt: attempts %d", m.Attempts)
	}
	if n := testutil.ToFloat64(newCounter(t, reg, "rate_limited")); n != 1 {
		t.Fatalf("rate_limited = %v", n)
	}
}

// newCounter reads insidebot_messages_sent_total{channel="telegram",result}.
func newCounter(t *testing.T, reg *prometheus.Registry, result string) prometheus.Collector {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "x"})
	for _, mf := range mfs {
		if mf.GetName() != "insidebot_messages_sent_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "result" && l.GetValue() == result {
					c.Add(m.GetCounter().GetValue())
				}
			}
		}
	}
	return c
}

func TestUnreachableStopsMessagesAndRunsTheHooks(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b, err := storage.CreateBeneficiary(ctx, e.db, storage.NewBeneficiary{Territory: "MI", Lang: "fr"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ident, err := storage.LinkIdentity(ctx, e.db, storage.NewIdentity{Channel: bot.Telegram, ExternalID: "55", ChatID: "55", BeneficiaryID: b.ID}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	staffID, _ := storage.CreateStaff(ctx, e.db, storage.NewStaff{DisplayName: "C", Role: storage.RoleCoordinator, Lang: "it"}, time.Now())
	bc, _ := storage.CreateBroadcast(ctx, e.db, staffID, "all", "hello", 0, time.Now())
	first := e.enqueue(storage.NewOutboxMessage{IdentityID: ident.ID, ChatID: "55"}, "reminder")
	later := e.enqueue(storage.NewOutboxMessage{IdentityID: ident.ID, ChatID: "55", Priority: storage.PriorityBulk, BroadcastID: bc.ID, Kind: "broadcast"}, "news")
	other := e.enqueue(storage.NewOutboxMessage{ChatID: "56"}, "someone else")

	f := newFakeSender()
	f.fail = func(n int, to bot.Recipient, out bot.Outgoing) error {
		if to.ChatID == "55" {
			return &bot.SendError{Class: bot.Unreachable, Code: 403, Reason: "Forbidden: bot was blocked by the user"}
		}
		return nil
	}
	var mu sync.Mutex
	var unreachable []int64
	var broadcasts []int64
	e.start(Config{Senders: []bot.Sender{f},
		Unreachable: func(ctx context.Context, q storage.Queryer, identityID int64, now time.Time) error {
			mu.Lock()
			defer mu.Unlock()
			unreachable = append(unreachable, identityID)
			// The hook owns the change (the engine's marks the identity and alerts the tutor
			// once): it sees the identity still reachable, in the same transaction.
			i, err := storage.IdentityByID(ctx, q, identityID)
			if err != nil || i.UnreachableAt.Valid {
				return fmt.Errorf("identity already unreachable before the hook: %v", err)
			}
			return storage.SetUnreachable(ctx, q, identityID, &now)
		},
		BroadcastMessageDone: func(ctx context.Context, q storage.Queryer, broadcastID int64, now time.Time) error {
			mu.Lock()
			defer mu.Unlock()
			broadcasts = append(broadcasts, broadcastID)
			return nil
		},
	})
	waitFor(t, "every message ended", func() bool { return e.undelivered() == 0 })
	if m := e.status(first); m.Status != "failed" || !strings.Contains(m.LastError.String, "blocked") {
		t.Fatalf("first = %s %q", m.Status, m.LastError.String)
	}
	if m := e.status(later); m.Status != "failed" || m.LastError.String != "unreachable" {
		t.Fatalf("later = %s %q", m.Status, m.LastError.String)
	}
	if m := e.status(other); m.Status != "sent" {
		t.Fatalf("another chat's message = %s", m.Status)
	}
	i, _ := storage.IdentityByID(ctx, e.db, ident.ID)
	if !i.UnreachableAt.Valid {
		t.Fatal("identity not marked unreachable")
	}
	for _, s := range f.sent() {
		if s.chat == "55" {
			t.Fatal("a message went to an unreachable chat")
		}
	}
	f.mu.Lock()
	tries := f.attempts["reminder"] + f.attempts["news"]
	f.mu.Unlock()
	mu.Lock()
	defer mu.Unlock()
	if tries != 1 || len(unreachable) != 1 || unreachable[0] != ident.ID || len(broadcasts) != 1 || broadcasts[0] != bc.ID {
		t.Fatalf("tries %d, unreachable hook %v, broadcast hook %v", tries, unreachable, broadcasts)
	}
}

func TestRetriesThenFailsWithItsReason(t *testing.T) {
	e := newEnv(t)
	f := newFakeSender()
	f.fail = func(n int, to bot.Recipient, out bot.Outgoing) error {
		if out.Text == "flaky" && n < 3 {
			return &bot.SendError{Class: bot.Retryable, Code: 502, Reason: "Bad Gateway"}
		}
		if out.Text == "down" {
			return &bot.SendError{Class: bot.Retryable, Code: 500, Reason: "Internal Server Error"}
		}
		if out.Text == "bad" {
			return &bot.SendError{Class: bot.Permanent, Code: 400, Reason: "Bad Request: message is too long"}
		}
		return nil
	}
	flaky := e.enqueue(storage.NewOutboxMessage{ChatID: "1"}, "flaky")
	down := e.enqueue(storage.NewOutboxMessage{ChatID: "2"}, "down")
	bad := e.enqueue(storage.NewOutboxMessage{ChatID: "3"}, "bad")
	e.start(Config{Senders: []bot.Sender{f}, MaxAttempts: 4, BaseBackoff: 20 * time.Millisecond})
	waitFor(t, "every message ended", func() bool { return e.undelivered() == 0 })
	if m := e.status(flaky); m.Status != "sent" || m.Attempts != 3 {
		t.Fatalf("flaky = %s after %d attempts", m.Status, m.Attempts)
	}
	if m := e.status(down); m.Status != "failed" || m.Attempts != 4 || !strings.Contains(m.LastError.String, "Internal Server Error (after 4 attempts)") {
		t.Fatalf("down = %s, %d attempts, %q", m.Status, m.Attempts, m.LastError.String)
	}
	if m := e.status(bad); m.Status != "failed" || m.Attempts != 1 || m.LastError.String != "Bad Request: message is too long" {
		t.Fatalf("bad = %s, %d attempts, %q", m.Status, m.Attempts, m.LastError.String)
	}
}

func TestBulkDoesNotDelayConversations(t *testing.T) {
	e := newEnv(t)
	f := newFakeSender()
	const bulk = 150
	for i := range bulk {
		e.enqueue(storage.NewOutboxMessage{ChatID: fmt.Sprint(1000 + i), Priority: storage.PriorityBulk, Kind: "broadcast"}, fmt.Sprintf("bulk%d", i))
	}
	// A slow broadcast (5 a second), so that the reply overtakes it however busy the machine.
	s := e.start(Config{Senders: []bot.Sender{f}, Limits: map[string]Limits{bot.Telegram: {Rate: 5, ChatInterval: time.Second, ChatBurst: 3}}})
	waitFor(t, "the broadcast to start", func() bool { return len(f.sent()) >= 5 })
	e.enqueue(storage.NewOutboxMessage{ChatID: "42"}, "reply")
	s.Wake()
	waitFor(t, "the reply", func() bool {
		for _, m := range f.sent() {
			if m.text == "reply" {
				return true
			}
		}
		return false
	})
	before := 0
	for _, m := range f.sent() {
		if m.text == "reply" {
			break
		}
		before++
	}
	// The reply overtook the broadcast: most of it was still waiting.
	if before > 15 {
		t.Fatalf("%d broadcast messages went before the reply", before)
	}
	if e.undelivered() < bulk/2 {
		t.Fatalf("the broadcast was not paced: %d left", e.undelivered())
	}
}

func TestWakeSendsAtOnceAndExpiredLeasesAreTakenOver(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	f := newFakeSender()
	// With an hourly poll, only Wake (and the end of a delivery) makes the service look again.
	s := e.start(Config{Senders: []bot.Sender{f}, Poll: time.Hour})
	probe := e.enqueue(storage.NewOutboxMessage{ChatID: "8"}, "probe")
	s.Wake()
	waitFor(t, "the probe recorded as sent", func() bool { return e.status(probe).Status == storage.OutboxSent })
	// A sender that died holding a message: once its lease runs out another takes it.
	orphan := e.enqueue(storage.NewOutboxMessage{ChatID: "9"}, "orphan")
	got, err := storage.ClaimOutbox(ctx, e.db, "dead-replica", bot.Telegram, 0, 1, time.Now(), 300*time.Millisecond)
	if err != nil || len(got) != 1 || got[0].ID != orphan {
		t.Fatalf("claim: %v %v", got, err)
	}
	waitFor(t, "the dead replica's lease to run out", func() bool { return time.Now().After(got[0].LeaseUntil.Time) })
	e.enqueue(storage.NewOutboxMessage{ChatID: "10"}, "fresh")
	s.Wake()
	waitFor(t, "both", func() bool { return len(f.sent()) == 3 })
	waitFor(t, "the orphan recorded as sent", func() bool { return e.status(orphan).Status == storage.OutboxSent })
	if m := e.status(orphan); m.Attempts != 2 {
		t.Fatalf("orphan sent after %d attempts", m.Attempts)
	}
}

// Without an Unreachable hook the outbox marks the identity itself and stops sending to it.
func TestUnreachableWithoutHookStillMarksTheIdentity(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b, err := storage.CreateBeneficiary(ctx, e.db, storage.NewBeneficiary{Territory: "MI"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ident, err := storage.LinkIdentity(ctx, e.db, storage.NewIdentity{Channel: bot.Telegram, ExternalID: "77", ChatID: "77", BeneficiaryID: b.ID}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	first := e.enqueue(storage.NewOutboxMessage{IdentityID: ident.ID, ChatID: "77"}, "one")
	second := e.enqueue(storage.NewOutboxMessage{IdentityID: ident.ID, ChatID: "77"}, "two")
	f := newFakeSender()
	f.fail = func(int, bot.Recipient, bot.Outgoing) error {
		return &bot.SendError{Class: bot.Unreachable, Code: 403, Reason: "Forbidden: user is deactivated"}
	}
	e.start(Config{Senders: []bot.Sender{f}})
	waitFor(t, "every message ended", func() bool { return e.undelivered() == 0 })
	if i, _ := storage.IdentityByID(ctx, e.db, ident.ID); !i.UnreachableAt.Valid {
		t.Fatal("identity not marked unreachable without a hook")
	}
	if m := e.status(first); m.Status != "failed" {
		t.Fatalf("first = %s", m.Status)
	}
	if m := e.status(second); m.Status != "failed" || m.LastError.String != "unreachable" {
		t.Fatalf("second = %s %q", m.Status, m.LastError.String)
	}
}
