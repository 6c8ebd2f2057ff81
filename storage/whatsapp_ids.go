package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// WhatsAppIDs are what one WhatsApp account is known by in a payload: its phone number (wa_id),
// its business-scoped user id, or both.
type WhatsAppIDs struct {
	Phone  string
	UserID string
}

// WhatsAppKey is what a WhatsApp account's updates carry: the external id of its identity (or,
// for someone not linked yet, the id to create one with) and where to reply.
type WhatsAppKey struct {
	ExternalID string
	ChatID     string
	Known      bool // an identity has it
}

type waIdentityRow struct {
	ID            int64          `db:"id"`
	ExternalID    string         `db:"external_id"`
	ChatID        string         `db:"chat_id"`
	AltID         sql.NullString `db:"alt_id"`
	BeneficiaryID sql.NullInt64  `db:"beneficiary_id"`
	StaffID       sql.NullInt64  `db:"staff_id"`
	LastInboundAt sql.NullTime   `db:"last_inbound_at"`
}

const waIdentitiesByIDs = `SELECT id, external_id, chat_id, alt_id, beneficiary_id, staff_id, last_inbound_at FROM identities
WHERE channel = 'whatsapp' AND (external_id = ? OR external_id = ? OR alt_id = ? OR alt_id = ?) ORDER BY id`

// ResolveWhatsApp finds the identity of an account known by either id and keeps both of its
// ids on that one identity: the other id becomes its alt_id. Two identities of one account
// (one made while only the phone number was known, one while only the user id was) become
// one: the older stays, with the link of the one used last, and takes over the other's
// messages. An account nobody has yet is keyed on its phone number when known (Meta advises
// sending to numbers), else on its user id.
func ResolveWhatsApp(ctx context.Context, db *DB, ids WhatsAppIDs) (WhatsAppKey, error) {
	if ids.Phone == "" && ids.UserID == "" {
		return WhatsAppKey{}, fmt.Errorf("resolve whatsapp: no id")
	}
	var key WhatsAppKey
	if ids.Phone == "" || ids.UserID == "" {
		// One id: nothing to record or merge, a read is enough.
		var rows []waIdentityRow
		if err := db.Select(ctx, &rows, waIdentitiesByIDs, ids.Phone, ids.UserID, ids.Phone, ids.UserID); err != nil {
			return key, fmt.Errorf("resolve whatsapp: %w", err)
		}
		id := ids.Phone + ids.UserID
		if len(rows) == 0 {
			return WhatsAppKey{ExternalID: id, ChatID: id}, nil
		}
		return WhatsAppKey{ExternalID: rows[0].ExternalID, ChatID: rows[0].ChatID, Known: true}, nil
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		var rows []waIdentityRow
		// An empty id matches nothing: no identity has an empty external or alt id.
		if err := tx.Select(ctx, &rows, waIdentitiesByIDs, ids.Phone, ids.UserID, ids.Phone, ids.UserID); err != nil {
			return err
		}
		if len(rows) == 0 {
			key = WhatsAppKey{ExternalID: ids.Phone, ChatID: ids.Phone}
			return nil
		}
		keep := rows[0]
		for _, drop := range rows[1:] {
			if err := mergeWhatsAppIdentity(ctx, tx, &keep, drop); err != nil {
				return err
			}
		}
		key = WhatsAppKey{ExternalID: keep.ExternalID, ChatID: keep.ChatID, Known: true}
		other := ids.UserID
		if keep.ExternalID == ids.UserID {
			other = ids.Phone
		}
		if other == keep.ExternalID || (keep.AltID.Valid && keep.AltID.String == other) {
			return nil
		}
		_, err := tx.Exec(ctx, `UPDATE identities SET alt_id = ? WHERE id = ?`, other, keep.ID)
		return err
	})
	if err != nil {
		return WhatsAppKey{}, fmt.Errorf("resolve whatsapp: %w", err)
	}
	return key, nil
}

// mergeWhatsAppIdentity folds drop into keep: what refers to drop refers to keep, keep takes
// drop's link when drop was used last, and drop goes.
func mergeWhatsAppIdentity(ctx context.Context, tx *Tx, keep *waIdentityRow, drop waIdentityRow) error {
	for _, q := range []string{
		`UPDATE outbox SET identity_id = ? WHERE identity_id = ?`,
		`UPDATE whatsapp_fallbacks SET identity_id = ? WHERE identity_id = ?`,
		`UPDATE invites SET used_by = ? WHERE used_by = ?`,
	} {
		if _, err := tx.Exec(ctx, q, keep.ID, drop.ID); err != nil {
			return fmt.Errorf("merge identities: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM identities WHERE id = ?`, drop.ID); err != nil {
		return fmt.Errorf("merge identities: %w", err)
	}
	if laterNull(drop.LastInboundAt, keep.LastInboundAt) {
		keep.BeneficiaryID, keep.StaffID, keep.LastInboundAt = drop.BeneficiaryID, drop.StaffID, drop.LastInboundAt
		if _, err := tx.Exec(ctx, `UPDATE identities SET beneficiary_id = ?, staff_id = ?, last_inbound_at = ? WHERE id = ?`,
			keep.BeneficiaryID, keep.StaffID, keep.LastInboundAt, keep.ID); err != nil {
			return fmt.Errorf("merge identities: %w", err)
		}
	}
	// The dropped identity's own id is now the kept one's other id, if it has none yet.
	if !keep.AltID.Valid {
		keep.AltID = sql.NullString{String: drop.ExternalID, Valid: true}
		if _, err := tx.Exec(ctx, `UPDATE identities SET alt_id = ? WHERE id = ?`, drop.ExternalID, keep.ID); err != nil {
			return fmt.Errorf("merge identities: %w", err)
		}
	}
	return nil
}

func laterNull(a, b sql.NullTime) bool {
	return a.Valid && (!b.Valid || a.Time.After(b.Time))
}

// WhatsAppAltID is the other id (phone number or user id) an identity is known by; "" when
// none is known.
func WhatsAppAltID(ctx context.Context, q Queryer, identityID int64) (string, error) {
	var alt sql.NullString
	if err := q.Get(ctx, &alt, `SELECT alt_id FROM identities WHERE id = ?`, identityID); err != nil {
		return "", fmt.Errorf("whatsapp alt id: %w", err)
	}
	return alt.String, nil
}
