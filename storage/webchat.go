package storage

import (
	"context"
	"fmt"
	"time"
)

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
