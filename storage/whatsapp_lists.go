package storage

import (
	"context"
	"fmt"
	"time"
)

// ChoiceList is the list of choices last shown to a WhatsApp chat a page at a time: Token
// names it in the "more" rows, Payload is what the channel needs to render another page.
type ChoiceList struct {
	ChatID    string    `db:"chat_id"`
	Token     string    `db:"token"`
	Payload   string    `db:"payload"`
	UpdatedAt time.Time `db:"updated_at"`
}

const upsertChoiceList = `INSERT INTO whatsapp_lists (chat_id, token, payload, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (chat_id) DO UPDATE SET token = excluded.token, payload = excluded.payload, updated_at = excluded.updated_at`

// SaveChoiceList makes a list the chat's current one, replacing the one before.
func SaveChoiceList(ctx context.Context, q Queryer, l ChoiceList) error {
	if _, err := q.Exec(ctx, upsertChoiceList, l.ChatID, l.Token, l.Payload, l.UpdatedAt); err != nil {
		return fmt.Errorf("save choice list: %w", err)
	}
	return nil
}

// ChoiceListOf returns the chat's current list; ErrNotFound when it has none.
func ChoiceListOf(ctx context.Context, q Queryer, chatID string) (ChoiceList, error) {
	var l ChoiceList
	if err := q.Get(ctx, &l, `SELECT chat_id, token, payload, updated_at FROM whatsapp_lists WHERE chat_id = ?`, chatID); err != nil {
		return l, fmt.Errorf("choice list: %w", err)
	}
	return l, nil
}

// PurgeChoiceLists forgets lists last shown before a time and returns how many.
func PurgeChoiceLists(ctx context.Context, q Queryer, before time.Time) (int64, error) {
	return execCount(ctx, q, `DELETE FROM whatsapp_lists WHERE updated_at < ?`, before)
}

// ForgetWhatsAppChat removes what the WhatsApp channel keeps about a chat (its list of choices,
// the messages kept in case they fail outside the window, its closed windows): part of erasing
// a person.
func ForgetWhatsAppChat(ctx context.Context, q Queryer, chatID string) error {
	if _, err := q.Exec(ctx, `DELETE FROM whatsapp_lists WHERE chat_id = ?`, chatID); err != nil {
		return fmt.Errorf("forget whatsapp chat: %w", err)
	}
	if _, err := q.Exec(ctx, `DELETE FROM whatsapp_fallbacks WHERE chat_id = ?`, chatID); err != nil {
		return fmt.Errorf("forget whatsapp chat: %w", err)
	}
	if _, err := q.Exec(ctx, `DELETE FROM whatsapp_windows WHERE chat_id = ?`, chatID); err != nil {
		return fmt.Errorf("forget whatsapp chat: %w", err)
	}
	return nil
}

// windowOf is how a window is named in whatsapp_windows: by the person's last inbound message
// before it closed (the epoch for someone who never wrote).
func windowOf(lastInbound time.Time) time.Time {
	if lastInbound.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return lastInbound.UTC()
}

// NoteWindowClosed records that the closing of a chat's window (the one that opened when its
// person last wrote, at lastInbound) is being announced: true for the first call per window,
// whose caller sends the one template.
func NoteWindowClosed(ctx context.Context, q Queryer, chatID string, lastInbound, now time.Time) (bool, error) {
	n, err := execCount(ctx, q, `INSERT INTO whatsapp_windows (chat_id, notified_for, notified_at) VALUES (?, ?, ?)
ON CONFLICT (chat_id) DO UPDATE SET notified_for = excluded.notified_for, notified_at = excluded.notified_at
WHERE whatsapp_windows.notified_for < excluded.notified_for`, chatID, windowOf(lastInbound), now)
	if err != nil {
		return false, fmt.Errorf("note closed window: %w", err)
	}
	return n > 0, nil
}

// ForgetWindowNote undoes NoteWindowClosed (the template could not be sent: the next attempt
// sends it).
func ForgetWindowNote(ctx context.Context, q Queryer, chatID string, lastInbound time.Time) error {
	if _, err := q.Exec(ctx, `DELETE FROM whatsapp_windows WHERE chat_id = ? AND notified_for = ?`, chatID, windowOf(lastInbound)); err != nil {
		return fmt.Errorf("forget closed window: %w", err)
	}
	return nil
}
