package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// fakeAPI is a Bot API that serves getUpdates like Telegram: updates wait on the server until
// a getUpdates with a higher offset confirms them, a call with nothing to give waits up to its
// timeout (long polling), and update ids only grow (across every bot a run starts, and across
// runs: they start from the clock). Each simulated chat is a closed loop: its next message is
// queued when the bot's reply to the previous one arrives, and the time between the two is the
// reply's latency. With a limit it answers 429 like Telegram to sends over R per second.
type fakeAPI struct {
	srv *http.Server
	url string

	mu      sync.Mutex
	pending []queued      // updates not yet confirmed, by id
	more    chan struct{} // closed when updates are queued
	chats   map[int64]*chatLoop
	running bool
	window  window

	limit *strictLimit
	// sends counts sendMessage calls per chat (the pacing run looks for duplicates).
	sendsPerChat map[int64]int
	accepted     []time.Time // when sends were accepted, with a limit
	msgID        atomic.Int64
	// waiters are the chats an ask waits on (the scale timings), by chat.
	waiters map[int64]*waiter
}

// waiter counts the messages to one chat since an ask queued its update.
type waiter struct {
	got  int
	last time.Time
	more chan struct{} // closed (and replaced) at each message
}

type queued struct {
	id   int64
	json []byte
}

// chatLoop is one simulated person: the time their last message was queued and whether it
// waits for a reply.
type chatLoop struct {
	id      int64
	sentAt  time.Time
	waiting bool
}

// window collects what happened between the start and the end of a measurement.
type window struct {
	open, closed time.Time
	replies      int
	latencies    []time.Duration
	extra        int // replies to a chat that was not waiting (more than one message per update)
	timeouts     int // updates whose reply did not come within replyTimeout
	sent         int // updates queued
}

// updateSeq numbers updates for the whole run, starting from the clock so a later run's ids
// are higher still.
var updateSeq atomic.Int64

func init() { updateSeq.Store((time.Now().Unix() - 1_700_000_000) * 1000) }

func newFakeAPI() (*fakeAPI, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &fakeAPI{more: make(chan struct{}), chats: map[int64]*chatLoop{}, sendsPerChat: map[int64]int{},
		waiters: map[int64]*waiter{}}
	f.srv = &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	f.url = "http://" + ln.Addr().String()
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

func (f *fakeAPI) close() { _ = f.srv.Close() }

// endpoint is the Bot API URL format go-telegram-bot-api takes.
func (f *fakeAPI) endpoint() string { return f.url + "/bot%s/%s" }

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "getMe":
		_, _ = w.Write([]byte(`{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Bench","username":"bench_bot"}}`))
	case "getUpdates":
		f.getUpdates(w, r)
	case "sendMessage":
		f.sendMessage(w, r)
	case "sendDocument", "sendPhoto": // multipart: the export's files, the figures' chart
		_ = r.ParseMultipartForm(64 << 20)
		f.sendMessage(w, r)
	default: // deleteWebhook, setMyCommands, answerCallbackQuery...
		_, _ = w.Write([]byte(`{"ok":true,"result":true}`))
	}
}

