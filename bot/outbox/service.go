// Package outbox delivers the messages flows queue: after commit, one message of a chat at a
// time and in order, within each channel's rate limits shared by every replica, conversations
// before broadcasts, retried with backoff, failures recorded with their reason, and each
// message sent once even when several replicas run or the database goes away for a while.
//
// Each channel and priority has a loop that claims due chat heads (storage.Claimer: its cost
// depends on what is due, not on history) whenever a worker is free, so claims and sends
// overlap. Outcomes go to one recorder that writes many in one transaction; an outcome the
// database cannot take is kept in memory and in a Redis journal until it can, and a message
// claimed again is checked against the journal before it is sent.
package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/storage"
)

// Hooks let journeys react to deliveries, inside the transaction that records them.
type (
	// UnreachableFunc runs when an identity turned out unreachable (the person blocked the
	// bot): the beneficiary journey alerts the tutor.
	UnreachableFunc func(ctx context.Context, q storage.Queryer, identityID int64, now time.Time) error
	// BroadcastDoneFunc runs when a message of a broadcast was sent or failed: the staff
	// journey tracks the broadcast's progress.
	BroadcastDoneFunc func(ctx context.Context, q storage.Queryer, broadcastID int64, now time.Time) error
)

// Config wires the service; zero values take the defaults.
type Config struct {
	DB      *storage.DB
	Redis   *storage.Redis
	Senders []bot.Sender
	Limits  map[string]Limits // per channel; missing: DefaultLimits
	Clock   clock.Clock
	Log     *slog.Logger
	Metrics prometheus.Registerer

	Owner       string        // lease owner name (host, pid and a random tag)
	Lease       time.Duration // how long a claimed message is ours (60 s)
	Poll        time.Duration // how often to look for work when nothing wakes the loops (500 ms)
	Workers     int           // messages in flight per channel for conversations (32)
	BulkWorkers int           // and for bulk (8)
	MaxAttempts int           // tries of a message failing with retryable errors (10)
	BaseBackoff time.Duration // first retry delay, doubling (5 s)

	// Translator shows the foreign parts of messages (bot.Foreign) translated as they go; nil:
	// they go as queued. TranslateBudget bounds the wait of one message for them (3 s).
	Translator      Translator
	TranslateBudget time.Duration

	// Unreachable and BroadcastMessageDone are optional hooks (see their types).
	Unreachable          UnreachableFunc
	BroadcastMessageDone BroadcastDoneFunc
}

// Service runs the senders: one claim loop per channel and priority, and the recorder.
type Service struct {
	cfg     Config
	senders map[string]bot.Sender
	limits  map[string]Limits
	metrics *metrics
	rec     *recorder
	mu      sync.Mutex
	wakers  []chan struct{}
	signal  chan struct{} // Wake was called: tell the other replicas
}

// New builds the service.
func New(cfg Config) *Service {
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Owner == "" {
		cfg.Owner = ownerName()
	}
	if cfg.Lease == 0 {
		cfg.Lease = time.Minute
	}
	if cfg.Poll == 0 {
		cfg.Poll = 500 * time.Millisecond
	}
	if cfg.Workers == 0 {
		cfg.Workers = 32
	}
	if cfg.BulkWorkers == 0 {
		cfg.BulkWorkers = 8
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = 10
	}
	if cfg.BaseBackoff == 0 {
		cfg.BaseBackoff = 5 * time.Second
	}
	if cfg.TranslateBudget == 0 {
		cfg.TranslateBudget = DefaultTranslateBudget
	}
	s := &Service{cfg: cfg, senders: map[string]bot.Sender{}, limits: map[string]Limits{}, metrics: newMetrics(cfg.Metrics),
		signal: make(chan struct{}, 1)}
	for _, snd := range cfg.Senders {
		ch := snd.Channel()
		s.senders[ch] = snd
		s.limits[ch] = cfg.Limits[ch].withDefaults(ch)
	}
	s.rec = newRecorder(s)
	return s
}

func ownerName() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Wake tells every loop there is new work (a reply just committed): it is sent at once instead
// of at the next poll. Other replicas are told too (through Redis), for work this one cannot
// send.
func (s *Service) Wake() {
	s.wakeLocal()
	select {
	case s.signal <- struct{}{}:
	default:
	}
}

func (s *Service) wakeLocal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range s.wakers {
		select {
		case w <- struct{}{}:
		default:
		}
	}
}

func (s *Service) waker() chan struct{} {
	w := make(chan struct{}, 1)
	s.mu.Lock()
	s.wakers = append(s.wakers, w)
	s.mu.Unlock()
	return w
}

// Run delivers until ctx ends; messages in flight are finished and their outcomes recorded (or
// journaled) first.
func (s *Service) Run(ctx context.Context) error {
	recDone := make(chan struct{})
	go func() { defer close(recDone); s.rec.run(ctx) }()
	s.rec.recover(ctx)
	var wg sync.WaitGroup
	for ch, snd := range s.senders {
		for _, prio := range []int{storage.PriorityInteractive, storage.PriorityBulk} {
			l := &loop{s: s, sender: snd, channel: ch, priority: prio, wake: s.waker(),
				claimer: &storage.Claimer{Owner: s.cfg.Owner, Channel: ch, Priority: prio}}
			l.workers = s.cfg.Workers
			if prio == storage.PriorityBulk {
				l.workers = s.cfg.BulkWorkers
			}
			wg.Add(1)
			go func() { defer wg.Done(); l.run(ctx) }()
		}
	}
	wg.Add(3)
	go func() { defer wg.Done(); s.refreshDepths(ctx) }()
	go func() { defer wg.Done(); s.publishWakes(ctx) }()
	go func() { defer wg.Done(); s.subscribeWakes(ctx) }()
	wg.Wait()
	s.rec.close()
	<-recDone
	return ctx.Err()
}

// loop claims and delivers the messages of one channel and priority.
type loop struct {
	s        *Service
	sender   bot.Sender
	channel  string
	priority int
	workers  int
	claimer  *storage.Claimer
	wake     chan struct{}
	inflight int
	mu       sync.Mutex
}

func (l *loop) run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	log := l.s.cfg.Log.With("channel", l.channel, "priority", l.priority)
	failing := false
	for ctx.Err() == nil {
		l.mu.Lock()
		free := l.workers - l.inflight
		l.mu.Unlock()
		claimed := 0
		if free > 0 {
			msgs, err := l.claimer.Claim(ctx, l.s.cfg.DB, free, l.s.cfg.Clock.Now(), l.s.cfg.Lease)
			switch {
			case err != nil && ctx.Err() == nil:
				if !failing {
					log.Warn("outbox claim failed", "err", err)
				}
				failing = true
			case err == nil:
				if failing {
					log.Info("outbox claim works again")
				}
				failing = false
			}
			claimed = len(msgs)
			for _, m := range msgs {
				l.mu.Lock()
				l.inflight++
				l.mu.Unlock()
				wg.Add(1)
				go func() {
					defer wg.Done()
					// A send in flight is finished even when shutdown begins: cut off half-way
					// it could be sent twice.
					l.s.deliver(context.WithoutCancel(ctx), l.sender, m)
					l.mu.Lock()
					l.inflight--
					l.mu.Unlock()
					select {
					case l.wake <- struct{}{}:
					default:
					}
				}()
			}
		}
		if claimed > 0 && claimed == free {
			continue // there may be more
		}
		t := time.NewTimer(l.s.cfg.Poll)
		select {
		case <-ctx.Done():
		case <-l.wake:
		case <-t.C:
		}
		t.Stop()
	}
}
