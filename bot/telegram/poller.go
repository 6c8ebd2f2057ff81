package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// PollerConfig tunes long polling; zero values take the defaults.
type PollerConfig struct {
	Timeout     time.Duration // getUpdates long-poll timeout (25 s)
	Idle        time.Duration // pause after an empty batch (250 ms; the emulator does not long-poll)
	LockTTL     time.Duration // the polling lock's lifetime, renewed at a third of it (30 s)
	Standby     time.Duration // how often a standing-by replica tries to take over (5 s)
	Concurrency int           // chats handled at once within a batch (16)
	Limit       int           // updates per batch (100)
}

func (c *PollerConfig) defaults() {
	if c.Timeout == 0 {
		c.Timeout = 25 * time.Second
	}
	if c.Idle == 0 {
		c.Idle = 250 * time.Millisecond
	}
	if c.LockTTL == 0 {
		c.LockTTL = 30 * time.Second
	}
	if c.Standby == 0 {
		c.Standby = 5 * time.Second
	}
	if c.Concurrency == 0 {
		c.Concurrency = 16
	}
	if c.Limit == 0 {
		c.Limit = 100
	}
}

// Poller reads updates with getUpdates. Only one replica polls at a time (a Redis lock, renewed
// while it polls); the others stand by and take over when the lock expires. An update is
// confirmed (the next offset) only once it and every update before it were handled.
type Poller struct {
	recv  *Receiver
	redis *storage.Redis
	cfg   PollerConfig
	log   *slog.Logger
}

// NewPoller builds a poller.
func NewPoller(recv *Receiver, r *storage.Redis, cfg PollerConfig, log *slog.Logger) *Poller {
	cfg.defaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Poller{recv: recv, redis: r, cfg: cfg, log: log}
}

const pollLockKey = "telegram:poller"

// Run polls until ctx ends, standing by while another replica holds the polling lock.
func (p *Poller) Run(ctx context.Context) error {
	standingBy := false
	for {
		lock, ok, err := p.redis.TryLock(ctx, pollLockKey, p.cfg.LockTTL)
		switch {
		case err != nil:
			p.log.Warn("polling lock unavailable", "err", err)
		case ok:
			standingBy = false
			p.log.Info("telegram polling started")
			err := p.pollHolding(ctx, lock)
			_ = lock.Release(context.WithoutCancel(ctx))
			if ctx.Err() != nil {
				return ctx.Err()
			}
			p.log.Warn("telegram polling stopped, standing by", "err", err)
		case !standingBy:
			standingBy = true
			p.log.Info("another replica polls Telegram: standing by")
		}
		if err := sleep(ctx, jitter(p.cfg.Standby)); err != nil {
			return err
		}
	}
}

// pollHolding polls while the lock is ours: it renews the lock in the background and stops
// when it is lost.
func (p *Poller) pollHolding(ctx context.Context, lock *storage.Lock) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		t := time.NewTicker(p.cfg.LockTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			ok, err := lock.Extend(ctx, p.cfg.LockTTL)
			if err == nil && !ok {
				cancel(errors.New("polling lock lost"))
				return
			}
			if err != nil {
				p.log.Warn("polling lock not renewed", "err", err)
			}
		}
	}()
	if _, err := p.recv.client.request(ctx, callTimeout, tgbotapi.DeleteWebhookConfig{}); err != nil {
		p.log.Warn("deleteWebhook failed; polling anyway", "err", err)
	}
	err := p.poll(ctx)
	if c := context.Cause(ctx); c != nil && !errors.Is(c, context.Canceled) {
		return c
	}
	return err
}

// poll is the getUpdates loop.
func (p *Poller) poll(ctx context.Context) error {
	offset, failures := 0, 0
	webhookWarned := false
	for ctx.Err() == nil {
		updates, err := p.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			failures++
			var se *bot.SendError
			if errors.As(err, &se) && se.Code == http.StatusConflict {
				if !webhookWarned {
					p.log.Error("getUpdates refused (409): a webhook is set for this bot, or another program polls it. "+
						"Unset TELEGRAM_WEBHOOK_URL everywhere or stop the other poller.", "err", err)
					webhookWarned = true
				}
			} else {
				p.log.Warn("getUpdates failed, retrying", "err", err, "failures", failures)
			}
			if err := sleep(ctx, backoff(failures)); err != nil {
				break
			}
			continue
		}
		failures, webhookWarned = 0, false
		if len(updates) == 0 {
			if err := sleep(ctx, p.cfg.Idle); err != nil {
				break
			}
			continue
		}
		next, retry := p.handleBatch(ctx, updates)
		if next > offset {
			offset = next
		}
		if retry {
			failures++
			if err := sleep(ctx, backoff(failures)); err != nil {
				break
			}
		}
	}
	return ctx.Err()
}

func (p *Poller) getUpdates(ctx context.Context, offset int) ([]tgbotapi.Update, error) {
	cfg := tgbotapi.UpdateConfig{Offset: offset, Limit: p.cfg.Limit, Timeout: int(p.cfg.Timeout / time.Second), AllowedUpdates: allowedUpdates()}
	resp, err := p.recv.client.request(ctx, p.cfg.Timeout+15*time.Second, cfg)
	if err != nil {
		return nil, err
	}
	var out []tgbotapi.Update
	if err := json.Unmarshal(resp.Result, &out); err != nil {
		return nil, &bot.SendError{Class: bot.Retryable, Reason: "unreadable getUpdates answer"}
	}
	return out, nil
}

// handleBatch handles a batch: chats concurrently, each chat's updates in order. It returns the
// offset that confirms every update up to the first one that must be redelivered, and whether
// one must.
func (p *Poller) handleBatch(ctx context.Context, updates []tgbotapi.Update) (next int, retry bool) {
	groups := map[string][]tgbotapi.Update{}
	var order []string
	now := p.recv.clock.Now()
	for _, u := range updates {
		k := Parse(u, now).In.ChatID
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], u)
	}
	var (
		mu         sync.Mutex
		firstRetry = -1
		wg         sync.WaitGroup
		sem        = make(chan struct{}, p.cfg.Concurrency)
	)
	for _, k := range order {
		wg.Add(1)
		sem <- struct{}{}
		go func(batch []tgbotapi.Update) {
			defer func() { <-sem; wg.Done() }()
			for _, u := range batch {
				if err := p.recv.Handle(ctx, u); err != nil {
					p.log.Warn("update will be handled again", "update", u.UpdateID, "err", err)
					mu.Lock()
					if firstRetry < 0 || u.UpdateID < firstRetry {
						firstRetry = u.UpdateID
					}
					mu.Unlock()
					return // later updates of this chat wait for this one
				}
			}
		}(groups[k])
	}
	wg.Wait()
	if firstRetry >= 0 {
		return firstRetry, true
	}
	last := 0
	for _, u := range updates {
		last = max(last, u.UpdateID)
	}
	return last + 1, false
}

// backoff is the pause after n failures in a row: 1 s doubling up to a minute, with jitter.
func backoff(n int) time.Duration {
	d := time.Second << min(n-1, 6)
	return jitter(min(d, time.Minute))
}

// jitter spreads d by ±20 %.
func jitter(d time.Duration) time.Duration {
	return d - d/5 + time.Duration(rand.Int64N(int64(d)*2/5+1))
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
