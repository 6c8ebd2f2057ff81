package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// cutProxy stands between the senders and PostgreSQL: cut, and the database is unreachable
// for them (connections reset, new ones refused) while it runs on for everyone else.
type cutProxy struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	p := &cutProxy{t: t, target: target, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *cutProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				_ = c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[s] = true, true
			p.mu.Unlock()
			go func() { _, _ = io.Copy(s, c); _ = s.Close() }()
			go func() { _, _ = io.Copy(c, s); _ = c.Close() }()
		}
	}()
}

// cut closes the listener and every connection.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		_ = c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

// restore listens again on the same address.
func (p *cutProxy) restore() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("proxy back on %s: %v", p.addr, err)
	}
	p.serve(ln)
}

// viaProxy is the database at u reached through a proxy.
func viaProxy(t *testing.T, u string) (*cutProxy, *storage.DB) {
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	p := newCutProxy(t, pu.Host)
	pu.Host = p.addr
	q := pu.Query()
	q.Set("connect_timeout", "2")
	pu.RawQuery = q.Encode()
	db, err := storage.Open(context.Background(), pu.String(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return p, db
}

// platform is a fake messaging API over HTTP that counts what it delivers, per text. Until
// release is called it keeps the requests it gets waiting (counted in arrived).
type platform struct {
	srv     *httptest.Server
	mu      sync.Mutex
	got     map[string]int
	total   int
	arrived atomic.Int64
	gate    chan struct{}
	once    sync.Once
}

func newPlatform(t *testing.T, delay time.Duration) *platform {
	p := &platform{got: map[string]int{}, gate: make(chan struct{})}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct{ Chat, Text string }
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		p.arrived.Add(1)
		<-p.gate
		time.Sleep(delay)
		p.mu.Lock()
		p.got[m.Text]++
		p.total++
		n := p.total
		p.mu.Unlock()
		_, _ = fmt.Fprintf(w, `{"id":"m%d"}`, n)
	}))
	t.Cleanup(p.srv.Close)
	t.Cleanup(p.release)
	return p
}

// release lets the requests through, now and from now on.
func (p *platform) release() { p.once.Do(func() { close(p.gate) }) }

func (p *platform) counts() (delivered, distinct, duplicates int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, n := range p.got {
		distinct++
		duplicates += n - 1
	}
	return p.total, distinct, duplicates
}

// httpSender delivers to the fake platform.
type httpSender struct{ url string }

func (h httpSender) Channel() string { return bot.Telegram }

func (h httpSender) Send(ctx context.Context, to bot.Recipient, out bot.Outgoing) (string, error) {
	body, _ := json.Marshal(map[string]string{"chat": to.ChatID, "text": out.Text})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytesReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", &bot.SendError{Class: bot.Retryable, Reason: "platform unreachable"}
	}
	defer resp.Body.Close()
	var r struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return "", &bot.SendError{Class: bot.Retryable, Reason: "bad answer"}
	}
	return r.ID, nil
}

func bytesReader(b []byte) io.Reader { return &byteReader{b: b} }

type byteReader struct{ b []byte }

func (r *byteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

// outage is how long the database stays away in the outage tests: OUTBOX_TEST_OUTAGE (a
// duration, such as 20s), or three leases.
func outage(lease time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv("OUTBOX_TEST_OUTAGE")); err == nil && d > 0 {
		return d
	}
	return 3 * lease
}

func (e *env) journalLen() int64 {
	n, err := e.redis.Client().HLen(context.Background(), e.redis.Key("outbox", "journal")).Result()
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// A database outage longer than the lease: what was sent meanwhile is recorded when the
// database returns, and nothing is sent twice.
func TestDatabaseOutageSendsNothingTwice(t *testing.T) {
	e := newEnv(t)
	const chats, each = 20, 10
	for i := range each {
		for c := range chats {
			e.enqueue(storage.NewOutboxMessage{ChatID: strconv.Itoa(500 + c)}, fmt.Sprintf("c%d-m%d", c, i))
		}
	}
	proxy, db := viaProxy(t, e.url)
	p := newPlatform(t, 30*time.Millisecond)
	lease := 2 * time.Second
	e.start(Config{DB: db, Senders: []bot.Sender{httpSender{url: p.srv.URL}}, Lease: lease, Poll: 50 * time.Millisecond, Workers: 8,
		Limits: map[string]Limits{bot.Telegram: {Rate: 1000, ChatInterval: time.Millisecond, ChatBurst: 100}}})
	// Sends are in flight when the database goes away: their outcomes cannot be recorded.
	waitFor(t, "sends in flight", func() bool { return p.arrived.Load() >= 8 })
	proxy.cut()
	cutAt := time.Now()
	p.release()
	waitFor(t, "sends whose outcome the database could not take", func() bool { return e.journalLen() > 0 })
	down := outage(lease)
	waitFor(t, "the outage to outlast the leases", func() bool { return time.Since(cutAt) > down })
	proxy.restore()
	waitFor(t, "every message delivered and recorded", func() bool { return e.undelivered() == 0 })
	n, distinct, dups := p.counts()
	t.Logf("outage %s (lease %s): %d deliveries of %d messages, %d duplicates", down.Round(time.Millisecond), lease, n, distinct, dups)
	if distinct != chats*each || dups != 0 {
		t.Fatalf("%d distinct messages delivered (want %d), %d duplicates", distinct, chats*each, dups)
	}
	waitFor(t, "the journal emptied", func() bool { return e.journalLen() == 0 })
}

// A replica that dies while the database is away (its recorder cannot write what it sent):
// the journal outlives it, and the replica that takes over records those outcomes instead of
// sending the messages again.
func TestJournalOutlivesTheReplicaThatSent(t *testing.T) {
	e := newEnv(t)
	for i := range 60 {
		e.enqueue(storage.NewOutboxMessage{ChatID: strconv.Itoa(700 + i%12)}, fmt.Sprintf("m%02d", i))
	}
	proxy, db := viaProxy(t, e.url)
	p := newPlatform(t, 30*time.Millisecond)
	lease := 2 * time.Second
	limits := map[string]Limits{bot.Telegram: {Rate: 1000, ChatInterval: time.Millisecond, ChatBurst: 100}}
	_, stop := e.run(Config{DB: db, Owner: "replica-a", Senders: []bot.Sender{httpSender{url: p.srv.URL}}, Lease: lease,
		Poll: 50 * time.Millisecond, Workers: 4, Limits: limits})
	waitFor(t, "sends in flight", func() bool { return p.arrived.Load() >= 4 })
	proxy.cut()
	p.release()
	waitFor(t, "sends whose outcome the database could not take", func() bool { return e.journalLen() > 0 })
	stop() // replica A is gone; what it sent is only in the journal
	proxy.restore()
	e.start(Config{Owner: "replica-b", Senders: []bot.Sender{httpSender{url: p.srv.URL}}, Lease: lease, Poll: 50 * time.Millisecond,
		Workers: 4, Limits: limits})
	waitFor(t, "every message delivered and recorded", func() bool { return e.undelivered() == 0 })
	n, distinct, dups := p.counts()
	t.Logf("%d deliveries of %d messages, %d duplicates", n, distinct, dups)
	if distinct != 60 || dups != 0 {
		t.Fatalf("%d distinct messages delivered (want 60), %d duplicates", distinct, dups)
	}
	waitFor(t, "the journal emptied", func() bool { return e.journalLen() == 0 })
}
