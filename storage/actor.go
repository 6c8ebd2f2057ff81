package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Sender is who wrote an update, read in one statement: the identity of the platform account
// and the beneficiary or the staff member it belongs to (nil for the other).
type Sender struct {
	Identity    Identity
	Beneficiary *Beneficiary
	Staff       *Staff
}

// senderRow is the joined row: the beneficiary's and the staff member's NOT NULL columns are
// coalesced, so a row without one of them still scans (the identity says which it is).
type senderRow struct {
	Identity
	B Beneficiary `db:"b"`
	S Staff       `db:"s"`
	// The creation times are read as they are (NULL for the absent one): SQLite gives an
	// expression over a timestamp (COALESCE) back as text.
	BCreatedAt sql.NullTime `db:"b_created_at"`
	SCreatedAt sql.NullTime `db:"s_created_at"`
}

const selectSender = `SELECT i.id, i.channel, i.external_id, i.chat_id, i.beneficiary_id, i.staff_id, i.last_inbound_at,
i.unreachable_at, i.created_at,
COALESCE(b.id, 0) AS "b.id", COALESCE(b.code, '') AS "b.code", b.display_name AS "b.display_name",
COALESCE(b.territory, '') AS "b.territory", COALESCE(b.lang, '') AS "b.lang", b.tutor_id AS "b.tutor_id",
b.reception_contact AS "b.reception_contact", b.centre_id AS "b.centre_id", COALESCE(b.status, '') AS "b.status",
b.consent_service_at AS "b.consent_service_at", b.consent_research_at AS "b.consent_research_at",
b.consent_announcements_at AS "b.consent_announcements_at", b.announcements_stopped_at AS "b.announcements_stopped_at",
b.onboarded_at AS "b.onboarded_at", b.last_inbound_at AS "b.last_inbound_at", b.created_at AS b_created_at,
b.closed_at AS "b.closed_at", b.erased_at AS "b.erased_at",
COALESCE(s.id, 0) AS "s.id", COALESCE(s.display_name, '') AS "s.display_name", COALESCE(s.role, '') AS "s.role",
s.territory AS "s.territory", COALESCE(s.lang, '') AS "s.lang", COALESCE(s.status, '') AS "s.status", s.centre_id AS "s.centre_id",
s.created_at AS s_created_at
FROM identities i
LEFT JOIN beneficiaries b ON b.id = i.beneficiary_id
LEFT JOIN staff s ON s.id = i.staff_id
WHERE i.channel = ? AND i.external_id = ?`

// SenderByExternal finds the identity of a platform account with its beneficiary or staff
// member, in one statement (IdentityByExternal, then BeneficiaryByID or StaffByID, in one).
// ErrNotFound when the account is unknown.
func SenderByExternal(ctx context.Context, q Queryer, channel, externalID string) (Sender, error) {
	var r senderRow
	if err := q.Get(ctx, &r, selectSender, channel, externalID); err != nil {
		return Sender{}, fmt.Errorf("sender %s: %w", channel, err)
	}
	s := Sender{Identity: r.Identity}
	switch {
	case r.BeneficiaryID.Valid:
		b := r.B
		b.CreatedAt = r.BCreatedAt.Time
		s.Beneficiary = &b
	case r.StaffID.Valid:
		st := r.S
		st.CreatedAt = r.SCreatedAt.Time
		s.Staff = &st
	}
	return s, nil
}

// seenGranularity is how precisely "last seen" (last_inbound_at) is kept: an update within
// it of the recorded time writes nothing. Staff read it to the minute; the WhatsApp window it
// feeds closes at most this much earlier than Meta's, never later.
const seenGranularity = time.Minute

// SeenAgain tells whether a recorded "last seen" must be written again at now: it is unset,
// older than a minute, or ahead of now (a clock moved back).
func SeenAgain(recorded sql.NullTime, now time.Time) bool {
	if !recorded.Valid {
		return true
	}
	d := now.Sub(recorded.Time)
	return d < 0 || d >= seenGranularity
}
