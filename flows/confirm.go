package flows

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Destructive buttons (erasing one's data, sending or cancelling a broadcast, cancelling a lab
// session, closing a lead, enrolling beyond a session's capacity) carry a one-time token issued
// with the question they answer, kept server-side (storage.IssueConfirmToken) for the chat that
// was asked. Pressing the button takes the token; a button made up by hand, pressed a second
// time, pressed from another chat or too late is answered "this button has expired", audited,
// and changes nothing.

// confirmTTL is how long a destructive button stays usable.
const confirmTTL = 24 * time.Hour

// Confirmation actions: what a token may confirm.
const (
	confirmErase           = "erase"
	confirmBroadcastSend   = "broadcast send"
	confirmBroadcastCancel = "broadcast cancel"
	confirmSessionCancel   = "session cancel"
	confirmLeadClose       = "lead close"
	confirmEnrolOver       = "enrol over capacity"
)

// errNoIdentity means a confirmation was asked of an update without an identity to bind it to.
var errNoIdentity = errors.New("a confirmation needs the identity of the chat it is asked in")

// confirmToken issues the token of a destructive button shown in this chat, for action on
// target.
func (c *Ctx) confirmToken(ctx context.Context, action, target string) (string, error) {
	if c.Actor.Identity == nil {
		return "", errNoIdentity
	}
	return storage.IssueConfirmToken(ctx, c.Tx, c.Actor.Identity.ID, action, target, confirmTTL, c.Now)
}

// takeConfirm uses up the token of a pressed destructive button (argument i of its payload)
// and returns what it confirms. When there is none it has already answered "this button has
// expired" in the person's language and audited the press as refused; ok is false and nothing
// must change.
func (c *Ctx) takeConfirm(ctx context.Context, action string, i int) (target string, ok bool, err error) {
	if c.Actor.Identity != nil {
		target, ok, err = storage.TakeConfirmToken(ctx, c.Tx, c.Args().Str(i), c.Actor.Identity.ID, action, c.Now)
		if err != nil || ok {
			return target, ok, err
		}
	}
	if err := domain.Refuse(ctx, c.Tx, c.Now, c.Actor, action, "button", "", "expired or unknown confirmation"); err != nil {
		return "", false, err
	}
	c.ClearStep()
	c.Answer(c.T("confirm.expired"))
	if c.Actor.Beneficiary != nil {
		return "", false, c.screen(ctx, c.T("confirm.expired"), c.menuRow())
	}
	return "", false, c.ReplyText(ctx, "confirm.expired")
}

// askToConfirm asks a staff member a yes-or-no question: yes (labelled yesID) is the button
// named button with a fresh token for action on target; no abandons what was under way.
func (c *Ctx) askToConfirm(ctx context.Context, text, yesID, button, action, target string) error {
	token, err := c.confirmToken(ctx, action, target)
	if err != nil {
		return err
	}
	return c.Reply(ctx, bot.Outgoing{Text: text, Buttons: [][]bot.Button{
		{{Text: c.T(yesID), Data: notify.Data(button, token)}},
		{{Text: c.T("coordform.cancel_button"), Data: notify.Data(buttonFormCancel)}},
	}})
}

// confirmedSession takes the token of a pressed confirmation whose target is "<session id>"
// or "<session id>:<rest>", and finds the session, still the actor's and not started. ok is
// false when it has answered already (the button expired, the session is gone or started).
func (c *Ctx) confirmedSession(ctx context.Context, action, auditAction string) (s storage.Session, rest string, ok bool, err error) {
	target, ok, err := c.takeConfirm(ctx, action, 0)
	if err != nil || !ok {
		return s, "", false, err
	}
	id, rest, _ := strings.Cut(target, ":")
	s, err = c.upcomingSession(ctx, auditAction, id)
	var ie *inputError
	if errors.As(err, &ie) {
		return s, "", false, c.ReplyText(ctx, ie.id, ie.kv...)
	}
	return s, rest, err == nil, err
}
