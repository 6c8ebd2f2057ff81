// Package webchat is the web chat channel: a page served at / (embedded, no build step) and a
// JSON API under /webchat/api/ through which a browser talks to the bot as a Telegram or
// WhatsApp user would.
//
// A browser holds a random 32-byte token that the server hands out once; the server keeps only
// the token's SHA-256, which is the session's chat id (and, once the session is linked to a
// person, the identity's external id). A message is dispatched while the browser waits; the
// bot's answers travel through the outbox to the Sender, which stores them for the page to
// fetch with a long poll.
package webchat

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/storage"
)

// Dispatcher handles an inbound update (bot.Dispatcher does).
type Dispatcher interface {
	Dispatch(ctx context.Context, in bot.Incoming) (bot.Result, error)
}

// Config wires the channel.
type Config struct {
	DB         *storage.DB
	Redis      *storage.Redis
	Dispatcher Dispatcher
	Catalog    *locales.Catalog
	Clock      clock.Clock
	Log        *slog.Logger
	// Demo, when set, lets the page switch between demo people (serve --demo). Without it the
	// demo endpoints answer 404.
	Demo   Demo
	Limits Limits
	// LongPoll is the longest a fetch waits for a new message (default and maximum 25 s).
	LongPoll time.Duration
	// Recheck is how often a waiting fetch reads the database, for messages stored by another
	// replica (default 1 s); messages stored by this process wake it at once.
	Recheck time.Duration
	// MaxWaiting bounds the fetches waiting at once in this process (default 2000); past it a
	// fetch answers at once and the page polls again.
	MaxWaiting int
	// TrustedProxies are the reverse proxies in front of the service (TRUSTED_PROXIES): only
	// from them is X-Forwarded-For believed, for the per-address limits (clientip.go).
	TrustedProxies []netip.Prefix
	// Media is the transit store of files: uploads go in, passed-on files are downloaded
	// from it (media.go). Without it the page takes no files.
	Media *media.Store
}

// maxLongPoll is the longest wait a fetch may ask for.
const maxLongPoll = 25 * time.Second

// Channel serves the page and the API, and delivers the bot's messages to sessions.
type Channel struct {
	cfg Config
	log *slog.Logger
	hub *hub
}

// New builds the channel.
func New(cfg Config) *Channel {
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.LongPoll <= 0 || cfg.LongPoll > maxLongPoll {
		cfg.LongPoll = maxLongPoll
	}
	if cfg.Recheck <= 0 {
		cfg.Recheck = time.Second
	}
	if cfg.MaxWaiting <= 0 {
		cfg.MaxWaiting = 2000
	}
	cfg.Limits = cfg.Limits.withDefaults()
	return &Channel{cfg: cfg, log: cfg.Log, hub: newHub(cfg.MaxWaiting, maxWaitsPerSession)}
}

// Mount registers the page and the API on mux.
func (c *Channel) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", c.page)
	mux.Handle("GET /webchat/static/", c.static())
	mux.HandleFunc("GET /favicon.ico", c.favicon)
	mux.HandleFunc("GET /webchat/api/ui", c.uiTexts)
	mux.HandleFunc("POST /webchat/api/session", c.createSession)
	mux.HandleFunc("POST /webchat/api/send", c.send)
	mux.HandleFunc("GET /webchat/api/messages", c.messages)
	mux.HandleFunc("POST /webchat/api/upload", c.upload)
	mux.HandleFunc("GET /webchat/api/media/{id}", c.download)
	mux.HandleFunc("GET /webchat/api/demo/personas", c.personas)
	mux.HandleFunc("POST /webchat/api/demo/session", c.demoSession)
	mux.HandleFunc("/webchat/api/", func(w http.ResponseWriter, r *http.Request) {
		if m, ok := apiMethods()[r.URL.Path]; ok {
			w.Header().Set("Allow", m)
			writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.URL.Path+" takes "+m+", not "+r.Method)
			return
		}
		writeError(w, http.StatusNotFound, "not_found", "no such endpoint: "+r.URL.Path)
	})
}

// apiMethods() is the method each API path takes, for a precise answer to the wrong one.
func apiMethods() map[string]string {
	return map[string]string{
		"/webchat/api/ui": http.MethodGet, "/webchat/api/session": http.MethodPost, "/webchat/api/send": http.MethodPost,
		"/webchat/api/messages": http.MethodGet, "/webchat/api/demo/personas": http.MethodGet,
		"/webchat/api/demo/session": http.MethodPost, "/webchat/api/upload": http.MethodPost,
	}
}
