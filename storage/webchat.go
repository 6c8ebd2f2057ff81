package storage

import (
	"context"
	"fmt"
	"time"
)

// WebchatSession is a browser talking to the bot through the web chat. ChatID is the SHA-256
// (hex) of the session's token: the token itself is never stored.
type WebchatSession struct {
	ChatID     string    `db:"chat_id"`
	Lang       string    `db:"lang"`
	CreatedAt  time.Time `db:"created_at"`
	LastSeenAt time.Time `db:"last_seen_at"`
}

// CreateWebchatSession records a new session.
func CreateWebchatSession(ctx context.Context, q Queryer, chatID, lang string, now time.Time) error {
	if _, err := q.Exec(ctx, `INSERT INTO webchat_sessions (chat_id, lang, created_at, last_seen_at) VALUES (?, ?, ?, ?)`,
		chatID, lang, now, now); err != nil {
		return fmt.Errorf("create webchat session: %w", err)
	}
	return nil
}

// WebchatSessionByChat finds a session by its chat id (ErrNotFound when there is none).
func WebchatSessionByChat(ctx context.Context, q Queryer, chatID string) (WebchatSession, error) {
	var s WebchatSession
	if err := q.Get(ctx, &s, `SELECT chat_id, lang, created_at, last_seen_at FROM webchat_sessions WHERE chat_id = ?`, chatID); err != nil {
		return s, fmt.Errorf("webchat session: %w", err)
	}
	return s, nil
}

// TouchWebchatSession records that a session was used.
func TouchWebchatSession(ctx context.Context, q Queryer, chatID string, now time.Time) error {
	if _, err := q.Exec(ctx, `UPDATE webchat_sessions SET last_seen_at = ? WHERE chat_id = ?`, now, chatID); err != nil {
		return fmt.Errorf("touch webchat session: %w", err)
	}
	return nil
}

// WebchatMessage is a message the bot sent to a web-chat session; the page fetches them.
type WebchatMessage struct {
	ID        int64     `db:"id"`
	ChatID    string    `db:"chat_id"`
	Payload   string    `db:"payload"`
	CreatedAt time.Time `db:"created_at"`
}

// AppendWebchat stores a message for a web-chat session and returns its id.
func AppendWebchat(ctx context.Context, q Queryer, chatID, payload string, now time.Time) (int64, error) {
	var id int64
	if err := q.Get(ctx, &id, `INSERT INTO webchat_messages (chat_id, payload, created_at) VALUES (?, ?, ?) RETURNING id`,
		chatID, payload, now); err != nil {
		return 0, fmt.Errorf("append webchat message: %w", err)
	}
	return id, nil
}

// WebchatAfter lists a session's messages with id greater than after, oldest first.
func WebchatAfter(ctx context.Context, q Queryer, chatID string, after int64, limit int) ([]WebchatMessage, error) {
	var out []WebchatMessage
	if err := q.Select(ctx, &out, `SELECT id, chat_id, payload, created_at FROM webchat_messages WHERE chat_id = ? AND id > ?
ORDER BY id LIMIT ?`, chatID, after, limit); err != nil {
		return nil, fmt.Errorf("webchat messages: %w", err)
	}
	return out, nil
}
