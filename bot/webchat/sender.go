package webchat

import (
	"context"
	"strconv"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// Sender delivers the bot's messages to web-chat sessions: it stores them for the page, which
// fetches them, and wakes the page's waiting fetch.
type Sender struct{ c *Channel }

// Sender returns the channel's sender, for the outbox.
func (c *Channel) Sender() *Sender { return &Sender{c: c} }

// Channel is bot.Webchat.
func (s *Sender) Channel() string { return bot.Webchat }

// Send stores a message for the session to.ChatID and returns its id. A change of command menu
// (out.Commands) has nothing to show on the page: it succeeds without storing anything.
func (s *Sender) Send(ctx context.Context, to bot.Recipient, out bot.Outgoing) (string, error) {
	if len(out.Commands) > 0 {
		return "", nil
	}
	if out.Media != nil {
		if err := s.prepareMedia(ctx, to.ChatID, out.Media); err != nil {
			return "", err
		}
	}
	payload, err := out.Encode()
	if err != nil {
		return "", &bot.SendError{Class: bot.Permanent, Reason: "message cannot be encoded"}
	}
	id, err := storage.AppendWebchat(ctx, s.c.cfg.DB, to.ChatID, payload, s.c.cfg.Clock.Now())
	if err != nil {
		s.c.log.Warn("store web chat message", "chat", bot.Redact(to.ChatID), "err", err)
		return "", &bot.SendError{Class: bot.Retryable, Reason: "web chat message not stored"}
	}
	s.c.hub.notify(to.ChatID)
	return strconv.FormatInt(id, 10), nil
}
