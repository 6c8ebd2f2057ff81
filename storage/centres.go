package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Centre is a reception centre of a territory: where beneficiaries were hosted and where
// operators work.
type Centre struct {
	ID        int64     `db:"id"`
	Territory string    `db:"territory"`
	Name      string    `db:"name"`
	CreatedAt time.Time `db:"created_at"`
}

// MaxCentreName is the longest centre name kept, in characters.
const MaxCentreName = 120

// CentreName tidies a typed centre name: spaces collapsed, at most MaxCentreName runes. The
// same name typed twice finds the same centre.
func CentreName(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > MaxCentreName {
		s = string(r[:MaxCentreName])
	}
	return s
}

// EnsureCentre finds the centre of a territory by name (as CentreName tidies it, compared
// without case) or creates it.
func EnsureCentre(ctx context.Context, q Queryer, territory, name string, now time.Time) (Centre, error) {
	name = CentreName(name)
	if name == "" {
		return Centre{}, fmt.Errorf("centre: empty name")
	}
	c, err := CentreByName(ctx, q, territory, name)
	if err == nil || !errors.Is(err, ErrNotFound) {
		return c, err
	}
	var id int64
	if err := q.Get(ctx, &id, `INSERT INTO centres (territory, name, created_at) VALUES (?, ?, ?) RETURNING id`,
		territory, name, now); err != nil {
		return Centre{}, fmt.Errorf("create centre: %w", err)
	}
	return CentreByID(ctx, q, id)
}

// CentreByName finds a territory's centre by name, without case.
func CentreByName(ctx context.Context, q Queryer, territory, name string) (Centre, error) {
	var c Centre
	if err := q.Get(ctx, &c, `SELECT id, territory, name, created_at FROM centres WHERE territory = ? AND lower(name) = lower(?)
ORDER BY id LIMIT 1`, territory, CentreName(name)); err != nil {
		return c, fmt.Errorf("centre %s %q: %w", territory, name, err)
	}
	return c, nil
}

// CentreByID finds a centre.
func CentreByID(ctx context.Context, q Queryer, id int64) (Centre, error) {
	var c Centre
	if err := q.Get(ctx, &c, `SELECT id, territory, name, created_at FROM centres WHERE id = ?`, id); err != nil {
		return c, fmt.Errorf("centre %d: %w", id, err)
	}
	return c, nil
}

// SetBeneficiaryCentre links a beneficiary to a reception centre (0: none).
func SetBeneficiaryCentre(ctx context.Context, q Queryer, beneficiaryID, centreID int64) error {
	return execOne(ctx, q, `UPDATE beneficiaries SET centre_id = ? WHERE id = ?`, nullInt(centreID), beneficiaryID)
}
