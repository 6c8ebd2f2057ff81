// Package flowtest drives whole conversations through the real dispatcher and engine, against
// PostgreSQL (or SQLite) and the real Redis, with a clock the test moves. A Chat is one person
// on one channel: send text, commands and button presses, and read what the bot queued for
// that chat.
package flowtest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/bot/scheduler"
	"github.com/insideaut/insidebot/desk/access"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/domain/reminders"
	"github.com/insideaut/insidebot/flows"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
	"github.com/insideaut/insidebot/translate"
)

// Start is the harness clock's first reading: Monday 1 December 2025, 10:00 in Rome.
var Start = time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC)

// Harness is a running bot without channels.
type Harness struct {
	T          testing.TB
	DB         *storage.DB
	Redis      *storage.Redis
	Clock      *clock.Fake
	Catalog    *locales.Catalog
	Engine     *flows.Engine
	Dispatcher *bot.Dispatcher
	Rome       *time.Location
	// Planner plans reminders in the journeys' transactions, as in the service (default
	// REMINDER_OFFSETS, QUIET_HOURS...); Scheduler sends them when RunScheduler is called.
	Planner *reminders.Planner
	// SchedulerConfig is the scheduler's configuration the planner was built from.
	SchedulerConfig scheduler.Config
	Scheduler       *scheduler.Scheduler
	// Domain is the engine's domain layer (actions called outside a conversation).
	Domain *domain.Service
	// Media is the transit store of passed-on files (a key of the test's own).
	Media *media.Store
	seq   atomic.Int64

	fallbackMu sync.Mutex
	fallbacks  []string
	failed     atomic.Int64
	flood      bot.FloodLimit
	tr         *translate.Client
}

// Failed is how many updates the engine failed to handle and answered with the apology
// ("Sorry, something went wrong"): a bug, a database error or a panic in a journey.
func (h *Harness) Failed() int64 { return h.failed.Load() }

// failCounter is the engine, counting the updates it fails.
type failCounter struct {
	*flows.Engine
	n *atomic.Int64
}

func (f failCounter) Fail(ctx context.Context, tx *storage.Tx, in bot.Incoming) error {
	f.n.Add(1)
	return f.Engine.Fail(ctx, tx, in)
}

// Fallbacks lists the messages rendered so far from a language other than the one asked for
// ("fr plan.title from en"): a journey complete in a language shows none.
func (h *Harness) Fallbacks() []string {
	h.fallbackMu.Lock()
	defer h.fallbackMu.Unlock()
	return append([]string(nil), h.fallbacks...)
}

func (h *Harness) recordFallback(lang, id, from string) {
	h.fallbackMu.Lock()
	defer h.fallbackMu.Unlock()
	h.fallbacks = append(h.fallbacks, lang+" "+id+" from "+from)
}

// Option changes the harness.
type Option func(*options)

type options struct {
	sqlite    bool
	settings  func(*flows.Settings)
	scheduler func(*scheduler.Config)
	flood     bot.FloodLimit
	tr        *translate.Client
}

// WithFloodLimit gives the dispatcher a per-person inbound limit (none by default).
func WithFloodLimit(l bot.FloodLimit) Option { return func(o *options) { o.flood = l } }

// WithTranslator gives the engine a translation client (a fake LibreTranslate's).
func WithTranslator(tr *translate.Client) Option { return func(o *options) { o.tr = tr } }

// SQLite runs the harness on SQLite instead of PostgreSQL.
func SQLite() Option { return func(o *options) { o.sqlite = true } }

// WithSettings changes the engine's settings.
func WithSettings(f func(*flows.Settings)) Option { return func(o *options) { o.settings = f } }

// WithScheduler changes the scheduler's configuration (offsets, quiet hours...).
func WithScheduler(f func(*scheduler.Config)) Option { return func(o *options) { o.scheduler = f } }

