package main

import (
	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/outbox"
)

// wireOutbox starts the senders of every channel wired before it, and points a.wake at them.
func (a *app) wireOutbox() {
	cfg := outbox.Config{DB: a.db, Redis: a.redis, Senders: a.senders, Clock: a.clock, Log: a.log.With("component", "outbox"),
		Metrics: a.metrics, Limits: map[string]outbox.Limits{bot.Telegram: a.cfg.TelegramLimits, bot.WhatsApp: a.cfg.WhatsAppLimits},
		// A contact that blocked the bot: its tutor is told. A broadcast message done: its
		// author hears of the progress and, at the end, the report.
		Unreachable: a.engine.IdentityUnreachable, BroadcastMessageDone: a.engine.Domain().BroadcastProgress}
	// With TRANSLATE_URL, what people wrote in another language is translated as it goes.
	if a.translator.Enabled() {
		cfg.Translator = a.translator
	}
	svc := outbox.New(cfg)
	a.wake = svc.Wake
	a.runners = append(a.runners, runner{name: "outbox", run: svc.Run})
}
