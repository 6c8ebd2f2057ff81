package webchat

import (
	"net/http"
	"strconv"

	"github.com/insideaut/insidebot/bot"
)

// Limit is a token bucket: Rate requests a second on average, bursts of up to Burst.
type Limit struct {
	Rate  float64
	Burst float64
}

// Limits keep the public API from being abused. Buckets live in Redis, so every replica
// shares them. Per-address limits are generous: many people may share one address (a
// reception centre's wifi); per-session limits keep one browser from flooding the bot.
type Limits struct {
	SessionPerIP     Limit // new sessions
	SendPerSession   Limit // messages and button presses
	SendPerIP        Limit
	FetchPerSession  Limit // message fetches (long polls)
	FetchPerIP       Limit
	PagePerIP        Limit // the page, its texts and the demo personas
	UploadPerSession Limit // files sent
	UploadPerIP      Limit
}

// DefaultLimits are the limits of a running service.
func DefaultLimits() Limits {
	return Limits{
		SessionPerIP:    Limit{Rate: 0.5, Burst: 30},
		SendPerSession:  Limit{Rate: 1, Burst: 10},
		SendPerIP:       Limit{Rate: 10, Burst: 60},
		FetchPerSession: Limit{Rate: 2, Burst: 20},
		FetchPerIP:      Limit{Rate: 30, Burst: 200},
		PagePerIP:       Limit{Rate: 5, Burst: 60},
		// A file is up to 20 MB: a few at once, then one every ten seconds.
		UploadPerSession: Limit{Rate: 0.1, Burst: 5},
		UploadPerIP:      Limit{Rate: 1, Burst: 30},
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	for _, p := range []struct{ got, def *Limit }{
		{&l.SessionPerIP, &d.SessionPerIP}, {&l.SendPerSession, &d.SendPerSession}, {&l.SendPerIP, &d.SendPerIP},
		{&l.FetchPerSession, &d.FetchPerSession}, {&l.FetchPerIP, &d.FetchPerIP}, {&l.PagePerIP, &d.PagePerIP},
		{&l.UploadPerSession, &d.UploadPerSession}, {&l.UploadPerIP, &d.UploadPerIP},
	} {
		if p.got.Rate <= 0 || p.got.Burst < 1 {
			*p.got = *p.def
		}
	}
	return l
}

// allow takes a token from the bucket of the session (when set) and then from that of the
// client address, for one kind of request: a session over its own limit does not use up its
// neighbours' share of the address. Over a limit it answers 429 with how long to wait and
// returns false. Addresses and sessions appear in Redis only as short hashes.
func (c *Channel) allow(w http.ResponseWriter, r *http.Request, kind string, perIP Limit, session string, perSession ...Limit) bool {
	var keys []string
	var limits []Limit
	if session != "" && len(perSession) > 0 {
		keys = append(keys, "webchat:"+kind+":session:"+bot.Redact(session))
		limits = append(limits, perSession[0])
	}
	keys = append(keys, "webchat:"+kind+":ip:"+bot.Redact(c.clientIP(r)))
	limits = append(limits, perIP)
	for i, key := range keys {
		wait, err := c.cfg.Redis.TakeToken(r.Context(), key, limits[i].Rate, limits[i].Burst, 0)
		if err != nil {
			c.log.Warn("web chat rate limit", "err", err)
			writeRetry(w, http.StatusServiceUnavailable, "retry_later", "the service is busy, try again", 0)
			return false
		}
		if wait > 0 {
			writeRetry(w, http.StatusTooManyRequests, "rate_limited",
				"too many "+kind+" requests; wait "+strconv.FormatInt(wait.Milliseconds(), 10)+" ms", wait)
			return false
		}
	}
	return true
}
