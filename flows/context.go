package flows

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// Ctx is one update being handled: the transaction its effects go in, who sent it, their
// language and conversation state, and the ways to answer.
type Ctx struct {
	Tx    *storage.Tx
	In    bot.Incoming
	Now   time.Time
	Actor Actor
	L     *locales.Localizer
	State State

	e            *Engine
	stateChanged bool
	answer       string
	args         Args
}

// Engine is the engine handling this update (for its settings and catalogue).
func (c *Ctx) Engine() *Engine { return c.e }

// Args are the pressed button's arguments.
func (c *Ctx) Args() Args { return c.args }

// T renders a message in the actor's language.
func (c *Ctx) T(id string, kv ...any) string { return c.L.T(id, kv...) }

// Reply queues a message to the chat the update came from.
func (c *Ctx) Reply(ctx context.Context, out bot.Outgoing) error {
	var identityID int64
	if c.Actor.Identity != nil {
		identityID = c.Actor.Identity.ID
	}
	return c.e.enqueue(ctx, c.Tx, c.L, out, storage.NewOutboxMessage{
		IdentityID: identityID, Channel: c.In.Channel, ChatID: c.In.ChatID,
		Priority: storage.PriorityInteractive, Kind: "reply",
	}, c.Now)
}

// ReplyText queues a plain text message to the chat the update came from.
func (c *Ctx) ReplyText(ctx context.Context, id string, kv ...any) error {
	return c.Reply(ctx, bot.Outgoing{Text: c.T(id, kv...)})
}

// Answer sets the short notice shown for a pressed button (Telegram shows it as a toast).
func (c *Ctx) Answer(text string) { c.answer = text }

// SetStep makes the conversation wait at step with data, for the person's next free text.
func (c *Ctx) SetStep(step string, data map[string]string) {
	c.State = State{Step: step, Data: data}
	c.stateChanged = true
}

// ClearStep ends the conversation step.
func (c *Ctx) ClearStep() {
	if c.State.Step != "" || len(c.State.Data) > 0 {
		c.State = State{}
		c.stateChanged = true
	}
}

// Audit records what the actor did in the audit log, in the update's transaction.
func (c *Ctx) Audit(ctx context.Context, action, targetKind, targetID, detail string) error {
	kind, id := c.Actor.AuditActor()
	return storage.Audit(ctx, c.Tx, storage.AuditEntry{At: c.Now, ActorKind: kind, ActorID: id, Action: action,
		TargetKind: targetKind, TargetID: targetID, Detail: detail})
}

// Deny refuses an action: a short localized message for staff, written to the audit log.
// Beneficiaries and unknown people never learn that a staff action exists: they get the
// answer to unknown input instead.
func (c *Ctx) Deny(ctx context.Context, action, targetKind, targetID string) error {
	kind, id := c.Actor.AuditActor()
	if err := storage.Audit(ctx, c.Tx, storage.AuditEntry{At: c.Now, ActorKind: kind, ActorID: id, Action: action,
		TargetKind: targetKind, TargetID: targetID, Outcome: storage.OutcomeDenied}); err != nil {
		return err
	}
	if c.Actor.Staff != nil {
		return c.ReplyText(ctx, "auth.denied")
	}
	return c.e.unknown(ctx, c)
}

// ErrUnreachable means a person has no identity the bot can send to (they blocked it on every
// channel, or never onboarded).
var ErrUnreachable = errors.New("person unreachable")

// Person names a recipient: a beneficiary or a staff member.
type Person struct {
	BeneficiaryID int64
	StaffID       int64
}

// SendOptions say how a message to a person travels.
type SendOptions struct {
	Priority    int    // storage.PriorityInteractive (default) or storage.PriorityBulk
	Kind        string // notice (default), alert, reminder, broadcast
	BroadcastID int64
	NotBefore   time.Time
	ExpiresAt   time.Time // zero: never; past it the message is dropped, never sent late
}

// SendTo queues a message to a person on the identity they last wrote from, rendered by build
// in their own language. It returns the outbox id, or ErrUnreachable.
func (e *Engine) SendTo(ctx context.Context, q storage.Queryer, to Person, opt SendOptions, now time.Time, build func(l *locales.Localizer) bot.Outgoing) (int64, error) {
	lang, err := e.langOf(ctx, q, to)
	if err != nil {
		return 0, err
	}
	ident, err := storage.PreferredIdentity(ctx, q, to.BeneficiaryID, to.StaffID)
	if errors.Is(err, storage.ErrNotFound) {
		return 0, ErrUnreachable
	}
	if err != nil {
		return 0, err
	}
	if opt.Kind == "" {
		opt.Kind = "notice"
	}
	l := e.cat.For(lang)
	var id int64
	err = e.enqueueID(ctx, q, l, build(l), storage.NewOutboxMessage{
		IdentityID: ident.ID, Channel: ident.Channel, ChatID: ident.ChatID, Priority: opt.Priority,
		Kind: opt.Kind, BroadcastID: opt.BroadcastID, NotBefore: opt.NotBefore, ExpiresAt: opt.ExpiresAt,
	}, now, &id)
	return id, err
}

// SendTo queues a message to a person (see Engine.SendTo). An unreachable person is not an
// error here: it returns sent false.
func (c *Ctx) SendTo(ctx context.Context, to Person, kind string, build func(l *locales.Localizer) bot.Outgoing) (bool, error) {
	_, err := c.e.SendTo(ctx, c.Tx, to, SendOptions{Kind: kind}, c.Now, build)
	if errors.Is(err, ErrUnreachable) {
		return false, nil
	}
	return err == nil, err
}

func (e *Engine) langOf(ctx context.Context, q storage.Queryer, to Person) (string, error) {
	if to.BeneficiaryID != 0 {
		b, err := storage.BeneficiaryByID(ctx, q, to.BeneficiaryID)
		if err != nil {
			return "", err
		}
		return b.Lang, nil
	}
	s, err := storage.StaffByID(ctx, q, to.StaffID)
	if err != nil {
		return "", err
	}
	return s.Lang, nil
}

func (e *Engine) enqueue(ctx context.Context, q storage.Queryer, l *locales.Localizer, out bot.Outgoing, m storage.NewOutboxMessage, now time.Time) error {
	return e.enqueueID(ctx, q, l, out, m, now, nil)
}

func (e *Engine) enqueueID(ctx context.Context, q storage.Queryer, l *locales.Localizer, out bot.Outgoing, m storage.NewOutboxMessage, now time.Time, idOut *int64) error {
	out.Lang = l.Lang()
	out.RTL = l.RTL()
	if out.Labels.Choose == "" {
		out.Labels.Choose = l.T("ui.choose")
	}
	if out.Labels.More == "" {
		out.Labels.More = l.T("ui.more")
	}
	if err := checkButtons(out); err != nil {
		return err
	}
	payload, err := out.Encode()
	if err != nil {
		return err
	}
	m.Payload = payload
	id, err := storage.Enqueue(ctx, q, m, now)
	if idOut != nil {
		*idOut = id
	}
	return err
}

func checkButtons(out bot.Outgoing) error {
	for _, b := range out.AllButtons() {
		if b.Text == "" {
			return fmt.Errorf("button without text (data %q)", b.Data)
		}
		if len(b.Data) > MaxDataBytes {
			return fmt.Errorf("button %q: data of %d bytes", b.Text, len(b.Data))
		}
	}
	return nil
}