// New starts a harness.
func New(t testing.TB, opts ...Option) *Harness {
	t.Helper()
	var o options
	for _, f := range opts {
		f(&o)
	}
	var db *storage.DB
	if o.sqlite {
		db = storagetest.SQLite(t)
	} else {
		db, _ = storagetest.Postgres(t)
	}
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	h := &Harness{T: t, DB: db, Redis: storagetest.Redis(t), Clock: clock.NewFake(Start), Rome: rome, flood: o.flood, tr: o.tr}
	cat, err := locales.LoadWith(nil, h.recordFallback)
	if err != nil {
		t.Fatal(err)
	}
	h.Catalog = cat
	set := flows.Settings{BotUsername: "insidebot_test_bot", PublicURL: "https://insidebot.example", Location: rome,
		InviteTTL: 14 * 24 * time.Hour, ResearchKey: []byte("test-research-key")}
	if o.settings != nil {
		o.settings(&set)
	}
	sc := scheduler.DefaultConfig()
	sc.Location = set.Location
	if o.scheduler != nil {
		o.scheduler(&sc)
	}
	h.SchedulerConfig = sc
	h.Planner = scheduler.NewPlanner(sc)
	if h.Media, err = media.New(media.Config{DB: db, Redis: h.Redis, Key: []byte("flowtest-media-key-32-bytes-long"), Clock: h.Clock}); err != nil {
		t.Fatal(err)
	}
	h.build(set, h.Planner)
	h.Scheduler = scheduler.New(scheduler.Deps{DB: db, Domain: h.Domain, Broadcasts: h.Domain, Clock: h.Clock, Config: sc})
	return h
}

// RunScheduler does the scheduler's due work at the harness clock's time (reminders, digests,
// check-ins, scheduled broadcasts) and returns how many reminders it finished.
func (h *Harness) RunScheduler() int {
	h.T.Helper()
	n, err := h.Scheduler.Tick(h.Ctx())
	if err != nil {
		h.T.Fatalf("scheduler: %v", err)
	}
	return n
}

// Ctx is a background context for test calls.
func (h *Harness) Ctx() context.Context { return context.Background() }

// Dispatch runs one update through the dispatcher and fails the test on an error.
func (h *Harness) Dispatch(in bot.Incoming) bot.Result {
	h.T.Helper()
	res, err := h.Dispatcher.Dispatch(h.Ctx(), in)
	if err != nil {
		h.T.Fatalf("dispatch %s %q: %v", in.Kind, in.Text+in.Data, err)
	}
	return res
}

// Chat is one person on one channel (a private chat: chat id = user id).
type Chat struct {
	h        *Harness
	Channel  string
	ID       string
	LangHint string
	// Last is what the bot sent in answer to the latest action.
	Last []bot.Outgoing
}

// Chat opens a chat with the bot.
func (h *Harness) Chat(channel, id string) *Chat {
	return &Chat{h: h, Channel: channel, ID: id}
}

// Telegram opens a Telegram chat with a fresh user id.
func (h *Harness) Telegram() *Chat {
	return h.Chat(bot.Telegram, strconv.FormatInt(100000+h.seq.Add(1), 10))
}

func (c *Chat) incoming(kind bot.Kind) bot.Incoming {
	return bot.Incoming{Channel: c.Channel, UpdateID: fmt.Sprintf("u%d", c.h.seq.Add(1)), ChatID: c.ID, UserID: c.ID,
		LangHint: c.LangHint, Kind: kind, At: c.h.Clock.Now()}
}

// Do dispatches a prepared update from this chat and returns what the bot sent back.
func (c *Chat) Do(in bot.Incoming) []bot.Outgoing {
	c.h.T.Helper()
	c.h.Dispatch(in)
	c.Last = c.Inbox()
	return c.Last
}

// Send sends free text. Text starting with "/" is sent as a command, as Telegram does.
func (c *Chat) Send(text string) []bot.Outgoing {
	c.h.T.Helper()
	if strings.HasPrefix(text, "/") {
		name, args, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
		in := c.incoming(bot.KindCommand)
		in.Command = strings.ToLower(name)
		in.Text = strings.TrimSpace(args)
		return c.Do(in)
	}
	in := c.incoming(bot.KindText)
	in.Text = text
	return c.Do(in)
}

// Press presses a button with this payload.
func (c *Chat) Press(data string) []bot.Outgoing {
	c.h.T.Helper()
	in := c.incoming(bot.KindButton)
	in.Data = data
	return c.Do(in)
}

// PressUnread presses a button with this payload and leaves the answer undelivered in the
// outbox (Inbox reads it later).
func (c *Chat) PressUnread(data string) {
	c.h.T.Helper()
	in := c.incoming(bot.KindButton)
	in.Data = data
	c.h.Dispatch(in)
}

