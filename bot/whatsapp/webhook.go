package whatsapp

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// ServeHTTP is the webhook at /webhooks/whatsapp: GET is Meta's verification handshake, POST
// carries messages and delivery statuses, signed with the app secret.
func (c *Channel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		c.verify(w, r)
	case http.MethodPost:
		c.receive(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// verify answers the subscription handshake with the challenge when the verify token matches.
func (c *Channel) verify(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	token := q.Get("hub.verify_token")
	if q.Get("hub.mode") != "subscribe" || c.cfg.VerifyToken == "" ||
		subtle.ConstantTimeCompare([]byte(token), []byte(c.cfg.VerifyToken)) != 1 {
		c.metrics.webhooks.WithLabelValues("verify_refused").Inc()
		c.log.Warn("webhook verification refused")
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	c.metrics.webhooks.WithLabelValues("verified").Inc()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = io.WriteString(w, q.Get("hub.challenge"))
}

// receive checks the signature over the raw body, then handles every message and status.
// It answers 200 only when all of them were durably handled (or were duplicates); otherwise
// 500, so Meta delivers the POST again and what was done is skipped as a duplicate.
func (c *Channel) receive(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			c.refuse(w, "too_large", http.StatusRequestEntityTooLarge)
			return
		}
		c.refuse(w, "unreadable", http.StatusBadRequest)
		return
	}
	if !c.signed(body, r.Header.Get("X-Hub-Signature-256")) {
		c.log.Warn("webhook POST with a missing or wrong signature refused")
		c.refuse(w, "bad_signature", http.StatusUnauthorized)
		return
	}
	changes, err := c.decode(body)
	if err != nil {
		c.log.Warn("webhook POST is not the expected JSON", "err", shapeReason(err))
		c.refuse(w, "malformed", http.StatusBadRequest)
		return
	}
	// The work finishes even if Meta hangs up: a half-handled POST is redelivered anyway.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), webhookDeadline)
	defer cancel()
	if err := c.handle(ctx, changes); err != nil {
		c.log.Warn("webhook POST not fully handled; Meta will deliver it again", "err", err)
		c.refuse(w, "retry", http.StatusInternalServerError)
		return
	}
	c.metrics.webhooks.WithLabelValues("ok").Inc()
	w.WriteHeader(http.StatusOK)
}

func (c *Channel) refuse(w http.ResponseWriter, result string, status int) {
	c.metrics.webhooks.WithLabelValues(result).Inc()
	http.Error(w, http.StatusText(status), status)
}

// signed checks X-Hub-Signature-256: "sha256=" and the hex HMAC-SHA256 of the raw body keyed
// with the app secret, compared in constant time.
func (c *Channel) signed(body []byte, header string) bool {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok || c.cfg.AppSecret == "" {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(c.cfg.AppSecret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// handle dispatches the messages of a POST in order and records its statuses. Once an update
// of a chat must be redelivered, the chat's later updates wait for the redelivery too, so they
// are handled in order.
func (c *Channel) handle(ctx context.Context, changes []change) error {
	var failed []error
	held := map[string]bool{}
	for _, ch := range changes {
		if id := ch.phoneNumberID; id != "" && id != c.cfg.PhoneNumberID {
			c.log.Warn("webhook change for another phone number id ignored")
			continue
		}
		for _, m := range ch.messages {
			sender := m.From + "/" + m.FromUserID
			if held[sender] {
				continue
			}
			if err := c.handleMessage(ctx, m); err != nil {
				held[sender] = true
				failed = append(failed, err)
			}
		}
		for _, s := range ch.statuses {
			if err := c.handleStatus(ctx, s); err != nil {
				failed = append(failed, err)
			}
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of the POST's updates: %w", len(failed), errors.Join(failed...))
	}
	return nil
}

// handleMessage dispatches one message; it returns an error only when it must be redelivered.
func (c *Channel) handleMessage(ctx context.Context, m inMessage) error {
	key, err := c.senderKey(ctx, m)
	if err != nil {
		return err
	}
	in, ok := toIncoming(m, key, c.clock.Now())
	log := c.log.With("chat", bot.Redact(key.ChatID), "update", bot.Redact(m.ID), "type", m.Type)
	if !ok {
		log.Debug("message needs no answer")
		return nil
	}
	if err := c.touchWindow(ctx, key.ChatID, in.At); err != nil {
		return err
	}
	if in.Kind == bot.KindButton && strings.HasPrefix(in.Data, moreIDPrefix) {
		handled, err := c.showPage(ctx, in)
		if handled || err != nil {
			return err
		}
	}
	_, err = c.disp.Dispatch(ctx, in)
	switch {
	case errors.Is(err, bot.ErrRetryLater):
		return err
	case err != nil:
		// Redelivering a message without sender or id would fail the same way.
		log.Warn("message dropped", "err", err)
		return nil
	}
	if !key.Known && m.From != "" && m.FromUserID != "" {
		// The message may have linked the account (an invite code): its identity learns the
		// other id now, so a later message with either finds it.
		if _, err := storage.ResolveWhatsApp(ctx, c.db, storage.WhatsAppIDs{Phone: m.From, UserID: m.FromUserID}); err != nil {
			log.Warn("the account's other id not recorded", "err", err)
		}
	}
	return nil
}
