// Package flows holds the conversations: one file per journey (onboarding, plan, leads, labs,
// tutor, privacy, help, staff commands, broadcasts, figures), the routes that say who may use
// what (policy.go), and the engine that runs them inside the dispatcher's transaction.
package flows

import (
	"context"
	"errors"
	"github.com/insideaut/insidebot/figures"
	"log/slog"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/translate"
)

// Settings are the parts of the configuration conversations need.
type Settings struct {
	BotUsername    string         // Telegram bot username, for t.me deep links; empty when Telegram is off
	WhatsAppNumber string         // the number people write to on WhatsApp (digits), for wa.me invite links; empty when WhatsApp is off
	PublicURL      string         // where the web chat and the privacy notice are served
	Location       *time.Location // BOT_TIMEZONE: dates are read and shown in it
	InviteTTL      time.Duration  // how long an invite code is valid
	ResearchKey    []byte         // keyed hash for the research export
	// PrivacyController and PrivacyContact name who is responsible for the data and whom to
	// ask (PRIVACY_CONTROLLER, PRIVACY_CONTACT): the privacy screens show them.
	PrivacyController string
	PrivacyContact    string
	// MessageRetention is MESSAGE_RETENTION: how long the conversations with tutors are kept
	// (an access request says so); 0: the default, 30 days.
	MessageRetention time.Duration
	// Targets are the project's and the territories' targets of people (PROJECT_TARGET,
	// TERRITORY_TARGETS); the zero value means the default, 100 split across the territories.
	Targets figures.Targets
}

// Deps are what the engine needs.
type Deps struct {
	Redis    *storage.Redis
	Catalog  *locales.Catalog
	Clock    clock.Clock
	Log      *slog.Logger
	Settings Settings
	// Planner plans reminders; the service always has one (domain/reminders). Without it (tests
	// of journeys that send no reminders) nothing is planned.
	Planner domain.Planner
	// Media passes files on between people (Attach in the update's transaction); nil: none.
	Media *media.Store
	// Translator translates texts between people's languages; nil or disabled: none.
	Translator *translate.Client
	// Desk gives the chat's /desk its sign-in links (desk/access.Links); nil: /desk says the
	// desk is not available.
	Desk DeskAccess
}

// Engine runs the conversations. It implements bot.Handler.
type Engine struct {
	redis  *storage.Redis
	cat    *locales.Catalog
	clock  clock.Clock
	log    *slog.Logger
	set    Settings
	router *router
	notify *notify.Notifier
	domain *domain.Service
	media  *media.Store
	tr     *translate.Client
	desk   DeskAccess
	// stopWords and startWords are STOP and START in every language (stop.go).
	stopWords, startWords map[string]bool
	// words are the areas and "add" of staff commands in every language (words.go).
	words commandWords
	// urgentWords are the urgent words of every language, list by list (said.go).
	urgentWords [][]string
}

