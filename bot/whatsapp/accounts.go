package whatsapp

import (
	"context"
	"fmt"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// WhatsApp names a person by phone number, by business-scoped user id (BSUID) or by both: one
// identity holds both (storage.ResolveWhatsApp), keyed on the id it was first seen with.

// senderKey is the identity key and chat of a message's sender: either of its ids finds the
// person's one identity (one indexed read; a write only when an id is new to it).
func (c *Channel) senderKey(ctx context.Context, m inMessage) (storage.WhatsAppKey, error) {
	key, err := storage.ResolveWhatsApp(ctx, c.db, storage.WhatsAppIDs{Phone: m.From, UserID: m.FromUserID})
	if err != nil {
		return key, fmt.Errorf("%w: sender: %w", bot.ErrRetryLater, err)
	}
	return key, nil
}

// isUserID tells a business-scoped user id ("IT.1349...") from a phone number (digits only).
func isUserID(chatID string) bool { return strings.Contains(chatID, ".") }

// address puts the recipient in a send request: a phone number goes in "to", a business-scoped
// user id in "recipient" (the Cloud API's field for it).
func (m *message) address(chatID string) {
	if isUserID(chatID) {
		m.To, m.Recipient = "", chatID
		return
	}
	m.To, m.Recipient = chatID, ""
}

// learnContact records what a send response shows: the phone number sent to also has this
// user id. Losing it costs nothing but a lookup later.
func (c *Channel) learnContact(ctx context.Context, phone, user string) {
	if !phoneNumber.MatchString(phone) || !userID.MatchString(user) {
		return
	}
	if _, err := storage.ResolveWhatsApp(ctx, c.db, storage.WhatsAppIDs{Phone: phone, UserID: user}); err != nil {
		c.log.Warn("a recipient's user id not recorded", "chat", bot.Redact(phone), "err", err)
	}
}
