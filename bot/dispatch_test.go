package bot_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// echo writes one reply per update; it can be told to panic or fail.
type echo struct {
	mu       sync.Mutex
	inside   map[string]int
	overlap  atomic.Bool
	panicOn  string
	failOn   string
	calls    atomic.Int64
	failures atomic.Int64
}

func (h *echo) Handle(ctx context.Context, tx *storage.Tx, in bot.Incoming) (bot.Result, error) {
	h.calls.Add(1)
	h.mu.Lock()
	if h.inside == nil {
		h.inside = map[string]int{}
	}
	h.inside[in.ChatKey()]++
	if h.inside[in.ChatKey()] > 1 {
		h.overlap.Store(true)
	}
	h.mu.Unlock()
	defer func() { h.mu.Lock(); h.inside[in.ChatKey()]--; h.mu.Unlock() }()
	time.Sleep(time.Millisecond)
	switch in.Text {
	case h.panicOn:
		panic("boom")
	case h.failOn:
		return bot.Result{}, errors.New("a bug")
	}
	out, _ := bot.Outgoing{Text: "echo " + in.Text}.Encode()
	_, err := storage.Enqueue(ctx, tx, storage.NewOutboxMessage{Channel: in.Channel, ChatID: in.ChatID, Kind: "reply", Payload: out}, time.Now())
	return bot.Result{CallbackText: "ok"}, err
}

func (h *echo) Fail(ctx context.Context, tx *storage.Tx, in bot.Incoming) error {
	h.failures.Add(1)
	out, _ := bot.Outgoing{Text: "sorry"}.Encode()
	_, err := storage.Enqueue(ctx, tx, storage.NewOutboxMessage{Channel: in.Channel, ChatID: in.ChatID, Kind: "reply", Payload: out}, time.Now())
	return err
}

func texts(t *testing.T, db *storage.DB, chat string) []string {
	t.Helper()
	var payloads []string
	if err := db.Select(context.Background(), &payloads, `SELECT payload FROM outbox WHERE chat_id = ? ORDER BY id`, chat); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range payloads {
		o, err := bot.DecodeOutgoing(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, o.Text)
	}
	return out
}

func msg(id, chat, text string) bot.Incoming {
	return bot.Incoming{Channel: bot.Telegram, UpdateID: id, ChatID: chat, UserID: chat, Kind: bot.KindText, Text: text}
}

func TestDispatchExactlyOnce(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := &echo{}
		var wakes atomic.Int64
		d := bot.NewDispatcher(bot.DispatcherConfig{DB: db, Redis: storagetest.Redis(t), Handler: h, Wake: func() { wakes.Add(1) }})
		ctx := context.Background()
		res, err := d.Dispatch(ctx, msg("1", "c1", "hello"))
		if err != nil || res.Duplicate || res.CallbackText != "ok" {
			t.Fatalf("first: %+v %v", res, err)
		}
		res, err = d.Dispatch(ctx, msg("1", "c1", "hello"))
		if err != nil || !res.Duplicate {
			t.Fatalf("redelivery: %+v %v", res, err)
		}
		if got := texts(t, db, "c1"); len(got) != 1 || got[0] != "echo hello" {
			t.Fatalf("replies %v, want one", got)
		}
		if wakes.Load() != 1 {
			t.Fatalf("sender woken %d times, want once (not for the duplicate)", wakes.Load())
		}
		if _, err := d.Dispatch(ctx, bot.Incoming{Channel: "fax", UpdateID: "x", ChatID: "1", UserID: "1", Kind: bot.KindText}); err == nil {
			t.Fatal("an update of an unknown channel was accepted")
		}
	})
}

func TestDispatchAnswersPanicsAndBugsOnce(t *testing.T) {
	db, _ := storagetest.Postgres(t)
	h := &echo{panicOn: "crash", failOn: "bug"}
	d := bot.NewDispatcher(bot.DispatcherConfig{DB: db, Redis: storagetest.Redis(t), Handler: h})
	ctx := context.Background()
	for i, text := range []string{"crash", "bug"} {
		id := fmt.Sprint("p", i)
		if _, err := d.Dispatch(ctx, msg(id, "c2", text)); err != nil {
			t.Fatalf("%s: %v (a bug must be answered, not retried)", text, err)
		}
		if res, _ := d.Dispatch(ctx, msg(id, "c2", text)); !res.Duplicate {
			t.Fatalf("%s: redelivery handled again", text)
		}
	}
	if got := texts(t, db, "c2"); len(got) != 2 || got[0] != "sorry" || got[1] != "sorry" {
		t.Fatalf("replies %v, want two apologies", got)
	}
	if h.failures.Load() != 2 {
		t.Fatalf("Fail called %d times", h.failures.Load())
	}
}

// Two dispatchers (two replicas) on one database and Redis: updates of one chat never
// overlap, and every update has exactly one reply.
func TestDispatchOneChatAtATimeAcrossReplicas(t *testing.T) {
	db, _ := storagetest.Postgres(t)
	r := storagetest.Redis(t)
	h := &echo{}
	replicas := []*bot.Dispatcher{
		bot.NewDispatcher(bot.DispatcherConfig{DB: db, Redis: r, Handler: h}),
		bot.NewDispatcher(bot.DispatcherConfig{DB: db, Redis: r, Handler: h}),
	}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			chat := fmt.Sprint("chat", i%4)
			// Each update is delivered to both replicas, as a platform retrying would.
			for _, d := range replicas {
				if _, err := d.Dispatch(context.Background(), msg(fmt.Sprint(i), chat, fmt.Sprint(i))); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if h.overlap.Load() {
		t.Fatal("two updates of one chat were handled at the same time")
	}
	total := 0
	for c := range 4 {
		total += len(texts(t, db, fmt.Sprint("chat", c)))
	}
	if total != 40 {
		t.Fatalf("%d replies for 40 updates delivered twice each", total)
	}
}
