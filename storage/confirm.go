package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// A destructive button (erasure, sending a broadcast, cancelling a session, closing a lead,
// overfilling a session) carries a one-time token issued with the question it answers. The
// server keeps the token's SHA-256, the identity it was shown to, the action and the record it
// is about; pressing the button takes the token, once. A button made up by hand, pressed twice
// or pressed from another chat finds nothing.

// confirmTokenBytes is the size of a token: 16 bytes, 22 characters in a button's payload.
const confirmTokenBytes = 16

func confirmTokenHash(token string) string {
	sum := sha256.Sum256([]byte("insidebot-confirm:" + token))
	return hex.EncodeToString(sum[:])
}

// IssueConfirmToken makes a token for identityID to confirm action on target until now+ttl, and
// forgets tokens that expired.
func IssueConfirmToken(ctx context.Context, q Queryer, identityID int64, action, target string, ttl time.Duration, now time.Time) (string, error) {
	b := make([]byte, confirmTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("confirm token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	if _, err := q.Exec(ctx, `DELETE FROM confirm_tokens WHERE expires_at < ?`, now); err != nil {
		return "", fmt.Errorf("forget expired confirm tokens: %w", err)
	}
	if _, err := q.Exec(ctx, `INSERT INTO confirm_tokens (token_hash, identity_id, action, target, expires_at, created_at)
VALUES (?, ?, ?, ?, ?, ?)`, confirmTokenHash(token), identityID, action, target, now.Add(ttl), now); err != nil {
		return "", fmt.Errorf("issue confirm token: %w", err)
	}
	return token, nil
}

// TakeConfirmToken uses up a token issued to identityID for action and returns its target; ok
// is false when there is no such token (forged, used already, expired, another chat's or
// another action's). Call it in the transaction of the change it confirms: if that rolls
// back, the token stays.
func TakeConfirmToken(ctx context.Context, q Queryer, token string, identityID int64, action string, now time.Time) (target string, ok bool, err error) {
	if token == "" {
		return "", false, nil
	}
	err = q.Get(ctx, &target, `DELETE FROM confirm_tokens WHERE token_hash = ? AND identity_id = ? AND action = ? AND expires_at > ?
RETURNING target`, confirmTokenHash(token), identityID, action, now)
	if errors.Is(err, ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("take confirm token: %w", err)
	}
	return target, true, nil
}
