package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// WebchatPerson is what the web chat's page is told about the person behind a session.
type WebchatPerson struct {
	// Linked: an identity links the session to a beneficiary or a staff member now.
	Linked bool
	// WasLinked: the session was seen linked before (linked_at). Linked once and no longer
	// means the person's data was erased.
	WasLinked bool
	// Lang is the person's chosen language while linked.
	Lang string
}

// Erased tells whether the session's person was erased: it was linked and is no longer.
func (p WebchatPerson) Erased() bool { return p.WasLinked && !p.Linked }

const webchatPerson = `SELECT s.linked_at, COALESCE(b.lang, st.lang, '') AS lang,
CASE WHEN i.id IS NULL THEN 0 ELSE 1 END AS linked
FROM webchat_sessions s
LEFT JOIN identities i ON i.channel = 'webchat' AND i.external_id = s.chat_id
LEFT JOIN beneficiaries b ON b.id = i.beneficiary_id
LEFT JOIN staff st ON st.id = i.staff_id
WHERE s.chat_id = ?`

// WebchatPersonOf tells who is behind a session (ErrNotFound when there is no such session).
func WebchatPersonOf(ctx context.Context, q Queryer, chatID string) (WebchatPerson, error) {
	var row struct {
		LinkedAt sql.NullTime `db:"linked_at"`
		Lang     string       `db:"lang"`
		Linked   int          `db:"linked"`
	}
	if err := q.Get(ctx, &row, webchatPerson, chatID); err != nil {
		return WebchatPerson{}, fmt.Errorf("webchat person: %w", err)
	}
	p := WebchatPerson{Linked: row.Linked == 1, WasLinked: row.LinkedAt.Valid, Lang: row.Lang}
	if !p.Linked {
		p.Lang = ""
	}
	return p, nil
}

// MarkWebchatLinked records, once, that a session was seen linked to a person.
func MarkWebchatLinked(ctx context.Context, q Queryer, chatID string, now time.Time) error {
	if _, err := q.Exec(ctx, `UPDATE webchat_sessions SET linked_at = ? WHERE chat_id = ? AND linked_at IS NULL`, now, chatID); err != nil {
		return fmt.Errorf("mark webchat session linked: %w", err)
	}
	return nil
}

const inviteLang = `SELECT COALESCE(b.lang, st.lang, '') FROM invites i
LEFT JOIN beneficiaries b ON b.id = i.beneficiary_id
LEFT JOIN staff st ON st.id = i.staff_id
WHERE i.code_hash = ? AND i.used_at IS NULL AND i.expires_at > ?`

// InviteLang is the language of the person an invite code is for, while the code can be
// used; "" when it cannot (unknown, used, expired) or is not a code at all.
func InviteLang(ctx context.Context, q Queryer, typed string, now time.Time) (string, error) {
	code, ok := NormalizeInviteCode(typed)
	if !ok {
		return "", nil
	}
	var lang string
	err := q.Get(ctx, &lang, inviteLang, HashInviteCode(code), now)
	switch {
	case errors.Is(err, ErrNotFound):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("invite language: %w", err)
	}
	return lang, nil
}