func (f *fakeAPI) getUpdates(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	offset, _ := strconv.ParseInt(r.PostFormValue("offset"), 10, 64)
	limit, _ := strconv.Atoi(r.PostFormValue("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(r.PostFormValue("timeout"))
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		// Confirmed updates are forgotten, as Telegram does.
		i, _ := slices.BinarySearchFunc(f.pending, offset, func(q queued, off int64) int { return cmpInt(q.id, off) })
		if i > 0 {
			f.pending = slices.Delete(f.pending, 0, i)
		}
		if len(f.pending) > 0 || timeout == 0 {
			var b bytes.Buffer
			b.WriteString(`{"ok":true,"result":[`)
			for j, q := range f.pending[:min(limit, len(f.pending))] {
				if j > 0 {
					b.WriteByte(',')
				}
				b.Write(q.json)
			}
			f.mu.Unlock()
			b.WriteString(`]}`)
			_, _ = w.Write(b.Bytes())
			return
		}
		more := f.more
		f.mu.Unlock()
		select {
		case <-more:
		case <-deadline.C:
			timeout = 0
		case <-r.Context().Done():
			return
		}
	}
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (f *fakeAPI) sendMessage(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	now := time.Now()
	if f.limit != nil && !f.limit.allow(now) {
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}`))
		return
	}
	chat, err := strconv.ParseInt(r.PostFormValue("chat_id"), 10, 64)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`))
		return
	}
	f.reply(chat, now)
	_, _ = fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"private"},"text":"ok"}}`,
		f.msgID.Add(1), now.Unix(), chat)
}

// reply records a message to chat and, in a closed loop, queues the chat's next update.
func (f *fakeAPI) reply(chat int64, now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sendsPerChat[chat]++
	if f.limit != nil {
		f.accepted = append(f.accepted, now)
	}
	if w := f.waiters[chat]; w != nil {
		w.got++
		w.last = now
		close(w.more)
		w.more = make(chan struct{})
	}
	c := f.chats[chat]
	if c == nil {
		return
	}
	inWindow := !f.window.open.IsZero() && f.window.closed.IsZero() && now.After(f.window.open)
	if !c.waiting {
		if inWindow {
			f.window.extra++
		}
		return
	}
	c.waiting = false
	if inWindow && c.sentAt.After(f.window.open) {
		f.window.replies++
		f.window.latencies = append(f.window.latencies, now.Sub(c.sentAt))
	}
	if f.running {
		f.queueLocked(c, now)
	}
}

// ask queues text from chat (a person or staff member of the seeded world, not a closed
// loop) and waits for replies messages to it, or when replies is 0 for the first one and
// then as many as come within settle of each other. It returns how many came and the time
// from the update's arrival on the fake to the last of them.
func (f *fakeAPI) ask(ctx context.Context, chat int64, text string, replies int, timeout, settle time.Duration) (int, time.Duration, error) {
	f.mu.Lock()
	w := &waiter{more: make(chan struct{})}
	f.waiters[chat] = w
	start := time.Now()
	f.queueTextLocked(chat, text, start)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.waiters, chat)
		f.mu.Unlock()
	}()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		got, last, more := w.got, w.last, w.more
		f.mu.Unlock()
		if replies > 0 && got >= replies {
			return got, last.Sub(start), nil
		}
		var quiet <-chan time.Time
		if replies == 0 && got > 0 {
			quiet = time.After(settle)
		}
		select {
		case <-more:
		case <-quiet:
			return got, last.Sub(start), nil
		case <-deadline.C:
			return got, 0, fmt.Errorf("%q from chat %d: %d of %d replies within %v", text, chat, got, replies, timeout)
		case <-ctx.Done():
			return got, 0, ctx.Err()
		}
	}
}

// queueTextLocked queues a message from chat: a command (with its entity) when text starts
// with a slash.
func (f *fakeAPI) queueTextLocked(chat int64, text string, now time.Time) {
	id := updateSeq.Add(1)
	var entities string
	if strings.HasPrefix(text, "/") {
		n := len(text)
		if i := strings.IndexByte(text, ' '); i > 0 {
			n = i
		}
		entities = fmt.Sprintf(`,"entities":[{"offset":0,"length":%d,"type":"bot_command"}]`, n)
	}
	quoted, _ := json.Marshal(text)
	u := fmt.Appendf(nil, `{"update_id":%d,"message":{"message_id":%d,"from":{"id":%d,"is_bot":false,"first_name":"Bench","language_code":"en"},`+
		`"chat":{"id":%d,"type":"private"},"date":%d,"text":%s%s}}`, id, id, chat, chat, now.Unix(), quoted, entities)
	f.pending = append(f.pending, queued{id: id, json: u})
	close(f.more)
	f.more = make(chan struct{})
}

// queueLocked queues chat c's next message: the /menu command, which an enrolled person's bot
// answers with one message (the main menu).
func (f *fakeAPI) queueLocked(c *chatLoop, now time.Time) {
	id := updateSeq.Add(1)
	u := fmt.Appendf(nil, `{"update_id":%d,"message":{"message_id":%d,"from":{"id":%d,"is_bot":false,"first_name":"Bench","language_code":"en"},`+
		`"chat":{"id":%d,"type":"private"},"date":%d,"text":"/menu","entities":[{"offset":0,"length":5,"type":"bot_command"}]}}`,
		id, id, c.id, c.id, now.Unix())
	f.pending = append(f.pending, queued{id: id, json: u})
	c.sentAt, c.waiting = now, true
	if !f.window.open.IsZero() && f.window.closed.IsZero() {
		f.window.sent++
	}
	close(f.more)
	f.more = make(chan struct{})
}

// start begins a closed loop for each chat: its first message now, the next when the reply
// arrives. A chat whose reply has not come within replyTimeout counts a timeout and writes
// again.
func (f *fakeAPI) start(ctx context.Context, chats []int64, replyTimeout time.Duration) {
	f.mu.Lock()
	f.running = true
	now := time.Now()
	for _, id := range chats {
		c := &chatLoop{id: id}
		f.chats[id] = c
		f.queueLocked(c, now)
	}
	f.mu.Unlock()
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			f.mu.Lock()
			now := time.Now()
			for _, c := range f.chats {
				if f.running && c.waiting && now.Sub(c.sentAt) > replyTimeout {
					if !f.window.open.IsZero() && f.window.closed.IsZero() {
						f.window.timeouts++
					}
					f.queueLocked(c, now)
				}
			}
			f.mu.Unlock()
		}
	}()
}

// measure opens a window, waits d, closes it and returns what it saw.
func (f *fakeAPI) measure(d time.Duration) window {
	f.mu.Lock()
	f.window = window{open: time.Now()}
	f.mu.Unlock()
	time.Sleep(d)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.window.closed = time.Now()
	w := f.window
	w.latencies = slices.Clone(w.latencies)
	return w
}

// stop ends the closed loops: replies still arriving queue nothing more.
func (f *fakeAPI) stop() {
	f.mu.Lock()
	f.running = false
	f.mu.Unlock()
}

// strictLimit is the platform's limit for the pacing run: at most rate sends in any sliding
// second (no burst allowance beyond that), so a sender that ever exceeds R gets 429s.
type strictLimit struct {
	mu    sync.Mutex
	rate  int
	times []time.Time // accepted sends of the last second
	n429  int
}

func (l *strictLimit) allow(now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	cut := now.Add(-time.Second)
	i := 0
	for i < len(l.times) && !l.times[i].After(cut) {
		i++
	}
	l.times = l.times[i:]
	if len(l.times) >= l.rate {
		l.n429++
		return false
	}
	l.times = append(l.times, now)
	return true
}

func (f *fakeAPI) sendCounts() map[int64]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[int64]int, len(f.sendsPerChat))
	for k, v := range f.sendsPerChat {
		out[k] = v
	}
	return out
}

func (f *fakeAPI) acceptedTimes() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.accepted)
}
