package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// States of a media transit item.
const (
	MediaPending = "pending" // the bytes are still on the platform they came from
	MediaStored  = "stored"  // the bytes are in media_chunks, encrypted
)

// MediaTransit is a file kept only while it is passed on between people (media.Store holds the
// rules: limits, types, encryption). OwnerID is the beneficiary it is about; erasing them
// removes it.
type MediaTransit struct {
	ID            string         `db:"id"`
	OwnerID       sql.NullInt64  `db:"owner_id"`
	Kind          string         `db:"kind"`
	MIME          string         `db:"mime"`
	Name          string         `db:"name"`
	Size          int64          `db:"size"`
	State         string         `db:"state"`
	SourceChannel string         `db:"source_channel"`
	SourceRef     string         `db:"source_ref"`
	Chunks        int            `db:"chunks"`
	WebchatChat   sql.NullString `db:"webchat_chat"`
	CreatedAt     time.Time      `db:"created_at"`
	ExpiresAt     time.Time      `db:"expires_at"`
}

const mediaTransitColumns = `id, owner_id, kind, mime, name, size, state, source_channel, source_ref, chunks, webchat_chat,
created_at, expires_at`

// insertMediaTransit keeps an id already used (a retried web-chat upload has the same id).
const insertMediaTransit = `INSERT INTO media_transit (id, owner_id, kind, mime, name, size, state, source_channel, source_ref,
chunks, webchat_chat, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`

// InsertMediaTransit records an item (without its bytes) and tells whether it is new: an item
// with the same id is left as it is.
func InsertMediaTransit(ctx context.Context, q Queryer, m MediaTransit) (bool, error) {
	n, err := execCount(ctx, q, insertMediaTransit, m.ID, m.OwnerID, m.Kind, m.MIME, m.Name, m.Size, m.State,
		m.SourceChannel, m.SourceRef, m.Chunks, m.WebchatChat, m.CreatedAt, m.ExpiresAt)
	if err != nil {
		return false, fmt.Errorf("insert media transit: %w", err)
	}
	return n == 1, nil
}

// liveMediaTransit is an item that may still be used: not expired, its owner not erased.
const liveMediaTransit = `SELECT ` + mediaTransitColumns + ` FROM media_transit WHERE id = ? AND expires_at > ?
AND (owner_id IS NULL OR owner_id NOT IN (SELECT id FROM beneficiaries WHERE status = 'erased'))`

// MediaTransitByID finds an item that may still be used at now; ErrNotFound when there is
// none, it expired, or its owner's data was erased.
func MediaTransitByID(ctx context.Context, q Queryer, id string, now time.Time) (MediaTransit, error) {
	var m MediaTransit
	if err := q.Get(ctx, &m, liveMediaTransit, id, now); err != nil {
		return m, fmt.Errorf("media transit: %w", err)
	}
	return m, nil
}

// StoreMediaChunks writes an item's encrypted bytes, chunk by chunk, replacing any, and marks
// it stored with the type and size its bytes showed. Run it in a transaction: the item is
// stored with all its chunks or not at all.
func StoreMediaChunks(ctx context.Context, q Queryer, id, mime string, size int64, chunks [][]byte) error {
	if _, err := q.Exec(ctx, `DELETE FROM media_chunks WHERE transit_id = ?`, id); err != nil {
		return fmt.Errorf("store media: clear chunks: %w", err)
	}
	for i, c := range chunks {
		if _, err := q.Exec(ctx, `INSERT INTO media_chunks (transit_id, seq, data) VALUES (?, ?, ?)`, id, i, c); err != nil {
			return fmt.Errorf("store media: chunk %d: %w", i, err)
		}
	}
	if err := execOne(ctx, q, `UPDATE media_transit SET state = 'stored', mime = ?, size = ?, chunks = ? WHERE id = ?`,
		mime, size, len(chunks), id); err != nil {
		return fmt.Errorf("store media: %w", err)
	}
	return nil
}

// MediaChunk reads one encrypted chunk of an item.
func MediaChunk(ctx context.Context, q Queryer, id string, seq int) ([]byte, error) {
	var b []byte
	if err := q.Get(ctx, &b, `SELECT data FROM media_chunks WHERE transit_id = ? AND seq = ?`, id, seq); err != nil {
		return nil, fmt.Errorf("media chunk %d: %w", seq, err)
	}
	return b, nil
}

// SetMediaOwner names the beneficiary an item is about.
func SetMediaOwner(ctx context.Context, q Queryer, id string, ownerID int64) error {
	if err := execOne(ctx, q, `UPDATE media_transit SET owner_id = ? WHERE id = ?`, nullInt(ownerID), id); err != nil {
		return fmt.Errorf("media owner: %w", err)
	}
	return nil
}

// GrantMediaToWebchat lets one web-chat session download an item (the session it was sent to).
func GrantMediaToWebchat(ctx context.Context, q Queryer, id, chatID string) error {
	if err := execOne(ctx, q, `UPDATE media_transit SET webchat_chat = ? WHERE id = ?`, chatID, id); err != nil {
		return fmt.Errorf("media grant: %w", err)
	}
	return nil
}

// DeleteMediaTransit deletes an item and its bytes; false when there was none.
func DeleteMediaTransit(ctx context.Context, q Queryer, id string) (bool, error) {
	n, err := execCount(ctx, q, `DELETE FROM media_transit WHERE id = ?`, id)
	if err != nil {
		return false, fmt.Errorf("delete media transit: %w", err)
	}
	return n > 0, nil
}

// purgeMediaTransit is every item past its time or about someone erased.
const purgeMediaTransit = `DELETE FROM media_transit WHERE expires_at <= ?
OR owner_id IN (SELECT id FROM beneficiaries WHERE status = 'erased')`

// PurgeMediaTransit deletes the items expired at now and those whose owner's data was erased,
// with their bytes, and returns how many.
func PurgeMediaTransit(ctx context.Context, q Queryer, now time.Time) (int64, error) {
	n, err := execCount(ctx, q, purgeMediaTransit, now)
	if err != nil {
		return 0, fmt.Errorf("purge media transit: %w", err)
	}
	return n, nil
}

// DeleteMediaOf deletes every item about a beneficiary (erasure), with their bytes, and
// returns how many. It runs in the caller's transaction.
func DeleteMediaOf(ctx context.Context, q Queryer, beneficiaryID int64) (int64, error) {
	n, err := execCount(ctx, q, `DELETE FROM media_transit WHERE owner_id = ?`, beneficiaryID)
	if err != nil {
		return 0, fmt.Errorf("delete media of a beneficiary: %w", err)
	}
	return n, nil
}