// Tap presses the button whose text contains label, among the buttons of the last answer.
func (c *Chat) Tap(label string) []bot.Outgoing {
	c.h.T.Helper()
	b, ok := FindButton(c.Last, label)
	if !ok {
		c.h.T.Fatalf("no button %q in the last answer:\n%s", label, Describe(c.Last))
	}
	return c.Press(b.Data)
}

// Media sends something the bot cannot read (sticker, voice, photo...).
func (c *Chat) Media(kind string) []bot.Outgoing {
	c.h.T.Helper()
	in := c.incoming(bot.KindUnsupported)
	in.Media = kind
	return c.Do(in)
}

// File sends a file the bot may pass on (a voice note, a photo, a PDF...) with its caption,
// as the channel's adapter describes it: a Telegram file_id and message id, a WhatsApp media
// id.
func (c *Chat) File(item bot.MediaItem) []bot.Outgoing {
	c.h.T.Helper()
	in := c.incoming(bot.KindUnsupported)
	in.Media = string(item.Kind)
	if item.Ref == "" {
		item.Ref = fmt.Sprintf("file%d", c.h.seq.Add(1))
	}
	if item.MessageID == "" && c.Channel == bot.Telegram {
		item.MessageID = fmt.Sprintf("%d", c.h.seq.Add(1))
	}
	in.Attachment = item
	return c.Do(in)
}

// Inbox takes what the bot queued for this chat since the last look, marking it delivered.
func (c *Chat) Inbox() []bot.Outgoing {
	c.h.T.Helper()
	return c.h.Drain(c.Channel, c.ID)
}

// Drain takes the queued messages of a chat, in order, marking them delivered.
func (h *Harness) Drain(channel, chatID string) []bot.Outgoing {
	h.T.Helper()
	ctx := h.Ctx()
	var rows []storage.OutboxMessage
	if err := h.DB.Select(ctx, &rows, `SELECT id, identity_id, channel, chat_id, chat_key, priority, kind, payload, status, attempts,
next_attempt_at, lease_owner, lease_until, last_error, provider_id, broadcast_id, created_at, sent_at
FROM outbox WHERE chat_key = ? AND status = 'pending' AND next_attempt_at <= ? ORDER BY id`, storage.ChatKey(channel, chatID), h.Clock.Now()); err != nil {
		h.T.Fatalf("read outbox: %v", err)
	}
	var out []bot.Outgoing
	for _, r := range rows {
		o, err := bot.DecodeOutgoing(r.Payload)
		if err != nil {
			h.T.Fatalf("outbox %d: %v", r.ID, err)
		}
		// Every message the journeys render is checked: no two buttons of one message share a
		// payload (WhatsApp refuses such a list, and a press could not say which was meant).
		if dup := o.DuplicateData(); len(dup) > 0 {
			h.T.Errorf("a message has several buttons with the payload %q:\n%s", dup, Describe([]bot.Outgoing{o}))
		}
		out = append(out, o)
		if _, err := h.DB.Exec(ctx, `UPDATE outbox SET status = 'sent', sent_at = ? WHERE id = ?`, h.Clock.Now(), r.ID); err != nil {
			h.T.Fatal(err)
		}
	}
	return out
}

// FindButton finds a button whose text contains label.
func FindButton(msgs []bot.Outgoing, label string) (bot.Button, bool) {
	for _, m := range msgs {
		for _, b := range m.AllButtons() {
			if strings.Contains(b.Text, label) {
				return b, true
			}
		}
	}
	return bot.Button{}, false
}

// Texts joins the texts of messages.
func Texts(msgs []bot.Outgoing) string {
	var parts []string
	for _, m := range msgs {
		parts = append(parts, m.Text)
	}
	return strings.Join(parts, "\n---\n")
}

