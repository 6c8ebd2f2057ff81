package storage

import (
	"context"
	"fmt"
)

// AuditPageQuery selects a page of the audit log for the desk: newest first, before an entry
// (0: from the newest), of a territory ("" every entry).
type AuditPageQuery struct {
	Territory string
	Before    int64
	Limit     int
}

// auditOfTerritory is what makes an audit entry a territory's: done by its staff or its
// people, or done to its people, their plan steps and alerts, its leads, or the territory
// itself. An entry about nothing attributable (a failed sign-in, the bot's own work on a
// broadcast) is in no territory's.
const auditOfTerritory = ` AND (
 (actor_kind = 'staff' AND actor_id IN (SELECT id FROM staff WHERE territory = ?))
 OR (actor_kind = 'beneficiary' AND actor_id IN (SELECT id FROM beneficiaries WHERE territory = ?))
 OR (target_kind = 'beneficiary' AND target_id IN (SELECT CAST(id AS TEXT) FROM beneficiaries WHERE territory = ?))
 OR (target_kind = 'plan_step' AND target_id IN (SELECT CAST(s.id AS TEXT) FROM plan_steps s
     JOIN beneficiaries b ON b.id = s.beneficiary_id WHERE b.territory = ?))
 OR (target_kind = 'alert' AND target_id IN (SELECT CAST(a.id AS TEXT) FROM alerts a
     JOIN beneficiaries b ON b.id = a.beneficiary_id WHERE b.territory = ?))
 OR (target_kind = 'lead' AND target_id IN (SELECT CAST(id AS TEXT) FROM leads WHERE territory = ?))
 OR (target_kind = 'territory' AND target_id = ?))`

// AuditPage lists one page of audit entries, newest first.
func AuditPage(ctx context.Context, q Queryer, pq AuditPageQuery) ([]AuditEntry, error) {
	query := `SELECT id, at, actor_kind, actor_id, action, target_kind, target_id, outcome, detail FROM audit_log WHERE 1=1`
	var args []any
	if pq.Before > 0 {
		query += ` AND id < ?`
		args = append(args, pq.Before)
	}
	if pq.Territory != "" {
		query += auditOfTerritory
		for range 7 {
			args = append(args, pq.Territory)
		}
	}
	if pq.Limit <= 0 {
		pq.Limit = 50
	}
	query += ` ORDER BY id DESC LIMIT ?`
	var out []AuditEntry
	if err := q.Select(ctx, &out, query, append(args, pq.Limit)...); err != nil {
		return nil, fmt.Errorf("audit page: %w", err)
	}
	return out, nil
}
