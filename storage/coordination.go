package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Recipient is a beneficiary in a broadcast's audience, with what decides whether the
// broadcast may reach them.
type Recipient struct {
	ID                     int64        `db:"id"`
	Lang                   string       `db:"lang"`
	Territory              string       `db:"territory"`
	Status                 string       `db:"status"`
	ConsentAnnouncementsAt sql.NullTime `db:"consent_announcements_at"`
	AnnouncementsStoppedAt sql.NullTime `db:"announcements_stopped_at"`
	Reachable              bool         `db:"reachable"`
}

// Exclusion reasons of a broadcast's recipients.
const (
	ExcludedStop        = "stop"
	ExcludedNoConsent   = "no_consent"
	ExcludedUnreachable = "unreachable"
)

// Exclusion says why a broadcast may not reach a recipient, or "" when it may. It mirrors
// Beneficiary.WantsAnnouncements, then asks for a reachable identity.
func (r Recipient) Exclusion() string {
	switch {
	case r.AnnouncementsStoppedAt.Valid:
		return ExcludedStop
	case !r.ConsentAnnouncementsAt.Valid || (r.Status != BeneficiaryActive && r.Status != BeneficiaryClosed):
		return ExcludedNoConsent
	case !r.Reachable:
		return ExcludedUnreachable
	}
	return ""
}

// AudienceFilter selects the beneficiaries a broadcast is for (active, and closed ones: announcements follow consent); zero fields do not
// filter.
type AudienceFilter struct {
	Territory string
	Lang      string
	LabID     int64 // enrolled in a scheduled session of this lab
	SessionID int64 // enrolled in this session
}

const selectRecipients = `SELECT b.id, b.lang, b.territory, b.status, b.consent_announcements_at, b.announcements_stopped_at,
CASE WHEN EXISTS (SELECT 1 FROM identities i WHERE i.beneficiary_id = b.id AND i.unreachable_at IS NULL) THEN 1 ELSE 0 END AS reachable
FROM beneficiaries b WHERE b.status IN ('active', 'closed')`

// Recipients lists the active and closed beneficiaries of an audience, by id.
func Recipients(ctx context.Context, q Queryer, f AudienceFilter) ([]Recipient, error) {
	query := selectRecipients
	var args []any
	if f.Territory != "" {
		query += ` AND b.territory = ?`
		args = append(args, f.Territory)
	}
	if f.Lang != "" {
		query += ` AND b.lang = ?`
		args = append(args, f.Lang)
	}
	if f.LabID != 0 {
		query += ` AND b.id IN (SELECT e.beneficiary_id FROM enrolments e JOIN lab_sessions s ON s.id = e.session_id
JOIN lab_modules m ON m.id = s.module_id WHERE m.lab_id = ? AND s.status = 'scheduled')`
		args = append(args, f.LabID)
	}
	if f.SessionID != 0 {
		query += ` AND b.id IN (SELECT e.beneficiary_id FROM enrolments e WHERE e.session_id = ?)`
		args = append(args, f.SessionID)
	}
	var out []Recipient
	if err := q.Select(ctx, &out, query+` ORDER BY b.id`, args...); err != nil {
		return nil, fmt.Errorf("broadcast recipients: %w", err)
	}
	return out, nil
}

// DeliveredTo lists the beneficiaries a broadcast already has a delivery record for (queued
// or excluded), so a second start adds no one twice.
func DeliveredTo(ctx context.Context, q Queryer, broadcastID int64) (map[int64]bool, error) {
	var ids []int64
	if err := q.Select(ctx, &ids, `SELECT beneficiary_id FROM broadcast_deliveries WHERE broadcast_id = ?`, broadcastID); err != nil {
		return nil, fmt.Errorf("broadcast deliveries: %w", err)
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// LockBroadcastProgress takes the broadcast's row lock for the rest of the transaction (so
// concurrent senders reporting the last deliveries see each other's outcome) and returns the
// progress already told, in per cent.
func LockBroadcastProgress(ctx context.Context, q Queryer, broadcastID int64) (int, error) {
	var pct int
	if err := q.Get(ctx, &pct, `UPDATE broadcasts SET progress_pct = progress_pct WHERE id = ? RETURNING progress_pct`, broadcastID); err != nil {
		return 0, fmt.Errorf("lock broadcast %d: %w", broadcastID, err)
	}
	return pct, nil
}

// AdvanceBroadcastProgress records that progress up to pct was told; it reports false when
// that much (or more) was told already.
func AdvanceBroadcastProgress(ctx context.Context, q Queryer, broadcastID int64, pct int) (bool, error) {
	n, err := execCount(ctx, q, `UPDATE broadcasts SET progress_pct = ? WHERE id = ? AND progress_pct < ?`, pct, broadcastID, pct)
	return n == 1, err
}

// BroadcastSummary is a line of the list of recent broadcasts.
type BroadcastSummary struct {
	Broadcast
	Queued   int `db:"queued"`
	Excluded int `db:"excluded"`
	Sent     int `db:"sent"`
}

const selectBroadcastSummaries = `SELECT b.id, b.created_by, b.audience, b.body, b.session_id, b.status, b.scheduled_at,
b.confirmed_at, b.finished_at, b.created_at,
(SELECT COUNT(*) FROM broadcast_deliveries d WHERE d.broadcast_id = b.id AND d.status = 'queued') AS queued,
(SELECT COUNT(*) FROM broadcast_deliveries d WHERE d.broadcast_id = b.id AND d.status = 'excluded') AS excluded,
(SELECT COUNT(*) FROM broadcast_deliveries d JOIN outbox o ON o.id = d.outbox_id WHERE d.broadcast_id = b.id AND o.status = 'sent') AS sent
FROM broadcasts b JOIN staff s ON s.id = b.created_by`

// RecentBroadcasts lists the latest broadcasts, newest first: those created by staff of a
// territory (plus the caller's own, by) when territory is set, all otherwise.
func RecentBroadcasts(ctx context.Context, q Queryer, territory string, by int64, limit int) ([]BroadcastSummary, error) {
	query := selectBroadcastSummaries
	var args []any
	if territory != "" {
		query += ` WHERE s.territory = ? OR b.created_by = ?`
		args = append(args, territory, by)
	}
	args = append(args, limit)
	var out []BroadcastSummary
	if err := q.Select(ctx, &out, query+` ORDER BY b.id DESC LIMIT ?`, args...); err != nil {
		return nil, fmt.Errorf("recent broadcasts: %w", err)
	}
	return out, nil
}

// UpcomingSessions lists the scheduled sessions that have not started, of one territory if
// set, soonest first.
func UpcomingSessions(ctx context.Context, q Queryer, territory string, now time.Time, limit int) ([]Session, error) {
	query := sessionSelect + ` WHERE s.status = 'scheduled' AND s.starts_at > ?`
	args := []any{now}
	if territory != "" {
		query += ` AND s.territory = ?`
		args = append(args, territory)
	}
	args = append(args, limit)
	var out []Session
	if err := q.Select(ctx, &out, query+` ORDER BY s.starts_at, s.id LIMIT ?`, args...); err != nil {
		return nil, fmt.Errorf("upcoming sessions: %w", err)
	}
	return out, nil
}

// AllModules lists every module of every lab, by lab then module.
func AllModules(ctx context.Context, q Queryer) ([]Module, error) {
	var out []Module
	if err := q.Select(ctx, &out, moduleSelect+` ORDER BY m.lab_id, m.id`); err != nil {
		return nil, fmt.Errorf("all modules: %w", err)
	}
	return out, nil
}
