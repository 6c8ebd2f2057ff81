package main

import (
	"fmt"
	"github.com/insideaut/insidebot/figures"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/outbox"
	"github.com/insideaut/insidebot/bot/whatsapp"
)

// Config is everything insidebot reads from the environment, validated once at start.
type Config struct {
	DatabaseURL string
	RedisURL    string
	RedisPrefix string
	HTTPAddr    string
	PublicURL   string
	DataDir     string
	LogFormat   string
	LogLevel    string
	Timezone    *time.Location
	InviteTTL   time.Duration
	ResearchKey string
	// Targets are PROJECT_TARGET and TERRITORY_TARGETS: the people /stats counts against.
	Targets     figures.Targets
	BotUsername string

	TelegramToken         string
	TelegramAPIEndpoint   string
	TelegramWebhookURL    string
	TelegramWebhookSecret string

	WhatsAppToken         string
	WhatsAppPhoneNumberID string
	WhatsAppAppSecret     string
	WhatsAppVerifyToken   string
	WhatsAppAPIURL        string
	WhatsAppTemplates     whatsapp.Templates
	WhatsAppNumber        string // WHATSAPP_NUMBER: the number people write to, digits (wa.me invite links)

	Scheduler SchedulerConfig

	TelegramLimits outbox.Limits
	WhatsAppLimits outbox.Limits

	Inbound        bot.FloodLimit // INBOUND_BURST, INBOUND_INTERVAL
	TrustedProxies []netip.Prefix // TRUSTED_PROXIES
	MetricsAddr    string         // METRICS_ADDR, "off" for none
	Pprof          bool           // PPROF=on: Go's profiler on METRICS_ADDR under /debug/pprof/

	Privacy PrivacyConfig

	MediaKey        string // MEDIA_KEY: 64 hex characters (config_media.go)
	TranslateURL    string // TRANSLATE_URL
	TranslateAPIKey string // TRANSLATE_API_KEY
}

// Secrets lists the configured secret values, so logs can be scrubbed of them.
func (c Config) Secrets() []string {
	var out []string
	for _, s := range []string{c.TelegramToken, c.TelegramWebhookSecret, c.WhatsAppToken, c.WhatsAppAppSecret,
		c.WhatsAppVerifyToken, c.ResearchKey, passwordOf(c.DatabaseURL), passwordOf(c.RedisURL), c.MediaKey, c.TranslateAPIKey} {
		if len(s) >= 4 {
			out = append(out, s)
		}
	}
	return out
}

func passwordOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return ""
	}
	p, _ := u.User.Password()
	return p
}

// env reads variables through a function, so tests pass their own.
type env func(string) string

// configError names the variable that is wrong and what it expects.
type configError struct{ name, expect, got string }

func (e configError) Error() string {
	if e.got == "" {
		return fmt.Sprintf("%s: %s", e.name, e.expect)
	}
	return fmt.Sprintf("%s=%q: %s", e.name, e.got, e.expect)
}

