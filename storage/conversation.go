package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Directions of a conversation message.
const (
	ToTutor  = "to_tutor"  // the beneficiary wrote to their tutor
	ToPerson = "to_person" // the tutor wrote to the beneficiary
)

// ConversationMessage is one message between a beneficiary and their tutor.
type ConversationMessage struct {
	ID            int64          `db:"id"`
	BeneficiaryID int64          `db:"beneficiary_id"`
	StaffID       sql.NullInt64  `db:"staff_id"`
	Direction     string         `db:"direction"`
	Body          string         `db:"body"`
	MediaKind     sql.NullString `db:"media_kind"`
	CreatedAt     time.Time      `db:"created_at"`
}

// NewConversationMessage is a message to record: Body is the text (or a file's caption, ""
// for none), MediaKind the kind of file passed on with it ("" for none).
type NewConversationMessage struct {
	BeneficiaryID int64
	StaffID       int64 // 0: no tutor yet
	Direction     string
	Body          string
	MediaKind     string
}

// AppendConversation records a message between a beneficiary and their tutor.
func AppendConversation(ctx context.Context, q Queryer, m NewConversationMessage, now time.Time) (int64, error) {
	if m.Direction != ToTutor && m.Direction != ToPerson {
		return 0, fmt.Errorf("conversation message: direction %q", m.Direction)
	}
	var id int64
	if err := q.Get(ctx, &id, `INSERT INTO conversation_messages (beneficiary_id, staff_id, direction, body, media_kind, created_at)
VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, m.BeneficiaryID, nullInt(m.StaffID), m.Direction, m.Body, nullString(m.MediaKind), now); err != nil {
		return 0, fmt.Errorf("conversation message: %w", err)
	}
	return id, nil
}

// ConversationOf lists up to limit of a beneficiary's messages with their tutor older than
// the message before (0: the newest), newest first.
func ConversationOf(ctx context.Context, q Queryer, beneficiaryID, before int64, limit int) ([]ConversationMessage, error) {
	var out []ConversationMessage
	cond, args := "", []any{beneficiaryID}
	if before > 0 {
		cond, args = " AND id < ?", append(args, before)
	}
	if err := q.Select(ctx, &out, `SELECT id, beneficiary_id, staff_id, direction, body, media_kind, created_at
FROM conversation_messages WHERE beneficiary_id = ?`+cond+` ORDER BY id DESC LIMIT ?`, append(args, limit)...); err != nil {
		return nil, fmt.Errorf("conversation: %w", err)
	}
	return out, nil
}

// ConversationMessagesByID finds the conversation messages with these ids, by id: one purged
// by the retention or erased is absent.
func ConversationMessagesByID(ctx context.Context, q Queryer, ids []int64) (map[int64]ConversationMessage, error) {
	out := make(map[int64]ConversationMessage, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	var msgs []ConversationMessage
	if err := q.Select(ctx, &msgs, `SELECT id, beneficiary_id, staff_id, direction, body, media_kind, created_at
FROM conversation_messages WHERE id IN (`+placeholders(len(ids))+`)`, args...); err != nil {
		return nil, fmt.Errorf("conversation messages: %w", err)
	}
	for _, m := range msgs {
		out[m.ID] = m
	}
	return out, nil
}

// PurgeConversations applies the retention to the conversations: messages written before
// `before` are removed, batch rows at a time from where the last purge stopped.
func PurgeConversations(ctx context.Context, db *DB, before time.Time) (int64, error) {
	return purgeOlder(ctx, db, "conversation_messages", before)
}
