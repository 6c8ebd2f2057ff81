package whatsapp

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// Send delivers a queued message (bot.Sender). Inside the 24-hour window it renders the
// message within WhatsApp's limits, possibly as several Cloud API messages; outside it, or
// when WhatsApp answers 131047, the message is held (a bot.Held error) until the person writes
// again, and the first message held in a closed window sends the approved template that asks
// them to. A message with a Template and nothing else is that template, sent as it is. A
// command menu (Commands) has no WhatsApp form: nothing is sent. The provider id is the wamid
// of the last message sent.
func (c *Channel) Send(ctx context.Context, to bot.Recipient, out bot.Outgoing) (string, error) {
	if len(out.Commands) > 0 {
		return "", nil
	}
	if templateOnly(out) {
		return c.sendTemplate(ctx, to, out, "resend")
	}
	last, closed := c.windowOf(ctx, to)
	if closed || !windowOpen(last, c.clock.Now()) {
		return c.hold(ctx, to, out, last, "window")
	}
	r, err := render(out, newToken())
	if err != nil {
		return "", err
	}
	if r.list != nil {
		if err := c.saveList(ctx, to.ChatID, r.list); err != nil {
			return "", err
		}
	}
	// A message sent as several parts that failed halfway resumes where it stopped: the
	// person does not get the first parts twice.
	key := c.progressKey(to.ChatID, out)
	ids := c.progress(ctx, key)
	if len(ids) >= len(r.parts) {
		ids = nil
	}
	resumed := len(ids) > 0
	if err := c.attachMedia(ctx, r.parts, len(ids)); err != nil {
		return "", err
	}
	for i := len(ids); i < len(r.parts); i++ {
		id, err := c.sendPart(ctx, to.ChatID, r.parts[i])
		if err != nil {
			if class, _ := bot.ClassOf(err); class == bot.NeedsTemplate {
				if len(ids) > 0 {
					c.saveProgress(ctx, key, ids)
				}
				c.markClosed(ctx, to.ChatID, last)
				return c.hold(ctx, to, out, last, "reengagement")
			}
			if len(ids) > 0 {
				c.saveProgress(ctx, key, ids)
			}
			return "", err
		}
		ids = append(ids, id)
	}
	if resumed {
		c.clearProgress(ctx, key)
	}
	c.mediaDelivered(ctx, out)
	c.keepFallback(ctx, to, out, ids, last)
	return ids[len(ids)-1], nil
}

// sendPart uploads a part's file, if any, and sends the part.
func (c *Channel) sendPart(ctx context.Context, chatID string, p part) (string, error) {
	m := p.msg
	if p.file != nil {
		id, err := c.api.uploadMedia(ctx, *p.file)
		if err != nil {
			return "", err
		}
		if m.Image != nil {
			img := *m.Image
			img.ID, m.Image = id, &img
		} else {
			doc := *m.Document
			doc.ID, m.Document = id, &doc
		}
	}
	m.address(chatID)
	return c.api.sendMessage(ctx, m)
}

// sendTemplate sends a template-only message; reason labels the metric.
func (c *Channel) sendTemplate(ctx context.Context, to bot.Recipient, out bot.Outgoing, reason string) (string, error) {
	m, err := c.cfg.Templates.message(*out.Template, out.Lang)
	if err != nil {
		return "", err
	}
	m.address(to.ChatID)
	id, err := c.api.sendMessage(ctx, m)
	if err != nil {
		var se *bot.SendError
		if errors.As(err, &se) && se.Class == bot.NeedsTemplate {
			// A template refused as if it were free-form: it is not approved for this use.
			return "", &bot.SendError{Class: bot.Permanent, Code: se.Code, Reason: "template " + m.Template.Name + " refused outside the 24-hour window"}
		}
		return "", err
	}
	c.metrics.templates.WithLabelValues(reason).Inc()
	c.log.Debug("template sent", "chat", bot.Redact(to.ChatID), "template", m.Template.Name, "reason", reason)
	return id, nil
}

// keepFallback remembers, under each wamid, the message itself until WhatsApp reports it
// delivered: if it reports instead that it failed outside the window, the message is queued
// again and held. Losing it only loses that second chance.
func (c *Channel) keepFallback(ctx context.Context, to bot.Recipient, out bot.Outgoing, ids []string, last time.Time) {
	payload, err := out.Encode()
	if err == nil {
		err = storage.SaveTemplateFallback(ctx, c.db, storage.NewTemplateFallback{ProviderIDs: ids, ChatID: to.ChatID,
			IdentityID: to.IdentityID, Payload: payload, WindowEndsAt: last.Add(window)}, c.clock.Now())
	}
	if err != nil {
		c.log.Warn("template fallback not kept", "chat", bot.Redact(to.ChatID), "err", err)
	}
}

func newToken() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (c *Channel) saveList(ctx context.Context, chatID string, l *choiceList) error {
	payload, err := json.Marshal(l)
	if err != nil {
		return &bot.SendError{Class: bot.Permanent, Reason: "list of choices cannot be encoded"}
	}
	if err := storage.SaveChoiceList(ctx, c.db, storage.ChoiceList{ChatID: chatID, Token: l.Token, Payload: string(payload),
		UpdatedAt: c.clock.Now()}); err != nil {
		return &bot.SendError{Class: bot.Retryable, Reason: "list of choices not stored: database unavailable"}
	}
	return nil
}

func (c *Channel) progressKey(chatID string, out bot.Outgoing) string {
	payload, _ := out.Encode()
	sum := sha256.Sum256([]byte(chatID + "\x00" + payload))
	return c.redis.Key("wa", "progress", hex.EncodeToString(sum[:12]))
}

// progress returns the wamids of the parts already sent of a message that failed halfway.
func (c *Channel) progress(ctx context.Context, key string) []string {
	v, err := c.redis.Client().Get(ctx, key).Result()
	if err != nil {
		if !errors.Is(err, redis.Nil) {
			c.log.Warn("progress of a message in parts unknown", "err", err)
		}
		return nil
	}
	return strings.Split(v, "\n")
}

func (c *Channel) saveProgress(ctx context.Context, key string, ids []string) {
	if err := c.redis.Client().Set(ctx, key, strings.Join(ids, "\n"), progressTTL).Err(); err != nil {
		c.log.Warn("progress of a message in parts not saved", "err", err)
	}
}

func (c *Channel) clearProgress(ctx context.Context, key string) {
	if err := c.redis.Client().Del(ctx, key).Err(); err != nil {
		c.log.Warn("progress of a message in parts not cleared", "err", err)
	}
}
