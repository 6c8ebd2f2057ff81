package bot

import (
	"context"
	"time"
)

// Sender delivers queued messages on one channel. The outbox calls it after commit, one
// message of a chat at a time, within the rate limits it keeps; a failure must be a *SendError
// saying what it means (retry, wait, give up, stop sending to this contact, use a template).
type Sender interface {
	Channel() string
	Send(ctx context.Context, to Recipient, out Outgoing) (providerID string, err error)
}

// Recipient is where a queued message goes.
type Recipient struct {
	ChatID     string
	IdentityID int64 // 0 for a chat not linked to anyone yet
	// LastInbound is when this contact last wrote (zero if never): WhatsApp's 24-hour window
	// for free-form messages starts there.
	LastInbound time.Time
}
