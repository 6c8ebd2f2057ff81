package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// The desk's way in: one-time login links and sessions. Both are random tokens handed to the
// staff member (in a URL, in a cookie) and kept here only as SHA-256 hashes, so a copy of the
// database opens nothing. The rules (who may have one, how long each lasts) are desk/access's.

// deskTokenBytes is the size of a link or session token: 32 random bytes, 43 characters.
const deskTokenBytes = 32

func deskTokenHash(kind, token string) string {
	sum := sha256.Sum256([]byte("insidebot-desk-" + kind + ":" + token))
	return hex.EncodeToString(sum[:])
}

func newDeskToken() (string, error) {
	b := make([]byte, deskTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("desk token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// DeskLink is a one-time login link to the desk.
type DeskLink struct {
	StaffID   int64        `db:"staff_id"`
	ExpiresAt time.Time    `db:"expires_at"`
	UsedAt    sql.NullTime `db:"used_at"`
	CreatedAt time.Time    `db:"created_at"`
}

const insertDeskLink = `INSERT INTO desk_login_links (token_hash, staff_id, expires_at, created_at) VALUES (?, ?, ?, ?)`

// IssueDeskLink makes a login link token for a staff member, valid until expiresAt.
func IssueDeskLink(ctx context.Context, q Queryer, staffID int64, expiresAt, now time.Time) (string, error) {
	token, err := newDeskToken()
	if err != nil {
		return "", err
	}
	if _, err := q.Exec(ctx, insertDeskLink, deskTokenHash("link", token), staffID, expiresAt, now); err != nil {
		return "", fmt.Errorf("issue desk link: %w", err)
	}
	return token, nil
}

// DeskLinkByToken finds a login link by its token, used or not (ErrNotFound when none).
func DeskLinkByToken(ctx context.Context, q Queryer, token string) (DeskLink, error) {
	var l DeskLink
	err := q.Get(ctx, &l, `SELECT staff_id, expires_at, used_at, created_at FROM desk_login_links WHERE token_hash = ?`,
		deskTokenHash("link", token))
	if err != nil {
		return l, fmt.Errorf("desk link: %w", err)
	}
	return l, nil
}

const useDeskLink = `UPDATE desk_login_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
RETURNING staff_id`

// UseDeskLink uses up a login link and returns its staff member; ok is false when the link is
// unknown, used already or expired. Of two uses at once, one gets it. Call it in the
// transaction that starts the session: if that rolls back, the link stays unused.
func UseDeskLink(ctx context.Context, q Queryer, token string, now time.Time) (staffID int64, ok bool, err error) {
	if token == "" {
		return 0, false, nil
	}
	err = q.Get(ctx, &staffID, useDeskLink, now, deskTokenHash("link", token), now)
	if errors.Is(err, ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("use desk link: %w", err)
	}
	return staffID, true, nil
}

// ForgetDeskLinks deletes the login links that expired before t.
func ForgetDeskLinks(ctx context.Context, q Queryer, t time.Time) error {
	if _, err := q.Exec(ctx, `DELETE FROM desk_login_links WHERE expires_at < ?`, t); err != nil {
		return fmt.Errorf("forget desk links: %w", err)
	}
	return nil
}

// DeskSession is a signed-in browser of a staff member.
type DeskSession struct {
	StaffID    int64     `db:"staff_id"`
	CreatedAt  time.Time `db:"created_at"`
	LastSeenAt time.Time `db:"last_seen_at"`
}

// CreateDeskSession starts a session for a staff member and returns its token (for the cookie).
func CreateDeskSession(ctx context.Context, q Queryer, staffID int64, now time.Time) (string, error) {
	token, err := newDeskToken()
	if err != nil {
		return "", err
	}
	if _, err := q.Exec(ctx, `INSERT INTO desk_sessions (token_hash, staff_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)`,
		deskTokenHash("session", token), staffID, now, now); err != nil {
		return "", fmt.Errorf("create desk session: %w", err)
	}
	return token, nil
}

// DeskSessionByToken finds a session by its token (ErrNotFound when none).
func DeskSessionByToken(ctx context.Context, q Queryer, token string) (DeskSession, error) {
	var s DeskSession
	err := q.Get(ctx, &s, `SELECT staff_id, created_at, last_seen_at FROM desk_sessions WHERE token_hash = ?`,
		deskTokenHash("session", token))
	if err != nil {
		return s, fmt.Errorf("desk session: %w", err)
	}
	return s, nil
}

// TouchDeskSession records that a session was used at now.
func TouchDeskSession(ctx context.Context, q Queryer, token string, now time.Time) error {
	if _, err := q.Exec(ctx, `UPDATE desk_sessions SET last_seen_at = ? WHERE token_hash = ?`, now, deskTokenHash("session", token)); err != nil {
		return fmt.Errorf("touch desk session: %w", err)
	}
	return nil
}

// EndDeskSession ends one session; it reports whether there was one.
func EndDeskSession(ctx context.Context, q Queryer, token string) (bool, error) {
	n, err := execCount(ctx, q, `DELETE FROM desk_sessions WHERE token_hash = ?`, deskTokenHash("session", token))
	return n == 1, err
}

// EndDeskSessionsOf ends every session of a staff member and returns how many it ended.
func EndDeskSessionsOf(ctx context.Context, q Queryer, staffID int64) (int64, error) {
	return execCount(ctx, q, `DELETE FROM desk_sessions WHERE staff_id = ?`, staffID)
}

// ForgetDeskSessions deletes the sessions last used before t.
func ForgetDeskSessions(ctx context.Context, q Queryer, t time.Time) error {
	if _, err := q.Exec(ctx, `DELETE FROM desk_sessions WHERE last_seen_at < ?`, t); err != nil {
		return fmt.Errorf("forget desk sessions: %w", err)
	}
	return nil
}
