package main

import (
	"strconv"
	"time"

	"github.com/insideaut/insidebot/bot/outbox"
)

// loadSendLimits reads the channels' send rates: the whole channel's messages per second and
// the pace to one chat (an interval and a burst). Defaults are the platforms' limits.
func loadSendLimits(c *Config, get func(name, def string) string) error {
	var err error
	if c.TelegramLimits, err = channelLimits(get, "TELEGRAM", outbox.DefaultLimits("telegram")); err != nil {
		return err
	}
	c.WhatsAppLimits, err = channelLimits(get, "WHATSAPP", outbox.DefaultLimits("whatsapp"))
	return err
}

func channelLimits(get func(name, def string) string, prefix string, def outbox.Limits) (outbox.Limits, error) {
	l := def
	rate := get(prefix+"_RATE", strconv.FormatFloat(def.Rate, 'f', -1, 64))
	r, err := strconv.ParseFloat(rate, 64)
	if err != nil || r <= 0 || r > 10000 {
		return l, configError{name: prefix + "_RATE", expect: "messages per second for the whole channel, a number above 0 such as 30", got: rate}
	}
	l.Rate = r
	interval := get(prefix+"_CHAT_INTERVAL", def.ChatInterval.String())
	d, err := time.ParseDuration(interval)
	if err != nil || d < 10*time.Millisecond || d > time.Hour {
		return l, configError{name: prefix + "_CHAT_INTERVAL", expect: "the steady pace to one chat, a duration such as 1s or 6s", got: interval}
	}
	l.ChatInterval = d
	burst := get(prefix+"_CHAT_BURST", strconv.FormatFloat(def.ChatBurst, 'f', -1, 64))
	b, err := strconv.Atoi(burst)
	if err != nil || b < 1 || b > 100 {
		return l, configError{name: prefix + "_CHAT_BURST", expect: "how many messages may go to one chat at once, 1 to 100", got: burst}
	}
	l.ChatBurst = float64(b)
	return l, nil
}
