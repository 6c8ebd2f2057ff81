package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/telegram"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/flows"
	"github.com/insideaut/insidebot/locales"
)

// webhookMaxConnections is how many webhook calls Telegram may make at once.
const webhookMaxConnections = 40

// connectTelegram reaches the Bot API when TELEGRAM_BOT_TOKEN is set: getMe checks the token
// and gives the bot's username for deep links. Without a token there is no Telegram.
func (a *app) connectTelegram(ctx context.Context) error {
	if a.cfg.TelegramToken == "" {
		return nil
	}
	c, err := telegram.NewClient(ctx, a.cfg.TelegramToken, a.cfg.TelegramAPIEndpoint, nil)
	if err != nil {
		return fmt.Errorf("TELEGRAM_BOT_TOKEN: cannot reach the bot (check the token and TELEGRAM_API_ENDPOINT): %w", err)
	}
	a.telegram = c
	return nil
}

// wireTelegram gives the outbox the Telegram sender and starts receiving: the webhook on
// /webhooks/telegram when TELEGRAM_WEBHOOK_URL is set, long polling otherwise. At start it sets
// the beneficiaries' command menu in every language.
func (a *app) wireTelegram() {
	if a.telegram == nil {
		return
	}
	log := a.log.With("component", "telegram")
	recv := telegram.NewReceiver(a.telegram, a.dispatcher, a.clock, log)
	a.senders = append(a.senders, telegram.NewSender(a.telegram, log).WithMedia(a.media))
	a.media.Register(bot.Telegram, a.telegram)
	if a.cfg.TelegramWebhookURL != "" {
		a.mux.Handle("POST "+telegram.WebhookPath, telegram.NewWebhook(recv, a.cfg.TelegramWebhookSecret, log))
		a.runners = append(a.runners, runner{name: "telegram-webhook", run: func(ctx context.Context) error {
			return a.registerWebhook(ctx, log)
		}})
	} else {
		poller := telegram.NewPoller(recv, a.redis, telegram.PollerConfig{}, log)
		a.runners = append(a.runners, runner{name: "telegram-poller", run: poller.Run})
	}
	a.runners = append(a.runners, runner{name: "telegram-menus", run: func(ctx context.Context) error {
		a.telegram.SetDefaultMenus(ctx, beneficiaryMenus(a.engine, a.catalog), log)
		return nil
	}})
}

// registerWebhook calls setWebhook until Telegram accepts it.
func (a *app) registerWebhook(ctx context.Context, log *slog.Logger) error {
	wait := time.Second
	for {
		err := a.telegram.SetWebhook(ctx, a.cfg.TelegramWebhookURL, a.cfg.TelegramWebhookSecret, webhookMaxConnections)
		if err == nil {
			log.Info("telegram webhook registered")
			return nil
		}
		log.Warn("setWebhook failed, retrying", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, time.Minute)
	}
}

// beneficiaryMenus is the default command menu of private chats in each language (English for
// languages Telegram's client reports that are not ours). Staff menus are set per chat.
func beneficiaryMenus(e *flows.Engine, cat *locales.Catalog) []telegram.Menu {
	menus := []telegram.Menu{{Lang: "", Commands: e.Menu(domain.RoleBeneficiary, cat.For("en"))}}
	for _, l := range locales.Languages() {
		menus = append(menus, telegram.Menu{Lang: l.Code, Commands: e.Menu(domain.RoleBeneficiary, cat.For(l.Code))})
	}
	return menus
}
