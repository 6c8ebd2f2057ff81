package whatsapp

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/storage"
)

// The channel is both of these.
var (
	_ bot.Sender   = (*Channel)(nil)
	_ http.Handler = (*Channel)(nil)
)

// Config is the WhatsApp part of the service configuration.
type Config struct {
	APIURL        string // WHATSAPP_API_URL, without a trailing slash
	PhoneNumberID string // WHATSAPP_PHONE_NUMBER_ID
	AccessToken   string // WHATSAPP_ACCESS_TOKEN
	AppSecret     string // WHATSAPP_APP_SECRET: signs the webhook's POSTs
	VerifyToken   string // WHATSAPP_VERIFY_TOKEN: the webhook's verification handshake
	Templates     Templates
}

// Dispatcher handles an inbound update (bot.Dispatcher).
type Dispatcher interface {
	Dispatch(ctx context.Context, in bot.Incoming) (bot.Result, error)
}

// Deps are what the channel works with.
type Deps struct {
	DB         *storage.DB
	Redis      *storage.Redis
	Dispatcher Dispatcher
	Clock      clock.Clock
	Log        *slog.Logger
	Metrics    prometheus.Registerer // nil: not exported
	HTTPClient *http.Client          // nil: NewHTTPClient()
	Wake       func()                // tells the outbox there is new work; may be nil
	Media      *media.Store          // passed-on files (media.go); nil: none in this process
}

// Channel is the WhatsApp Cloud API channel. It is the webhook (an http.Handler for
// /webhooks/whatsapp) and the outbox's bot.Sender for channel "whatsapp".
type Channel struct {
	cfg     Config
	db      *storage.DB
	redis   *storage.Redis
	disp    Dispatcher
	clock   clock.Clock
	log     *slog.Logger
	api     *client
	wake    func()
	metrics metrics
	media   *media.Store
}

// Timings of the channel.
const (
	window          = 24 * time.Hour  // free-form messages are allowed this long after the user wrote
	windowMargin    = 2 * time.Minute // ...less this, so a message queued at the edge is not refused
	fallbackTTL     = 7 * 24 * time.Hour
	listTTL         = 30 * 24 * time.Hour
	progressTTL     = 24 * time.Hour
	housekeepEvery  = time.Hour
	maxWebhookBody  = 1 << 20
	webhookDeadline = 25 * time.Second
)

// New builds the channel.
func New(cfg Config, d Deps) *Channel {
	if d.Clock == nil {
		d.Clock = clock.System{}
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.HTTPClient == nil {
		d.HTTPClient = NewHTTPClient()
	}
	if d.Wake == nil {
		d.Wake = func() {}
	}
	c := &Channel{
		cfg: cfg, db: d.DB, redis: d.Redis, disp: d.Dispatcher, clock: d.Clock, log: d.Log, wake: d.Wake,
		api:     &client{base: cfg.APIURL, phoneID: cfg.PhoneNumberID, token: cfg.AccessToken, http: d.HTTPClient},
		metrics: newMetrics(d.Metrics),
		media:   d.Media,
	}
	c.api.contact = c.learnContact
	return c
}

// Channel names the channel this sender serves.
func (c *Channel) Channel() string { return bot.WhatsApp }

// Run does the channel's housekeeping until ctx ends: it forgets template fallbacks older than
// a week (Meta reports a failure within hours) and lists of choices not shown for 30 days.
func (c *Channel) Run(ctx context.Context) error {
	t := time.NewTicker(housekeepEvery)
	defer t.Stop()
	for {
		c.housekeep(ctx)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (c *Channel) housekeep(ctx context.Context) {
	now := c.clock.Now()
	if _, err := storage.PurgeTemplateFallbacks(ctx, c.db, now.Add(-fallbackTTL)); err != nil {
		c.log.Warn("purge template fallbacks", "err", err)
	}
	if _, err := storage.PurgeChoiceLists(ctx, c.db, now.Add(-listTTL)); err != nil {
		c.log.Warn("purge lists of choices", "err", err)
	}
}

type metrics struct {
	statuses  *prometheus.CounterVec
	templates *prometheus.CounterVec
	webhooks  *prometheus.CounterVec
	dropped   *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) metrics {
	m := metrics{
		statuses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "insidebot_whatsapp_statuses_total", Help: "WhatsApp delivery statuses received, by status.",
		}, []string{"status"}),
		templates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "insidebot_whatsapp_templates_total",
			Help: "Templates sent, by reason: window (the user wrote over 24 h ago: one per closed window, messages held), reengagement (131047 on send), resend (a template queued as such).",
		}, []string{"reason"}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "insidebot_whatsapp_webhook_requests_total", Help: "WhatsApp webhook requests, by result.",
		}, []string{"result"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "insidebot_whatsapp_webhook_dropped_total",
			Help: "Elements of signed webhook POSTs left out because the bot cannot use them, by element (message, status, contact, change, entry).",
		}, []string{"element"}),
	}
	if reg != nil {
		reg.MustRegister(m.statuses, m.templates, m.webhooks, m.dropped)
	}
	return m
}
