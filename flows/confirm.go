package flows

import (
	"context"
	"errors"
	"time"

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
	kind, id := c.Actor.AuditActor()
	if err := storage.Audit(ctx, c.Tx, storage.AuditEntry{At: c.Now, ActorKind: kind, ActorID: id, Action: action,
		TargetKind: "button", Outcome: storage.OutcomeDenied, Detail: "expired or unknown confirmation"}); err != nil {
		return "", false, err
	}
	c.ClearStep()
	c.Answer(c.T("confirm.expired"))
	if c.Actor.Beneficiary != nil {
		return "", false, c.screen(ctx, c.T("confirm.expired"), c.menuRow())
	}
	return "", false, c.ReplyText(ctx, "confirm.expired")
}
