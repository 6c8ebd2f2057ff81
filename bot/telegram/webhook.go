package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// WebhookPath is where Telegram delivers updates in webhook mode.
const WebhookPath = "/webhooks/telegram"

// maxWebhookBody bounds an update's size (Telegram's are a few KiB).
const maxWebhookBody = 1 << 20

// secretHeader carries the secret given to setWebhook.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Webhook receives updates Telegram posts. It answers 200 only once the update is durably
// handled, 503 when it must come again (Telegram retries), 401 without the right secret.
type Webhook struct {
	recv   *Receiver
	secret []byte
	log    *slog.Logger
	warned atomic.Bool
}

// NewWebhook builds the handler; secret is TELEGRAM_WEBHOOK_SECRET.
func NewWebhook(recv *Receiver, secret string, log *slog.Logger) *Webhook {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Webhook{recv: recv, secret: []byte(secret), log: log}
}

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	got := []byte(r.Header.Get(secretHeader))
	if len(h.secret) == 0 || subtle.ConstantTimeCompare(got, h.secret) != 1 {
		if h.warned.CompareAndSwap(false, true) {
			h.log.Warn("telegram webhook called without the right secret (logged once)", "remote", r.RemoteAddr)
		}
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		http.Error(w, "update too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	var u tgbotapi.Update
	if err := json.Unmarshal(body, &u); err != nil {
		http.Error(w, "malformed update", http.StatusBadRequest)
		return
	}
	// Telegram waits for the answer; handling outlives a client that hangs up, so a
	// half-handled update is not left for a retry to find.
	if err := h.recv.Handle(context.WithoutCancel(r.Context()), u); err != nil {
		h.log.Warn("webhook update will be redelivered", "update", u.UpdateID, "err", err)
		w.Header().Set("Retry-After", "5")
		http.Error(w, "retry later", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// SetWebhook registers url with Telegram, with the secret Telegram must send back.
// go-telegram-bot-api's WebhookConfig has no secret_token, so the call is made by hand.
func (c *Client) SetWebhook(ctx context.Context, url, secret string, maxConnections int) error {
	allowed, err := json.Marshal(allowedUpdates())
	if err != nil {
		return err
	}
	params := tgbotapi.Params{"url": url, "secret_token": secret, "max_connections": strconv.Itoa(maxConnections),
		"allowed_updates": string(allowed)}
	_, err = c.raw(ctx, callTimeout, "setWebhook", params)
	return err
}