// Describe renders messages with their buttons, for failure output.
func Describe(msgs []bot.Outgoing) string {
	var b strings.Builder
	for i, m := range msgs {
		fmt.Fprintf(&b, "[%d] %s\n", i, m.Text)
		for _, row := range m.Buttons {
			for _, btn := range row {
				fmt.Fprintf(&b, "    [%s -> %s%s]", btn.Text, btn.Data, btn.URL)
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// Expect fails the test unless some message contains every one of wants.
func (c *Chat) Expect(wants ...string) {
	c.h.T.Helper()
	all := Texts(c.Last)
	for _, w := range wants {
		if !strings.Contains(all, w) {
			c.h.T.Fatalf("the bot's answer lacks %q:\n%s", w, Describe(c.Last))
		}
	}
}

// NewStaff creates an active staff member (not linked to a chat).
func (h *Harness) NewStaff(role, territory, name string) storage.Staff {
	h.T.Helper()
	ctx := h.Ctx()
	id, err := storage.CreateStaff(ctx, h.DB, storage.NewStaff{DisplayName: name, Role: role, Territory: territory, Lang: "it"}, h.Clock.Now())
	if err != nil {
		h.T.Fatal(err)
	}
	if err := storage.SetStaffStatus(ctx, h.DB, id, "active"); err != nil {
		h.T.Fatal(err)
	}
	s, err := storage.StaffByID(ctx, h.DB, id)
	if err != nil {
		h.T.Fatal(err)
	}
	return s
}

// NewBeneficiary creates an invited beneficiary (not linked to a chat).
func (h *Harness) NewBeneficiary(territory, lang string, tutorID int64) storage.Beneficiary {
	h.T.Helper()
	b, err := storage.CreateBeneficiary(h.Ctx(), h.DB, storage.NewBeneficiary{Territory: territory, Lang: lang, TutorID: tutorID}, h.Clock.Now())
	if err != nil {
		h.T.Fatal(err)
	}
	return b
}

// Invite creates an invite for a beneficiary (beneficiaryID set) or a staff member and returns
// its code.
func (h *Harness) Invite(role string, beneficiaryID, staffID int64) string {
	h.T.Helper()
	code, _, err := storage.CreateInvite(h.Ctx(), h.DB, storage.NewInvite{Role: role, BeneficiaryID: beneficiaryID, StaffID: staffID,
		TTL: 72 * time.Hour}, h.Clock.Now())
	if err != nil {
		h.T.Fatal(err)
	}
	return code
}

// LinkBeneficiary makes chat an onboarded beneficiary with every consent, skipping the
// onboarding conversation (for tests of other journeys).
func (h *Harness) LinkBeneficiary(chat *Chat, b storage.Beneficiary) storage.Beneficiary {
	h.T.Helper()
	ctx, now := h.Ctx(), h.Clock.Now()
	if _, err := storage.LinkIdentity(ctx, h.DB, storage.NewIdentity{Channel: chat.Channel, ExternalID: chat.ID, ChatID: chat.ID,
		BeneficiaryID: b.ID}, now); err != nil {
		h.T.Fatal(err)
	}
	if err := storage.MarkOnboarded(ctx, h.DB, b.ID, now); err != nil {
		h.T.Fatal(err)
	}
	for _, p := range []string{storage.ConsentService, storage.ConsentResearch, storage.ConsentAnnouncements} {
		if err := storage.SetConsent(ctx, h.DB, b.ID, p, &now); err != nil {
			h.T.Fatal(err)
		}
	}
	got, err := storage.BeneficiaryByID(ctx, h.DB, b.ID)
	if err != nil {
		h.T.Fatal(err)
	}
	return got
}

// LinkStaff links chat to a staff member (for tests of staff journeys).
func (h *Harness) LinkStaff(chat *Chat, s storage.Staff) {
	h.T.Helper()
	if _, err := storage.LinkIdentity(h.Ctx(), h.DB, storage.NewIdentity{Channel: chat.Channel, ExternalID: chat.ID, ChatID: chat.ID,
		StaffID: s.ID}, h.Clock.Now()); err != nil {
		h.T.Fatal(err)
	}
}

// build makes the engine and the dispatcher over the harness's storage.
func (h *Harness) build(set flows.Settings, p domain.Planner) {
	h.Engine = flows.New(flows.Deps{Redis: h.Redis, Catalog: h.Catalog, Clock: h.Clock, Settings: set, Planner: p,
		Desk: access.Links{PublicURL: set.PublicURL}, Translator: h.tr, Media: h.Media})
	h.Domain = h.Engine.Domain()
	h.Dispatcher = h.NewDispatcher()
}

// NewDispatcher is another dispatcher over the harness's storage and engine, as another
// replica would run.
func (h *Harness) NewDispatcher() *bot.Dispatcher {
	return bot.NewDispatcher(bot.DispatcherConfig{DB: h.DB, Redis: h.Redis, Handler: failCounter{h.Engine, &h.failed},
		Clock: h.Clock, Flood: h.flood})
}

// UsePlanner rebuilds the engine with another planner (a recorder in tests that check which
// changes re-plan reminders).
func (h *Harness) UsePlanner(p domain.Planner) { h.build(h.Engine.Settings(), p) }
