package whatsapp

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/insideaut/insidebot/bot"
)

// The 24-hour window starts when the user last wrote. The outbox knows it for linked people
// (Recipient.LastInbound); the webhook also keeps it per chat in Redis for 24 hours, so a
// chat not linked to anyone yet (onboarding) gets free-form replies too. Losing it costs a
// template instead of a free-form message, nothing more.

// touchInbound keeps the latest inbound time only (redeliveries arrive late and out of order).
const touchInbound = `local cur = redis.call("GET", KEYS[1])
if cur and tonumber(cur) >= tonumber(ARGV[1]) then return 0 end
redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
return 1`

func (c *Channel) inboundKey(chatID string) string { return c.redis.Key("wa", "inbound", chatID) }

// touchWindow records that chatID wrote at at.
func (c *Channel) touchWindow(ctx context.Context, chatID string, at time.Time) {
	ttl := at.Add(window).Sub(c.clock.Now())
	if ttl <= 0 {
		return
	}
	err := c.redis.Client().Eval(ctx, touchInbound, []string{c.inboundKey(chatID)}, at.UnixMilli(), ttl.Milliseconds()).Err()
	if err != nil {
		c.log.Warn("24-hour window not recorded", "chat", bot.Redact(chatID), "err", err)
	}
}

// lastInbound is when the recipient last wrote, as far as anyone knows (zero: never).
func (c *Channel) lastInbound(ctx context.Context, to bot.Recipient) time.Time {
	last := to.LastInbound
	ms, err := c.redis.Client().Get(ctx, c.inboundKey(to.ChatID)).Result()
	if err != nil {
		if !errors.Is(err, redis.Nil) {
			c.log.Warn("24-hour window unknown, using the outbox's", "chat", bot.Redact(to.ChatID), "err", err)
		}
		return last
	}
	if n, err := strconv.ParseInt(ms, 10, 64); err == nil {
		if t := time.UnixMilli(n).UTC(); t.After(last) {
			last = t
		}
	}
	return last
}

// windowOpen tells whether a free-form message may be sent at now to someone who last wrote
// at last.
func windowOpen(last, now time.Time) bool {
	return !last.IsZero() && now.Before(last.Add(window-windowMargin))
}