// loadConfig builds and validates the configuration.
func loadConfig(getenv env) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		DatabaseURL:           get("DATABASE_URL", ""),
		RedisURL:              get("REDIS_URL", ""),
		RedisPrefix:           get("REDIS_PREFIX", "insidebot:"),
		HTTPAddr:              get("HTTP_ADDR", "127.0.0.1:8080"),
		DataDir:               get("DATA_DIR", "./data"),
		LogFormat:             get("LOG_FORMAT", "text"),
		LogLevel:              get("LOG_LEVEL", "info"),
		ResearchKey:           get("RESEARCH_KEY", ""),
		BotUsername:           strings.TrimPrefix(get("BOT_USERNAME", ""), "@"),
		TelegramToken:         get("TELEGRAM_BOT_TOKEN", ""),
		TelegramAPIEndpoint:   get("TELEGRAM_API_ENDPOINT", ""),
		TelegramWebhookURL:    get("TELEGRAM_WEBHOOK_URL", ""),
		TelegramWebhookSecret: get("TELEGRAM_WEBHOOK_SECRET", ""),
		WhatsAppToken:         get("WHATSAPP_ACCESS_TOKEN", ""),
		WhatsAppPhoneNumberID: get("WHATSAPP_PHONE_NUMBER_ID", ""),
		WhatsAppAppSecret:     get("WHATSAPP_APP_SECRET", ""),
		WhatsAppVerifyToken:   get("WHATSAPP_VERIFY_TOKEN", ""),
		WhatsAppAPIURL:        strings.TrimRight(get("WHATSAPP_API_URL", "https://graph.facebook.com/v21.0"), "/"),
	}
	if err := checkResearchKey(c.ResearchKey); err != nil {
		return c, err
	}
	targets, err := figures.ParseTargets(getenv("PROJECT_TARGET"), getenv("TERRITORY_TARGETS"))
	if err != nil {
		return c, configError{name: "PROJECT_TARGET or TERRITORY_TARGETS", expect: err.Error()}
	}
	c.Targets = targets
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			return c, configError{name: "DATABASE_URL", expect: "a PostgreSQL URL such as postgres://user:pass@host:5432/insidebot?sslmode=disable, or empty for the embedded SQLite"}
		}
	}
	if c.RedisURL != "" {
		u, err := url.Parse(c.RedisURL)
		if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
			return c, configError{name: "REDIS_URL", expect: "a Redis URL such as redis://host:6379/0, or empty for the embedded Redis"}
		}
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		return c, configError{name: "HTTP_ADDR", expect: "host:port, such as 127.0.0.1:8080 or :8080", got: c.HTTPAddr}
	}
	c.PublicURL = strings.TrimRight(get("PUBLIC_URL", "http://"+listenURLHost(c.HTTPAddr)), "/")
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, configError{name: "PUBLIC_URL", expect: "the public http(s) URL of this service, such as https://bot.example.org", got: c.PublicURL}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, configError{name: "LOG_FORMAT", expect: "text or json", got: c.LogFormat}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return c, configError{name: "LOG_LEVEL", expect: "debug, info, warn or error", got: c.LogLevel}
	}
	tz := get("BOT_TIMEZONE", "Europe/Rome")
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return c, configError{name: "BOT_TIMEZONE", expect: "an IANA time zone such as Europe/Rome", got: tz}
	}
	c.Timezone = loc
	ttl := get("INVITE_TTL", "336h")
	c.InviteTTL, err = time.ParseDuration(ttl)
	if err != nil || c.InviteTTL < time.Hour {
		return c, configError{name: "INVITE_TTL", expect: "a duration of at least 1h, such as 336h", got: ttl}
	}
	if c.TelegramAPIEndpoint != "" && strings.Count(c.TelegramAPIEndpoint, "%s") != 2 {
		return c, configError{name: "TELEGRAM_API_ENDPOINT", expect: "a Bot API URL with two %s, such as http://127.0.0.1:9000/bot%s/%s", got: c.TelegramAPIEndpoint}
	}
	if c.TelegramWebhookURL != "" {
		if c.TelegramToken == "" {
			return c, configError{name: "TELEGRAM_WEBHOOK_URL", expect: "needs TELEGRAM_BOT_TOKEN as well"}
		}
		if u, err := url.Parse(c.TelegramWebhookURL); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
			return c, configError{name: "TELEGRAM_WEBHOOK_URL", expect: "the public https URL of /webhooks/telegram", got: c.TelegramWebhookURL}
		}
		if len(c.TelegramWebhookSecret) < 16 || strings.Trim(c.TelegramWebhookSecret, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
			return c, configError{name: "TELEGRAM_WEBHOOK_SECRET", expect: "at least 16 characters of A-Z, a-z, 0-9, _ and - (required with TELEGRAM_WEBHOOK_URL)"}
		}
	}
	if c.WhatsAppToken != "" || c.WhatsAppPhoneNumberID != "" {
		for _, v := range []struct{ name, val string }{
			{"WHATSAPP_ACCESS_TOKEN", c.WhatsAppToken}, {"WHATSAPP_PHONE_NUMBER_ID", c.WhatsAppPhoneNumberID},
			{"WHATSAPP_APP_SECRET", c.WhatsAppAppSecret}, {"WHATSAPP_VERIFY_TOKEN", c.WhatsAppVerifyToken},
		} {
			if v.val == "" {
				return c, configError{name: v.name, expect: "required when WhatsApp is configured"}
			}
		}
		if _, err := strconv.ParseUint(c.WhatsAppPhoneNumberID, 10, 64); err != nil {
			return c, configError{name: "WHATSAPP_PHONE_NUMBER_ID", expect: "the numeric phone number id from Meta's app dashboard"}
		}
		if u, err := url.Parse(c.WhatsAppAPIURL); err != nil || u.Host == "" {
			return c, configError{name: "WHATSAPP_API_URL", expect: "the Graph API base URL, such as https://graph.facebook.com/v21.0", got: c.WhatsAppAPIURL}
		}
	}
	if c.WhatsAppNumber, err = loadWhatsAppNumber(get, c.WhatsAppToken != ""); err != nil {
		return c, err
	}
	if c.WhatsAppTemplates, err = loadWhatsAppTemplates(get); err != nil {
		return c, err
	}
	if c.Scheduler, err = loadSchedulerConfig(get); err != nil {
		return c, err
	}
	if err := loadSendLimits(&c, get); err != nil {
		return c, err
	}
	if err := loadServerConfig(&c, get); err != nil {
		return c, err
	}
	if c.Privacy, err = loadPrivacyConfig(get); err != nil {
		return c, err
	}
	if err := loadMediaConfig(&c, get); err != nil {
		return c, err
	}
	return c, nil
}

// listenURLHost turns a listen address into a host:port a browser can open.
func listenURLHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
