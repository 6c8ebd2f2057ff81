// Package desk is the staff's web console, served under /desk/ on HTTP_ADDR: the hours at a
// desk that the chat commands are too small for. Staff get in without a password, through a
// one-time link from the bot's /desk command or the CLI's desk-link (desk/access holds those
// rules); a session is an HttpOnly, SameSite=Strict cookie.
//
// Pages are server-rendered html/template files embedded with their one style sheet: no
// external fonts, scripts or CDNs, and everything works without JavaScript. Every text comes
// from the locales catalogue (desk.*), in the staff member's language. Every response carries
// a strict Content-Security-Policy and no-store caching; every state change is a POST with a
// CSRF token tied to the session, checked before anything else.
//
// Adding a page: a template in templates/ (defining "content"), a handler of type HandlerFunc
// that reads through a small function of service.go (no SQL in handlers) and renders with
// Desk.render, and one line in routes() (routes.go) with its path, its nav label and the roles
// that may see it. A handler that is asked for a record outside its staff member's scope
// answers with Desk.OutOfScope (404, audited).
package desk

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/desk/access"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/figures"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/translate"
)

// Config wires the desk.
type Config struct {
	DB      *storage.DB
	Catalog *locales.Catalog
	Clock   clock.Clock
	Log     *slog.Logger
	// Domain runs every change the desk makes (the chat's own domain service): the policy,
	// the change, its audit entry and the messages it owes, in one transaction.
	Domain *domain.Service
	// Wake tells the outbox senders that a change queued messages (nil: they find them on
	// their next poll).
	Wake func()
	// PublicURL is PUBLIC_URL: login links point there, and cookies are Secure when it is https.
	PublicURL string
	// Location is BOT_TIMEZONE: times and "today" are shown in it.
	Location *time.Location
	// MessageRetention is MESSAGE_RETENTION: how long the conversations with tutors are kept
	// (720 hours when zero), which a person's page says.
	MessageRetention time.Duration
	// InviteTTL is INVITE_TTL: how long the invites of beneficiaries imported on the desk last
	// (the importer's default when zero).
	InviteTTL time.Duration
	// Targets are PROJECT_TARGET and TERRITORY_TARGETS, the people the Figures page counts
	// against (the default when zero).
	Targets figures.Targets
	// ResearchKey is RESEARCH_KEY: the Figures page's research and monitoring downloads are
	// refused while it is empty, as the CLI's and the chat's exports are.
	ResearchKey []byte
	// Invites say where invite links lead (the bot's Telegram username, the WhatsApp number,
	// PUBLIC_URL's web chat) and how long staff invites last: the Staff page's invites and the
	// QR cards of an import. PublicURL and InviteTTL default to the fields above.
	Invites domain.Links
	// Translator is the translation server (nil or disabled: none): a broadcast's page says
	// which languages it would translate the Italian text for.
	Translator *translate.Client
	// Demo, set only by serve --demo, lets /desk/demo-login open the desk as the demo's staff.
	// Without it that path does not exist.
	Demo DemoStaff
}

// DemoStaff finds the demo's staff members for /desk/demo-login (serve --demo only).
type DemoStaff interface {
	// DeskStaff returns the id of the demo's active staff member of a role (tutor,
	// coordinator), or storage.ErrNotFound.
	DeskStaff(ctx context.Context, q storage.Queryer, role string) (int64, error)
}

// Desk serves the console.
type Desk struct {
	cfg    Config
	log    *slog.Logger
	pages  map[string]*template.Template
	links  access.Links
	secure bool // cookies only over https
}

// New builds the desk; it fails only when an embedded template does not parse.
func New(cfg Config) (*Desk, error) {
	if cfg.DB == nil || cfg.Catalog == nil || cfg.Domain == nil {
		return nil, errors.New("desk: a database, a catalogue and the domain service are needed")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.MessageRetention <= 0 {
		cfg.MessageRetention = 720 * time.Hour
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.Invites.PublicURL == "" {
		cfg.Invites.PublicURL = cfg.PublicURL
	}
	if cfg.Invites.InviteTTL <= 0 {
		cfg.Invites.InviteTTL = cfg.InviteTTL
	}
	if cfg.Invites.InviteTTL <= 0 {
		cfg.Invites.InviteTTL = defaultInviteTTL
	}
	u, err := url.Parse(cfg.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("desk: PUBLIC_URL %q is not an http(s) URL", cfg.PublicURL)
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	return &Desk{cfg: cfg, log: cfg.Log, pages: pages, links: access.Links{PublicURL: cfg.PublicURL}, secure: u.Scheme == "https"}, nil
}

// Links issues login links to this desk (what the chat's /desk command and the CLI use).
func (d *Desk) Links() access.Links { return d.links }

// Mount serves the desk under /desk/ on mux.
func (d *Desk) Mount(mux *http.ServeMux) { mux.Handle("/desk/", d.Handler()) }

// Handler is the whole desk: every path under /desk/, each response with the security headers.
func (d *Desk) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range d.routes() {
		mux.Handle(rt.method+" "+rt.path, d.signedIn(rt))
	}
	mux.HandleFunc("GET /desk/login", d.loginPage)
	mux.HandleFunc("POST /desk/login", d.login)
	mux.Handle("POST /desk/logout", d.signedIn(route{method: http.MethodPost, path: "/desk/logout", roles: everyone(), handle: d.logout}))
	mux.HandleFunc("GET /desk/signed-out", d.signedOut)
	mux.Handle("GET /desk/static/", d.static())
	if d.cfg.Demo != nil {
		mux.HandleFunc("GET /desk/demo-login", d.demoLogin)
	}
	mux.HandleFunc("/desk/", d.notFound)
	return securityHeaders(mux)
}
