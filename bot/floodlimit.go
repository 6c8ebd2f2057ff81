package bot

import (
	"context"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/storage"
)

// FloodLimit is how fast one person's updates are handled, on every channel, shared by every
// replica through Redis: Burst updates at once, then one per Interval. Past it the person is
// told once, in their language, to slow down, and what they send meanwhile is not handled
// (webhooks still answer 200, so platforms do not deliver it again). The zero value is no
// limit.
//
// The default, 10 at once and then one a second, is above what a person typing or tapping
// fast does (a short message every two or three seconds, a tap a second at most, a burst of
// a few lines), and far below a script or a stuck key: 60 messages in a second get 10
// handled.
type FloodLimit struct {
	Burst    int
	Interval time.Duration
}

// DefaultFloodLimit is the limit of a running service (INBOUND_BURST, INBOUND_INTERVAL).
func DefaultFloodLimit() FloodLimit { return FloodLimit{Burst: 10, Interval: time.Second} }

// KindThrottled is the update that tells a person to slow down: the first one over their
// limit, its content not handled.
const KindThrottled Kind = "throttled"

// floodGate applies a FloodLimit.
type floodGate struct {
	redis  *storage.Redis
	script *redis.Script // floodScript, run by its hash
	clock  clock.Clock
	limit  FloodLimit
	log    *slog.Logger
}

// floodScript is a generic cell rate algorithm over the clock's time (ARGV[1], ms): KEYS[1]
// holds the theoretical arrival time of the person's next update. Over the limit, KEYS[2]
// says the person was told; it lives until they have sent nothing over the limit for a full
// refill, so one flood gets one notice. Returns 0 (handle), 1 (drop) or 2 (drop and tell).
const floodScript = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local tat = tonumber(redis.call("GET", KEYS[1]))
if tat == nil or tat < now then tat = now end
if tat - now > (burst - 1) * interval then
  local quiet = burst * interval
  if redis.call("SET", KEYS[2], "1", "NX", "PX", quiet) then return 2 end
  redis.call("PEXPIRE", KEYS[2], quiet)
  return 1
end
tat = tat + interval
redis.call("SET", KEYS[1], tostring(tat), "PX", tat - now + interval)
return 0`

// admit decides whether an update is handled. ok is false for an update over the limit that
// is dropped; an update over the limit that must tell the person comes back as KindThrottled.
// When Redis does not answer, the update is handled: the limit protects, it never loses.
func (g *floodGate) admit(ctx context.Context, in Incoming) (Incoming, bool) {
	if g == nil || in.Kind == KindBlocked || in.Kind == KindUnblocked {
		return in, true
	}
	who := Redact(in.Channel + ":" + in.UserID)
	keys := []string{g.redis.Key("flood", who), g.redis.Key("flood", who, "told")}
	verdict, err := g.redis.Script(ctx, g.script, keys, g.clock.Now().UnixMilli(),
		g.limit.Interval.Milliseconds(), g.limit.Burst).Int()
	if err != nil {
		g.log.Warn("inbound limit unknown, update handled", "err", err)
		return in, true
	}
	switch verdict {
	case 0:
		return in, true
	case 2:
		g.log.Info("a person is sending too fast: told to slow down", "channel", in.Channel, "chat", Redact(in.ChatID))
		return Incoming{Channel: in.Channel, UpdateID: in.UpdateID, ChatID: in.ChatID, UserID: in.UserID,
			LangHint: in.LangHint, Kind: KindThrottled, Group: in.Group, At: in.At}, true
	}
	return in, false
}

func newFloodGate(cfg DispatcherConfig) *floodGate {
	if cfg.Flood.Burst < 1 || cfg.Flood.Interval <= 0 || cfg.Redis == nil {
		return nil
	}
	return &floodGate{redis: cfg.Redis, script: redis.NewScript(floodScript), clock: cfg.Clock, limit: cfg.Flood, log: cfg.Log}
}
