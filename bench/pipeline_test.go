// Package bench holds in-process micro-benchmarks of the inbound pipeline and of the outbox's
// pacing against PostgreSQL and Redis (make microbench). They measure the pieces wired in one
// process on fresh tables, not the service: the figures of the built binary, as Telegram sees
// it, come from make bench (bench/binbench). Speed is measured here, never asserted by tests.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/outbox"
	"github.com/insideaut/insidebot/bot/telegram"
	"github.com/insideaut/insidebot/flows"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage/storagetest"
)

const (
	benchToken  = "1000:bench-token"
	benchSecret = "bench-webhook-secret-0123"
	// connections is how many webhook calls run at once (Telegram's max_connections: 40).
	connections = 40
	// closedUpdates is the closed-loop workload that measures throughput.
	closedUpdates = 3000
	// openRate and openFor are the open-loop workload that measures latency at a fixed rate.
	openRate = 500
	openFor  = 5 * time.Second
)

var updateSeq atomic.Int64

func init() { updateSeq.Store(time.Now().UnixNano() / 1000) }

// chatSeq numbers simulated chats: every update comes from a chat of its own, as many people
// writing at once (one chat is paced at 1 message per second, like Telegram's).
var chatSeq atomic.Int64

func init() { chatSeq.Store(500_000_000) }

func updateJSON(chat int64) []byte {
	id := updateSeq.Add(1)
	b, _ := json.Marshal(map[string]any{"update_id": id, "message": map[string]any{
		"message_id": id, "date": time.Now().Unix(), "text": "hello",
		"from": map[string]any{"id": chat, "is_bot": false, "first_name": "Bench", "language_code": "en"},
		"chat": map[string]any{"id": chat, "type": "private"},
	}})
	return b
}

// load is a webhook under test, with the fake Bot API its replies reach.
type load struct {
	url    string
	fake   *fakeBotAPI
	client *http.Client
	// answered sums the webhook calls' durations (the inbound half, before the outbox).
	answered atomic.Int64
}

func newLoad(url string, fake *fakeBotAPI) *load {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = connections * 4
	return &load{url: url, fake: fake, client: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// one sends an update from a fresh chat and waits for the reply to reach the fake Bot API;
// it returns the time from sending the update to the reply's arrival.
func (l *load) one() (time.Duration, error) {
	chat := chatSeq.Add(1)
	got := l.fake.expect(strconv.FormatInt(chat, 10))
	req, _ := http.NewRequest(http.MethodPost, l.url, bytes.NewReader(updateJSON(chat)))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", benchSecret)
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := l.client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	l.answered.Add(int64(time.Since(start)))
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("webhook answered %s", resp.Status)
	}
	select {
	case at := <-got:
		return at.Sub(start), nil
	case <-time.After(20 * time.Second):
		return 0, fmt.Errorf("no reply for chat %d", chat)
	}
}

// closed runs n updates over a fixed number of connections, each sending the next update once
// the previous one's reply arrived: the throughput.
func (l *load) closed(n int) (perSecond float64, lat []time.Duration, err error) {
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		left  atomic.Int64
		first error
	)
	left.Store(int64(n))
	start := time.Now()
	for range connections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				d, err := l.one()
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds(), lat, first
}

// open sends updates at a fixed rate regardless of answers, over at most 40 connections like
// Telegram: the latency a person sees at that load, from the update's due time to its reply.
func (l *load) open(rate int, dur time.Duration) (lat []time.Duration, err error) {
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		first error
		conns = make(chan struct{}, connections)
	)
	n := int(float64(rate) * dur.Seconds())
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Like Telegram, at most max_connections calls at once; an update waiting for a
			// connection counts its wait.
			conns <- struct{}{}
			queued := time.Since(due)
			d, err := l.one()
			<-conns
			mu.Lock()
			defer mu.Unlock()
			if err != nil && first == nil {
				first = err
			}
			lat = append(lat, queued+d)
		}()
	}
	wg.Wait()
	return lat, first
}

func percentile(lat []time.Duration, p float64) float64 {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	i := int(p * float64(len(s)-1))
	return float64(s[i]) / float64(time.Millisecond)
}

