package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// The 24-hour window starts when the user last wrote. The outbox knows it for linked people
// (Recipient.LastInbound); the webhook also keeps it per chat in Redis for 24 hours, so a
// chat not linked to anyone yet (onboarding) gets free-form replies too. WhatsApp may say a
// window is closed that looks open (131047): that is kept in Redis as well, until the person
// writes again. Losing either costs at most a refused send, and the message is held then.
//
// Messages owed while a window is closed are held in the outbox, in order, and one template
// tells the person there is something for them (whatsapp_windows remembers which window it
// was sent for); when they write again, the chat's held messages go.

// touchInbound keeps the latest inbound time only (redeliveries arrive late and out of order).
const touchInbound = `local cur = redis.call("GET", KEYS[1])
if cur and tonumber(cur) >= tonumber(ARGV[1]) then return 0 end
redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
return 1`

func (c *Channel) inboundKey(chatID string) string { return c.redis.Key("wa", "inbound", chatID) }
func (c *Channel) closedKey(chatID string) string  { return c.redis.Key("wa", "closed", chatID) }

// touchWindow records that chatID wrote at at, and releases the messages held for the chat.
// It fails only when they could not be released (the update is then delivered again).
func (c *Channel) touchWindow(ctx context.Context, chatID string, at time.Time) error {
	if ttl := at.Add(window).Sub(c.clock.Now()); ttl > 0 {
		err := c.redis.Client().Eval(ctx, touchInbound, []string{c.inboundKey(chatID)}, at.UnixMilli(), ttl.Milliseconds()).Err()
		if err != nil {
			c.log.Warn("24-hour window not recorded", "chat", bot.Redact(chatID), "err", err)
		}
	}
	released, err := storage.ReleaseHeld(ctx, c.db, storage.ChatKey(bot.WhatsApp, chatID))
	if err != nil {
		return fmt.Errorf("%w: %w", bot.ErrRetryLater, err)
	}
	if released {
		c.log.Info("the person wrote: held messages released", "chat", bot.Redact(chatID))
		c.wake()
	}
	return nil
}

// windowOf is when the recipient last wrote, as far as anyone knows (zero: never), and
// whether WhatsApp said the window that opened then is closed.
func (c *Channel) windowOf(ctx context.Context, to bot.Recipient) (last time.Time, closed bool) {
	last = to.LastInbound
	vals, err := c.redis.Client().MGet(ctx, c.inboundKey(to.ChatID), c.closedKey(to.ChatID)).Result()
	if err != nil {
		if !errors.Is(err, redis.Nil) {
			c.log.Warn("24-hour window unknown, using the outbox's", "chat", bot.Redact(to.ChatID), "err", err)
		}
		return last, false
	}
	if t, ok := millis(vals[0]); ok && t.After(last) {
		last = t
	}
	if t, ok := millis(vals[1]); ok && !t.Before(last) {
		closed = true
	}
	return last, closed
}

func millis(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(n).UTC(), true
}

// markClosed records that WhatsApp refused a free-form message to a chat whose person last
// wrote at last: that window is closed, whatever the clock says.
func (c *Channel) markClosed(ctx context.Context, chatID string, last time.Time) {
	if err := c.redis.Client().Set(ctx, c.closedKey(chatID), last.UnixMilli(), window).Err(); err != nil {
		c.log.Warn("closed window not recorded", "chat", bot.Redact(chatID), "err", err)
	}
}

// windowOpen tells whether a free-form message may be sent at now to someone who last wrote
// at last.
func windowOpen(last, now time.Time) bool {
	return !last.IsZero() && now.Before(last.Add(window-windowMargin))
}

// hold keeps a message for a person whose window is closed: the first message held in a window
// sends the template that tells them to write (its own template for a reminder, else the
// generic notification), the others nothing. It returns the Held error the outbox holds the
// chat on, or an error to try again later.
func (c *Channel) hold(ctx context.Context, to bot.Recipient, out bot.Outgoing, last time.Time, reason string) (string, error) {
	held := &bot.SendError{Class: bot.Held, Reason: "outside the 24-hour window: held until the person writes"}
	now := c.clock.Now()
	first, err := storage.NoteWindowClosed(ctx, c.db, to.ChatID, last, now)
	if err != nil {
		return "", &bot.SendError{Class: bot.Retryable, Reason: "closed window not recorded: database unavailable"}
	}
	if !first {
		return "", held
	}
	if _, err := c.sendTemplate(ctx, to, templateOf(out), reason); err != nil {
		if class, _ := bot.ClassOf(err); class == bot.Permanent {
			// Nothing to tell them with: the messages still wait for them.
			c.log.Error("closed window not announced", "chat", bot.Redact(to.ChatID), "err", err)
			return "", held
		}
		if ferr := storage.ForgetWindowNote(ctx, c.db, to.ChatID, last); ferr != nil {
			c.log.Warn("closed window note not undone", "chat", bot.Redact(to.ChatID), "err", ferr)
		}
		return "", err
	}
	return "", held
}
