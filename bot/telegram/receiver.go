package telegram

import (
	"context"
	"errors"
	"log/slog"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/clock"
)

// Dispatcher handles inbound updates (bot.Dispatcher).
type Dispatcher interface {
	Dispatch(ctx context.Context, in bot.Incoming) (bot.Result, error)
}

// maxCallbackText is Telegram's limit for answerCallbackQuery's text.
const maxCallbackText = 200

// Receiver handles updates however they arrive (poll or webhook): parse, dispatch, answer the
// pressed button.
type Receiver struct {
	client *Client
	disp   Dispatcher
	clock  clock.Clock
	log    *slog.Logger
}

// NewReceiver builds a receiver.
func NewReceiver(c *Client, d Dispatcher, clk clock.Clock, log *slog.Logger) *Receiver {
	if clk == nil {
		clk = clock.System{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Receiver{client: c, disp: d, clock: clk, log: log}
}

// Handle handles one update. It returns an error wrapping bot.ErrRetryLater when the update
// must be delivered again; anything else has been handled (or recorded as needing nothing).
func (r *Receiver) Handle(ctx context.Context, u tgbotapi.Update) error {
	p := Parse(u, r.clock.Now())
	if !p.Dispatch {
		r.log.Debug("update needs no answer", "update", u.UpdateID, "why", p.Skipped)
		r.answer(ctx, p.CallbackID, "")
		return nil
	}
	res, err := r.disp.Dispatch(ctx, p.In)
	// Every button press is answered, also a duplicate or a failure, so the client stops
	// spinning; a redelivered press is answered again.
	r.answer(ctx, p.CallbackID, res.CallbackText)
	if errors.Is(err, bot.ErrRetryLater) {
		return err
	}
	if err != nil {
		// Not retryable (an update missing its chat): retrying would fail the same way.
		r.log.Warn("update not dispatched", "update", u.UpdateID, "chat", bot.Redact(p.In.ChatID), "err", err)
	}
	return nil
}

// answer answers a callback query; failures are logged, never fatal (the query expires).
func (r *Receiver) answer(ctx context.Context, id, text string) {
	if id == "" {
		return
	}
	cfg := tgbotapi.NewCallback(id, truncate(text, maxCallbackText))
	if _, err := r.client.request(ctx, 5*time.Second, cfg); err != nil {
		r.log.Warn("button press not answered", "err", err)
	}
}

// truncate cuts s to at most n characters.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