// New builds the engine with every journey's routes.
func New(d Deps) *Engine {
	if d.Clock == nil {
		d.Clock = clock.System{}
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Settings.Location == nil {
		d.Settings.Location = time.UTC
	}
	if d.Settings.InviteTTL == 0 {
		d.Settings.InviteTTL = 14 * 24 * time.Hour
	}
	n := notify.New(d.Catalog)
	e := &Engine{redis: d.Redis, cat: d.Catalog, clock: d.Clock, log: d.Log, set: d.Settings, notify: n,
		domain: domain.New(domain.Deps{Notifier: n, Planner: d.Planner, Redis: d.Redis, Log: d.Log, Location: d.Settings.Location}),
		media:  d.Media, tr: d.Translator, desk: d.Desk,
		stopWords: typedWords(d.Catalog, "stop.words"), startWords: typedWords(d.Catalog, "stop.start_words"),
		words: loadCommandWords(d.Catalog)}
	e.urgentWords = e.loadUrgentWords()
	e.router = &router{routes: e.routes()}
	return e
}

// Settings returns the engine's settings.
func (e *Engine) Settings() Settings { return e.set }

// links are where invites lead.
func (e *Engine) links() domain.Links {
	return domain.Links{BotUsername: e.set.BotUsername, WhatsAppNumber: e.set.WhatsAppNumber, PublicURL: e.set.PublicURL, InviteTTL: e.set.InviteTTL}
}

// Domain is the domain layer the conversations act through.
func (e *Engine) Domain() *domain.Service { return e.domain }

// Notifier renders and queues messages to people.
func (e *Engine) Notifier() *notify.Notifier { return e.notify }

// Catalog returns the message catalogue.
func (e *Engine) Catalog() *locales.Catalog { return e.cat }

// Media is the transit store of passed-on files (nil when the engine has none).
func (e *Engine) Media() *media.Store { return e.media }

// Translator is the translation client (nil or disabled when there is none).
func (e *Engine) Translator() *translate.Client { return e.tr }

// Handle runs the conversation for one update inside the dispatcher's transaction.
func (e *Engine) Handle(ctx context.Context, tx *storage.Tx, in bot.Incoming) (bot.Result, error) {
	c := &Ctx{Tx: tx, In: in, Now: e.clock.Now(), e: e}
	if err := e.resolveActor(ctx, c); err != nil {
		return bot.Result{}, err
	}
	c.L = e.localizerFor(c)
	if in.Kind == bot.KindThrottled {
		return e.slowDown(ctx, c)
	}
	key := stateKey(c)
	st, err := loadState(ctx, e.redis, key)
	if err != nil {
		return bot.Result{}, err
	}
	c.State = st
	if in.Group {
		if in.Kind == bot.KindCommand {
			return bot.Result{}, c.ReplyText(ctx, "error.private_only")
		}
		return bot.Result{}, nil
	}
	res := e.router.pick(c)
	switch {
	case res.route != nil:
		if in.Kind == bot.KindButton {
			_, c.args = notify.ParseData(in.Data)
		}
		err = res.route.Handle(ctx, c)
		if errors.Is(err, domain.ErrDenied) {
			// The domain refused and audited it: answer as a refusal, nothing changed.
			err = c.answerDenied(ctx)
		}
	case res.denied != nil:
		err = c.Deny(ctx, res.denied.action(), "", "")
	default:
		err = e.unknown(ctx, c)
	}
	if err != nil {
		return bot.Result{}, err
	}
	if c.stateChanged {
		st := c.State
		tx.AfterCommit(func() {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
			defer cancel()
			if err := saveState(sctx, e.redis, key, st); err != nil {
				e.log.Warn("conversation state not saved", "err", err)
			}
		})
	}
	return bot.Result{CallbackText: c.answer}, nil
}

// Fail answers an update whose handling failed with a short apology in the person's language.
func (e *Engine) Fail(ctx context.Context, tx *storage.Tx, in bot.Incoming) error {
	c := &Ctx{Tx: tx, In: in, Now: e.clock.Now(), e: e}
	if err := e.resolveActor(ctx, c); err != nil {
		return err
	}
	c.L = e.localizerFor(c)
	return c.ReplyText(ctx, locales.GenericErrorID)
}

// resolveActor finds who sent the update (one statement) and records that they wrote: "last
// seen" is written only when it is a minute old or more (storage.SeenAgain), so a person
// writing several messages costs no write for most of them.
func (e *Engine) resolveActor(ctx context.Context, c *Ctx) error {
	sender, err := storage.SenderByExternal(ctx, c.Tx, c.In.Channel, c.In.UserID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	ident := sender.Identity
	switch {
	case sender.Beneficiary != nil:
		b := sender.Beneficiary
		if b.Status == storage.BeneficiaryErased {
			return nil
		}
		c.Actor = domain.Actor{Identity: &ident, Beneficiary: b}
		if storage.SeenAgain(b.LastInboundAt, c.Now) {
			if err := storage.TouchBeneficiary(ctx, c.Tx, b.ID, c.Now); err != nil {
				return err
			}
		}
	case sender.Staff != nil:
		if sender.Staff.Status == "disabled" {
			return nil
		}
		c.Actor = domain.Actor{Identity: &ident, Staff: sender.Staff}
	}
	if c.In.Kind == bot.KindBlocked {
		return nil
	}
	if !storage.SeenAgain(ident.LastInboundAt, c.Now) && !ident.UnreachableAt.Valid {
		return nil
	}
	return storage.TouchIdentity(ctx, c.Tx, ident.ID, c.Now)
}

// localizerFor picks the language: the person's own, else what the platform says, else English.
func (e *Engine) localizerFor(c *Ctx) *locales.Localizer {
	switch {
	case c.Actor.Beneficiary != nil:
		return e.cat.For(c.Actor.Beneficiary.Lang)
	case c.Actor.Staff != nil:
		return e.cat.For(c.Actor.Staff.Lang)
	}
	if l := locales.Match(c.In.LangHint); l != "" {
		return e.cat.For(l)
	}
	return e.cat.For("en")
}

// unknown answers input nothing else takes, with the role's fallback (a menu and a hint).
func (e *Engine) unknown(ctx context.Context, c *Ctx) error {
	res := e.router.first(c.Actor.Role(), func(rt *Route) bool { return rt.Fallback })
	if res.route != nil {
		return res.route.Handle(ctx, c)
	}
	return c.ReplyText(ctx, "error.unknown")
}

// Unknown answers with the role's fallback: used by handlers for a stale button or input they
// cannot use.
func (c *Ctx) Unknown(ctx context.Context) error { return c.e.unknown(ctx, c) }
