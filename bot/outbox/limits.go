package outbox

import (
	"math"
	"time"

	"github.com/insideaut/insidebot/bot"
)

// Limits are a channel's send rates, shared by every replica through Redis.
type Limits struct {
	// Rate is the channel's messages per second (Telegram about 30, WhatsApp 80 per number).
	Rate float64
	// ChatInterval is the steady pace to one chat (Telegram 1 s, WhatsApp about 6 s) and
	// ChatBurst how many may go at once before that pace applies.
	ChatInterval time.Duration
	ChatBurst    float64
	// Burst is the channel bucket's size; Reserve the tokens bulk traffic leaves for
	// conversations, so a broadcast never delays a reply. Zero: derived from Rate.
	Burst   float64
	Reserve float64
}

// DefaultLimits are the platforms' documented limits.
func DefaultLimits(channel string) Limits {
	switch channel {
	case bot.Telegram:
		return Limits{Rate: 30, ChatInterval: time.Second, ChatBurst: 3}
	case bot.WhatsApp:
		return Limits{Rate: 80, ChatInterval: 6 * time.Second, ChatBurst: 5}
	}
	return Limits{Rate: 200, ChatInterval: 100 * time.Millisecond, ChatBurst: 20}
}

// withDefaults fills what is zero. Bulk may burst only two messages above its reserve, so a
// broadcast goes out at Rate, not in a flood.
func (l Limits) withDefaults(channel string) Limits {
	d := DefaultLimits(channel)
	if l.Rate <= 0 {
		l.Rate = d.Rate
	}
	if l.ChatInterval <= 0 {
		l.ChatInterval = d.ChatInterval
	}
	if l.ChatBurst < 1 {
		l.ChatBurst = d.ChatBurst
	}
	if l.Reserve <= 0 {
		l.Reserve = math.Max(2, math.Ceil(l.Rate/10))
	}
	if l.Burst <= l.Reserve {
		l.Burst = l.Reserve + 2
	}
	return l
}

func (l Limits) chatRate() float64 { return float64(time.Second) / float64(l.ChatInterval) }
