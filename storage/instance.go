package storage

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Instance modes: what a database is for.
const (
	ModeDemo = "demo" // created by serve --demo: invented people only
	ModeReal = "real" // real people: serve without --demo, invite or import wrote to it
)

// InstanceMode is the database's mode, or "" when none was recorded (an empty database, or
// one written by a version that did not record it).
func InstanceMode(ctx context.Context, q Queryer) (string, error) {
	var mode string
	err := q.Get(ctx, &mode, `SELECT mode FROM instance_mode WHERE id = 1`)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("instance mode: %w", err)
	}
	return mode, nil
}

// SetInstanceMode records what the database is for.
func SetInstanceMode(ctx context.Context, q Queryer, mode string, now time.Time) error {
	if _, err := q.Exec(ctx, `INSERT INTO instance_mode (id, mode, set_at) VALUES (1, ?, ?)
ON CONFLICT (id) DO UPDATE SET mode = excluded.mode, set_at = excluded.set_at`, mode, now); err != nil {
		return fmt.Errorf("set instance mode: %w", err)
	}
	return nil
}

// MarkReal records that the database holds real people, unless it already says so.
func MarkReal(ctx context.Context, q Queryer, now time.Time) error {
	mode, err := InstanceMode(ctx, q)
	if err != nil || mode == ModeReal {
		return err
	}
	return SetInstanceMode(ctx, q, ModeReal, now)
}

// Population counts who a database holds: staff, beneficiaries not erased, and accounts on
// Telegram and WhatsApp (the demo has none: it talks through the web chat only).
type Population struct {
	Staff         int `db:"staff"`
	Beneficiaries int `db:"beneficiaries"`
	Platform      int `db:"platform"`
	// CLIWrites counts invites and imports made from the command line (the demo makes none).
	CLIWrites int `db:"cli"`
}

// Empty tells whether nobody is in the database.
func (p Population) Empty() bool { return p.Staff == 0 && p.Beneficiaries == 0 && p.Platform == 0 }

// PopulationOf counts who a database holds.
func PopulationOf(ctx context.Context, q Queryer) (Population, error) {
	var p Population
	if err := q.Get(ctx, &p, `SELECT (SELECT COUNT(*) FROM staff) AS staff,
(SELECT COUNT(*) FROM beneficiaries WHERE status <> 'erased') AS beneficiaries,
(SELECT COUNT(*) FROM identities WHERE channel IN ('telegram', 'whatsapp')) AS platform,
(SELECT COUNT(*) FROM audit_log WHERE actor_kind = 'cli' AND (action = 'invite' OR action LIKE 'import %')) AS cli`); err != nil {
		return p, fmt.Errorf("population: %w", err)
	}
	return p, nil
}
