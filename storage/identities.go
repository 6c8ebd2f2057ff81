package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Channels a person can reach the bot on.
const (
	ChannelTelegram = "telegram"
	ChannelWhatsApp = "whatsapp"
	ChannelWebchat  = "webchat"
)

// Identity is one account on one channel (a Telegram user, a WhatsApp number, a web-chat
// session) linked to a beneficiary or a staff member. ExternalID and ChatID are never shown to
// staff and never logged.
type Identity struct {
	ID            int64         `db:"id"`
	Channel       string        `db:"channel"`
	ExternalID    string        `db:"external_id"`
	ChatID        string        `db:"chat_id"`
	BeneficiaryID sql.NullInt64 `db:"beneficiary_id"`
	StaffID       sql.NullInt64 `db:"staff_id"`
	LastInboundAt sql.NullTime  `db:"last_inbound_at"`
	UnreachableAt sql.NullTime  `db:"unreachable_at"`
	CreatedAt     time.Time     `db:"created_at"`
}

const identityColumns = `id, channel, external_id, chat_id, beneficiary_id, staff_id, last_inbound_at, unreachable_at, created_at`

// IdentityByExternal finds the identity of a platform account.
func IdentityByExternal(ctx context.Context, q Queryer, channel, externalID string) (Identity, error) {
	var i Identity
	err := q.Get(ctx, &i, `SELECT `+identityColumns+` FROM identities WHERE channel = ? AND external_id = ?`, channel, externalID)
	if err != nil {
		return i, fmt.Errorf("identity on %s: %w", channel, err)
	}
	return i, nil
}

// IdentityByID finds an identity.
func IdentityByID(ctx context.Context, q Queryer, id int64) (Identity, error) {
	var i Identity
	if err := q.Get(ctx, &i, `SELECT `+identityColumns+` FROM identities WHERE id = ?`, id); err != nil {
		return i, fmt.Errorf("identity %d: %w", id, err)
	}
	return i, nil
}

// NewIdentity links a platform account to a beneficiary or a staff member (exactly one).
type NewIdentity struct {
	Channel       string
	ExternalID    string
	ChatID        string
	BeneficiaryID int64
	StaffID       int64
}

// upsertIdentity links an account, moving it if it was linked to someone else (a shared phone
// handed on, a person re-onboarded after erasure).
const upsertIdentity = `INSERT INTO identities (channel, external_id, chat_id, beneficiary_id, staff_id, last_inbound_at, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (channel, external_id) DO UPDATE SET chat_id = excluded.chat_id,
	beneficiary_id = excluded.beneficiary_id, staff_id = excluded.staff_id,
	last_inbound_at = excluded.last_inbound_at, unreachable_at = NULL
RETURNING id`

// LinkIdentity creates or relinks an identity and returns it.
func LinkIdentity(ctx context.Context, q Queryer, ni NewIdentity, now time.Time) (Identity, error) {
	var id int64
	if err := q.Get(ctx, &id, upsertIdentity, ni.Channel, ni.ExternalID, ni.ChatID,
		nullInt(ni.BeneficiaryID), nullInt(ni.StaffID), now, now); err != nil {
		return Identity{}, fmt.Errorf("link identity: %w", err)
	}
	return IdentityByID(ctx, q, id)
}

// IdentitiesOf lists the identities of a beneficiary (beneficiaryID set) or a staff member.
func IdentitiesOf(ctx context.Context, q Queryer, beneficiaryID, staffID int64) ([]Identity, error) {
	var out []Identity
	var err error
	if beneficiaryID != 0 {
		err = q.Select(ctx, &out, `SELECT `+identityColumns+` FROM identities WHERE beneficiary_id = ? ORDER BY id`, beneficiaryID)
	} else {
		err = q.Select(ctx, &out, `SELECT `+identityColumns+` FROM identities WHERE staff_id = ? ORDER BY id`, staffID)
	}
	if err != nil {
		return nil, fmt.Errorf("identities: %w", err)
	}
	return out, nil
}

const preferredIdentity = `SELECT ` + identityColumns + ` FROM identities
WHERE %s = ? AND unreachable_at IS NULL
ORDER BY CASE WHEN last_inbound_at IS NULL THEN 1 ELSE 0 END, last_inbound_at DESC, id DESC LIMIT 1`

// PreferredIdentity is where to reach a beneficiary (beneficiaryID set) or a staff member: the
// reachable identity they last wrote from. ErrNotFound when they cannot be reached.
func PreferredIdentity(ctx context.Context, q Queryer, beneficiaryID, staffID int64) (Identity, error) {
	var i Identity
	var err error
	if beneficiaryID != 0 {
		err = q.Get(ctx, &i, fmt.Sprintf(preferredIdentity, "beneficiary_id"), beneficiaryID)
	} else {
		err = q.Get(ctx, &i, fmt.Sprintf(preferredIdentity, "staff_id"), staffID)
	}
	if err != nil {
		return i, fmt.Errorf("preferred identity: %w", err)
	}
	return i, nil
}

// TouchIdentity records an inbound message: the time (which opens WhatsApp's 24-hour window)
// and that the account is reachable again.
func TouchIdentity(ctx context.Context, q Queryer, id int64, at time.Time) error {
	if _, err := q.Exec(ctx, `UPDATE identities SET last_inbound_at = ?, unreachable_at = NULL WHERE id = ?`, at, id); err != nil {
		return fmt.Errorf("touch identity: %w", err)
	}
	return nil
}

// Reachable tells whether a beneficiary (beneficiaryID set) or a staff member has an identity
// the bot can send to: one linked and not marked unreachable. Reminders are planned only for
// people it can reach.
func Reachable(ctx context.Context, q Queryer, beneficiaryID, staffID int64) (bool, error) {
	_, err := PreferredIdentity(ctx, q, beneficiaryID, staffID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reachable: %w", err)
	}
	return true, nil
}

// SetUnreachable marks an identity unreachable (the user blocked the bot) or, with nil,
// reachable again.
func SetUnreachable(ctx context.Context, q Queryer, id int64, at *time.Time) error {
	return execOne(ctx, q, `UPDATE identities SET unreachable_at = ? WHERE id = ?`, NullTimeOf(at), id)
}

// SetUnreachableByChat marks the identity on a channel chat unreachable and returns it, if the
// chat belongs to one.
func SetUnreachableByChat(ctx context.Context, q Queryer, channel, chatID string, at time.Time) (Identity, error) {
	var i Identity
	err := q.Get(ctx, &i, `UPDATE identities SET unreachable_at = ? WHERE channel = ? AND chat_id = ? AND unreachable_at IS NULL
RETURNING `+identityColumns, at, channel, chatID)
	if err != nil {
		return i, fmt.Errorf("mark unreachable: %w", err)
	}
	return i, nil
}
