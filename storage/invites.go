package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Invite redemption failures, each answered differently to the person.
var (
	ErrInviteUnknown = errors.New("invite code unknown")
	ErrInviteUsed    = errors.New("invite code already used")
	ErrInviteExpired = errors.New("invite code expired")
)

// Invite is a single-use code that links a channel account to a beneficiary or staff member.
// Only the code's hash is stored.
type Invite struct {
	ID            int64         `db:"id"`
	CodeHash      string        `db:"code_hash"`
	Role          string        `db:"role"`
	BeneficiaryID sql.NullInt64 `db:"beneficiary_id"`
	StaffID       sql.NullInt64 `db:"staff_id"`
	CreatedBy     sql.NullInt64 `db:"created_by"`
	ExpiresAt     time.Time     `db:"expires_at"`
	UsedAt        sql.NullTime  `db:"used_at"`
	UsedBy        sql.NullInt64 `db:"used_by"`
	CreatedAt     time.Time     `db:"created_at"`
}

// inviteAlphabet has no look-alike characters (no 0/O, 1/I/L) so a code read aloud or copied
// from paper survives.
const inviteAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// InviteCodeLength is the number of characters of an invite code.
const InviteCodeLength = 8

// NewInviteCode returns a fresh random invite code (rejection sampling keeps every character
// equally likely).
func NewInviteCode() (string, error) {
	out := make([]byte, 0, InviteCodeLength)
	buf := make([]byte, 16)
	limit := 256 - 256%len(inviteAlphabet)
	for len(out) < InviteCodeLength {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("random invite code: %w", err)
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < InviteCodeLength {
				out = append(out, inviteAlphabet[int(c)%len(inviteAlphabet)])
			}
		}
	}
	return string(out), nil
}

// NormalizeInviteCode uppercases a typed code and drops spaces and dashes; it reports whether
// the result looks like an invite code at all.
func NormalizeInviteCode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(strings.TrimSpace(s)) {
		switch {
		case r == ' ' || r == '-' || r == '_':
			continue
		case strings.ContainsRune(inviteAlphabet, r):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	return b.String(), b.Len() == InviteCodeLength
}

// HashInviteCode is what is stored for a code.
func HashInviteCode(code string) string {
	sum := sha256.Sum256([]byte("insidebot-invite:" + code))
	return hex.EncodeToString(sum[:])
}

// NewInvite describes an invite to create.
type NewInvite struct {
	Role          string
	BeneficiaryID int64
	StaffID       int64
	CreatedBy     int64
	TTL           time.Duration
}

const insertInvite = `INSERT INTO invites (code_hash, role, beneficiary_id, staff_id, created_by, expires_at, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`

// CreateInvite stores a new invite and returns its plain code (shown once, never stored) and
// the invite.
func CreateInvite(ctx context.Context, q Queryer, ni NewInvite, now time.Time) (string, Invite, error) {
	code, err := NewInviteCode()
	if err != nil {
		return "", Invite{}, err
	}
	var id int64
	if err := q.Get(ctx, &id, insertInvite, HashInviteCode(code), ni.Role, nullInt(ni.BeneficiaryID),
		nullInt(ni.StaffID), nullInt(ni.CreatedBy), now.Add(ni.TTL), now); err != nil {
		return "", Invite{}, fmt.Errorf("create invite: %w", err)
	}
	var inv Invite
	if err := q.Get(ctx, &inv, `SELECT `+inviteColumns+` FROM invites WHERE id = ?`, id); err != nil {
		return "", Invite{}, fmt.Errorf("read invite: %w", err)
	}
	return code, inv, nil
}

const inviteColumns = `id, code_hash, role, beneficiary_id, staff_id, created_by, expires_at, used_at, used_by, created_at`

const redeemInvite = `UPDATE invites SET used_at = ? WHERE id = ? AND used_at IS NULL`

// RedeemInvite checks a typed code and marks it used, once. It returns ErrInviteUnknown,
// ErrInviteUsed or ErrInviteExpired when it cannot be redeemed. The caller links the identity
// in the same transaction and records it with InviteUsedBy.
func RedeemInvite(ctx context.Context, q Queryer, typed string, now time.Time) (Invite, error) {
	code, ok := NormalizeInviteCode(typed)
	if !ok {
		return Invite{}, ErrInviteUnknown
	}
	var inv Invite
	if err := q.Get(ctx, &inv, `SELECT `+inviteColumns+` FROM invites WHERE code_hash = ?`, HashInviteCode(code)); err != nil {
		if errors.Is(err, ErrNotFound) {
			return inv, ErrInviteUnknown
		}
		return inv, fmt.Errorf("find invite: %w", err)
	}
	if inv.UsedAt.Valid {
		return inv, ErrInviteUsed
	}
	if !now.Before(inv.ExpiresAt) {
		return inv, ErrInviteExpired
	}
	n, err := execCount(ctx, q, redeemInvite, now, inv.ID)
	if err != nil {
		return inv, err
	}
	if n == 0 {
		return inv, ErrInviteUsed
	}
	inv.UsedAt = nullTime(now)
	return inv, nil
}

// InviteUsedBy records which identity redeemed an invite.
func InviteUsedBy(ctx context.Context, q Queryer, inviteID, identityID int64) error {
	return execOne(ctx, q, `UPDATE invites SET used_by = ? WHERE id = ?`, identityID, inviteID)
}

// ExpireInvitesOf ends the unused invites of a beneficiary or staff member (a new one replaces
// them).
func ExpireInvitesOf(ctx context.Context, q Queryer, beneficiaryID, staffID int64, now time.Time) error {
	var err error
	if beneficiaryID != 0 {
		_, err = q.Exec(ctx, `UPDATE invites SET expires_at = ? WHERE beneficiary_id = ? AND used_at IS NULL AND expires_at > ?`, now, beneficiaryID, now)
	} else {
		_, err = q.Exec(ctx, `UPDATE invites SET expires_at = ? WHERE staff_id = ? AND used_at IS NULL AND expires_at > ?`, now, staffID, now)
	}
	if err != nil {
		return fmt.Errorf("expire invites: %w", err)
	}
	return nil
}
