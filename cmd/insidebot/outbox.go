package main

import (
	"context"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/outbox"
	"github.com/insideaut/insidebot/storage"
)

// Journeys that react to deliveries implement these on the engine: the beneficiary journey
// alerts the tutor when a person blocks the bot; the staff journey follows a broadcast's
// progress. They are wired when the engine has them.
type (
	identityUnreachable interface {
		IdentityUnreachable(ctx context.Context, q storage.Queryer, identityID int64, now time.Time) error
	}
	broadcastProgress interface {
		BroadcastProgress(ctx context.Context, q storage.Queryer, broadcastID int64, now time.Time) error
	}
)

// wireOutbox starts the senders of every channel wired before it, and points a.wake at them.
func (a *app) wireOutbox() {
	cfg := outbox.Config{DB: a.db, Redis: a.redis, Senders: a.senders, Clock: a.clock, Log: a.log.With("component", "outbox"),
		Metrics: a.metrics, Limits: map[string]outbox.Limits{bot.Telegram: a.cfg.TelegramLimits, bot.WhatsApp: a.cfg.WhatsAppLimits}}
	if h, ok := any(a.engine).(identityUnreachable); ok {
		cfg.Unreachable = h.IdentityUnreachable
	}
	if h, ok := any(a.engine).(broadcastProgress); ok {
		cfg.BroadcastMessageDone = h.BroadcastProgress
	}
	svc := outbox.New(cfg)
	a.wake = svc.Wake
	a.runners = append(a.runners, runner{name: "outbox", run: svc.Run})
}
