package flows

import (
	"context"
	"errors"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Ctx is one update being handled: the transaction its effects go in, who sent it, their
// language and conversation state, and the ways to answer.
type Ctx struct {
	Tx    *storage.Tx
	In    bot.Incoming
	Now   time.Time
	Actor domain.Actor
	L     *locales.Localizer
	State State

	e            *Engine
	stateChanged bool
	answer       string
	args         notify.Args
	foreignParts []bot.Foreign // staff texts in the next reply, to translate (foreign.go)
}

// Engine is the engine handling this update (for its settings and catalogue).
func (c *Ctx) Engine() *Engine { return c.e }

// Args are the pressed button's arguments.
func (c *Ctx) Args() notify.Args { return c.args }

// T renders a message in the actor's language.
func (c *Ctx) T(id string, kv ...any) string { return c.L.T(id, kv...) }

// Reply queues a message to the chat the update came from.
func (c *Ctx) Reply(ctx context.Context, out bot.Outgoing) error {
	if len(c.foreignParts) > 0 {
		out.Foreign = append(out.Foreign, c.takeForeign(out.Text)...)
	}
	var identityID int64
	if c.Actor.Identity != nil {
		identityID = c.Actor.Identity.ID
	}
	_, err := notify.Enqueue(ctx, c.Tx, c.L, out, storage.NewOutboxMessage{
		IdentityID: identityID, Channel: c.In.Channel, ChatID: c.In.ChatID,
		Priority: storage.PriorityInteractive, Kind: "reply",
	}, c.Now)
	return err
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
	return domain.Audit(ctx, c.Tx, c.Now, c.Actor, action, targetKind, targetID, detail)
}

// Refuse records a refused action in the audit log (domain.Refuse) without answering.
func (c *Ctx) Refuse(ctx context.Context, action, targetKind, targetID string) error {
	return domain.Refuse(ctx, c.Tx, c.Now, c.Actor, action, targetKind, targetID, "")
}

// Deny refuses an action: a short localized message for staff, written to the audit log.
// Beneficiaries and unknown people never learn that a staff action exists: they get the
// answer to unknown input instead.
func (c *Ctx) Deny(ctx context.Context, action, targetKind, targetID string) error {
	if err := c.Refuse(ctx, action, targetKind, targetID); err != nil {
		return err
	}
	return c.answerDenied(ctx)
}

// answerDenied answers a refused action (already audited): a short localized message for
// staff, the answer to unknown input for everyone else.
func (c *Ctx) answerDenied(ctx context.Context) error {
	if c.Actor.Staff != nil {
		return c.ReplyText(ctx, "auth.denied")
	}
	return c.e.unknown(ctx, c)
}

// SendTo queues a message to a person (see notify.Notifier.SendTo). An unreachable person is
// not an error here: it returns sent false.
func (c *Ctx) SendTo(ctx context.Context, to notify.Person, kind string, build func(l *locales.Localizer) bot.Outgoing) (bool, error) {
	_, err := c.e.notify.SendTo(ctx, c.Tx, to, notify.SendOptions{Kind: kind}, c.Now, build)
	if errors.Is(err, notify.ErrUnreachable) {
		return false, nil
	}
	return err == nil, err
}

// AlertTutor opens an alert for the beneficiary's tutor (see domain.Service.AlertTutor).
func (c *Ctx) AlertTutor(ctx context.Context, b storage.Beneficiary, kind string, refID int64, detail string) error {
	return c.e.domain.AlertTutor(ctx, c.Tx, c.Now, b, kind, refID, detail)
}

// SessionChanged re-plans a session's reminders in the update's transaction.
func (c *Ctx) SessionChanged(ctx context.Context, sessionID int64) error {
	return c.e.domain.SessionChanged(ctx, c.Tx, sessionID, c.Now)
}

// StepChanged re-plans a plan step's reminders in the update's transaction.
func (c *Ctx) StepChanged(ctx context.Context, stepID int64) error {
	return c.e.domain.StepChanged(ctx, c.Tx, stepID, c.Now)
}
