// Package notify renders messages in each person's language and queues them in the outbox,
// in the caller's transaction: replies to a chat, and messages to a person wherever they last
// wrote from (reminders, alerts, broadcasts, a tutor's message). It also holds the button
// payload format and the buttons such messages carry. The domain layer, the conversations
// and the scheduler send through it; it knows none of them.
package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

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

// Notifier renders and queues messages.
type Notifier struct{ cat *locales.Catalog }

// New builds a notifier over the message catalogue.
func New(cat *locales.Catalog) *Notifier { return &Notifier{cat: cat} }

// Catalog is the message catalogue.
func (n *Notifier) Catalog() *locales.Catalog { return n.cat }

// SendTo queues a message to a person on the identity they last wrote from, rendered by build
// in their own language. It returns the outbox id, or ErrUnreachable.
func (n *Notifier) SendTo(ctx context.Context, q storage.Queryer, to Person, opt SendOptions, now time.Time, build func(l *locales.Localizer) bot.Outgoing) (int64, error) {
	lang, err := langOf(ctx, q, to)
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
	l := n.cat.For(lang)
	return Enqueue(ctx, q, l, build(l), storage.NewOutboxMessage{
		IdentityID: ident.ID, Channel: ident.Channel, ChatID: ident.ChatID, Priority: opt.Priority,
		Kind: opt.Kind, BroadcastID: opt.BroadcastID, NotBefore: opt.NotBefore, ExpiresAt: opt.ExpiresAt,
	}, now)
}

func langOf(ctx context.Context, q storage.Queryer, to Person) (string, error) {
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

// Enqueue queues out, rendered for l (its language, direction and the labels of list
// buttons), as the outbox message m, and returns its id.
func Enqueue(ctx context.Context, q storage.Queryer, l *locales.Localizer, out bot.Outgoing, m storage.NewOutboxMessage, now time.Time) (int64, error) {
	out.Lang = l.Lang()
	out.RTL = l.RTL()
	if out.Labels.Choose == "" {
		out.Labels.Choose = l.T("ui.choose")
	}
	if out.Labels.More == "" {
		out.Labels.More = l.T("ui.more")
	}
	for i := range out.Foreign {
		if out.Foreign[i].Marker == "" {
			out.Foreign[i].Marker = l.T("autotranslate.marker")
		}
	}
	if err := checkButtons(out); err != nil {
		return 0, err
	}
	payload, err := out.Encode()
	if err != nil {
		return 0, err
	}
	m.Payload = payload
	return storage.Enqueue(ctx, q, m, now)
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
