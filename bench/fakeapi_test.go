package bench

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeBotAPI is an httptest Bot API: it answers sendMessage at once, tells a waiter when a
// chat's reply arrives, and, with a limit, answers 429 like Telegram when sends come faster.
type fakeBotAPI struct {
	srv     *httptest.Server
	mu      sync.Mutex
	waiters map[string]chan time.Time
	sends   []time.Time
	limit   *bucket
	n429    atomic.Int64
	nextID  atomic.Int64
}

func newFakeBotAPI(b testing.TB, limit *bucket) *fakeBotAPI {
	f := &fakeBotAPI{waiters: map[string]chan time.Time{}, limit: limit}
	f.srv = httptest.NewServer(f)
	b.Cleanup(f.srv.Close)
	return f
}

func (f *fakeBotAPI) endpoint() string { return f.srv.URL + "/bot%s/%s" }

// expect registers interest in the next message to chat.
func (f *fakeBotAPI) expect(chat string) chan time.Time {
	ch := make(chan time.Time, 1)
	f.mu.Lock()
	f.waiters[chat] = ch
	f.mu.Unlock()
	return ch
}

func (f *fakeBotAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "getMe":
		_, _ = io.WriteString(w, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Bench","username":"bench_bot"}}`)
		return
	case "sendMessage":
	default:
		_, _ = io.WriteString(w, `{"ok":true,"result":true}`)
		return
	}
	now := time.Now()
	if f.limit != nil && !f.limit.allow(now) {
		f.n429.Add(1)
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}`)
		return
	}
	chat := r.PostFormValue("chat_id")
	f.mu.Lock()
	f.sends = append(f.sends, now)
	ch := f.waiters[chat]
	delete(f.waiters, chat)
	f.mu.Unlock()
	if ch != nil {
		ch <- now
	}
	_, _ = fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"date":%d,"chat":{"id":%s,"type":"private"},"text":"ok"}}`,
		f.nextID.Add(1), now.Unix(), chat)
}

func (f *fakeBotAPI) sent() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.sends...)
}

// bucket is the fake platform's rate limit: rate per second, with capacity for small bursts
// (network jitter bunches requests that left evenly spaced).
type bucket struct {
	mu       sync.Mutex
	rate     float64
	capacity float64
	tokens   float64
	last     time.Time
}

func newBucket(rate, capacity float64) *bucket {
	return &bucket{rate: rate, capacity: capacity, tokens: capacity}
}

func (b *bucket) allow(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.last.IsZero() {
		b.tokens = min(b.capacity, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