// pipeline starts the real inbound pipeline: webhook handler, dispatcher, engine, SQL,
// outbox, Telegram sender, against PostgreSQL and Redis.
func pipeline(b *testing.B, fake *fakeBotAPI) (webhookURL string) {
	db, _ := storagetest.Postgres(b)
	redis := storagetest.Redis(b)
	cat, err := locales.Load(nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	client, err := telegram.NewClient(ctx, benchToken, fake.endpoint(), nil)
	if err != nil {
		b.Fatal(err)
	}
	engine := flows.New(flows.Deps{Redis: redis, Catalog: cat, Settings: flows.Settings{BotUsername: client.Username(), PublicURL: "https://bench.example"}})
	svc := outbox.New(outbox.Config{DB: db, Redis: redis, Senders: []bot.Sender{telegram.NewSender(client, nil)},
		// The software is measured, not Telegram's 30 messages per second.
		Limits: map[string]outbox.Limits{bot.Telegram: {Rate: 100_000, ChatInterval: time.Second, ChatBurst: 3}}})
	disp := bot.NewDispatcher(bot.DispatcherConfig{DB: db, Redis: redis, Handler: engine, Wake: svc.Wake, Log: slog.New(slog.DiscardHandler)})
	hook := telegram.NewWebhook(telegram.NewReceiver(client, disp, nil, nil), benchSecret, nil)
	srv := httptest.NewServer(hook)
	done := make(chan struct{})
	go func() { _ = svc.Run(ctx); close(done) }()
	b.Cleanup(func() { srv.Close(); cancel(); <-done })
	return srv.URL
}

// echo starts the floor: a bare echo bot on the same library, answering each update with a
// sendMessage from inside the webhook call.
func echo(b *testing.B, fake *fakeBotAPI) (webhookURL string) {
	api, err := tgbotapi.NewBotAPIWithClient(benchToken, fake.endpoint(), telegram.NewHTTPClient())
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u tgbotapi.Update
		if err := json.NewDecoder(r.Body).Decode(&u); err != nil || u.Message == nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		if _, err := api.Send(tgbotapi.NewMessage(u.Message.Chat.ID, u.Message.Text)); err != nil {
			http.Error(w, "send failed", http.StatusServiceUnavailable)
			return
		}
	}))
	b.Cleanup(srv.Close)
	return srv.URL
}

// BenchmarkPipeline is a micro-benchmark (in-process, webhook, fresh tables; make bench measures
// the binary). It reports, for the pipeline and for an in-process echo handler: updates per second
// (closed loop over 40 connections, each update from its own chat), p50 and p99 from update to
// reply at the fake Bot API, and the same latencies at a steady 500 updates per second.
func BenchmarkPipeline(b *testing.B) {
	for range b.N {
		results := map[string][6]float64{}
		for _, name := range []string{"echo", "pipeline"} {
			fake := newFakeBotAPI(b, nil)
			url := echo(b, fake)
			if name == "pipeline" {
				url = pipeline(b, fake)
			}
			l := newLoad(url, fake)
			if _, err := l.one(); err != nil { // warm up connections and caches
				b.Fatal(err)
			}
			l.answered.Store(0)
			rate, lat, err := l.closed(closedUpdates)
			b.ReportMetric(float64(l.answered.Load())/closedUpdates/float64(time.Millisecond), name+"-webhook-mean-ms")
			if err != nil {
				b.Fatalf("%s closed loop: %v", name, err)
			}
			openLat, err := l.open(openRate, openFor)
			if err != nil {
				b.Fatalf("%s at %d/s: %v", name, openRate, err)
			}
			results[name] = [6]float64{rate, percentile(lat, .5), percentile(lat, .99), percentile(openLat, .5), percentile(openLat, .99)}
		}
		for name, r := range results {
			b.ReportMetric(r[0], name+"-updates/s")
			b.ReportMetric(r[1], name+"-p50-ms")
			b.ReportMetric(r[2], name+"-p99-ms")
			b.ReportMetric(r[3], name+"-p50-ms@500/s")
			b.ReportMetric(r[4], name+"-p99-ms@500/s")
		}
		b.ReportMetric(results["pipeline"][0]/results["echo"][0], "pipeline/echo")
	}
}
