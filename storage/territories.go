package storage

import (
	"context"
	"fmt"
	"strings"
)

// Territory is one of the nine provinces where INSIDE AUT works, by its province code.
type Territory struct {
	Code   string `db:"code"`
	Name   string `db:"name"`
	Region string `db:"region"`
}

const selectTerritories = `SELECT code, name, region FROM territories ORDER BY code`

// Territories lists the project's territories by code.
func Territories(ctx context.Context, q Queryer) ([]Territory, error) {
	var out []Territory
	if err := q.Select(ctx, &out, selectTerritories); err != nil {
		return nil, fmt.Errorf("list territories: %w", err)
	}
	return out, nil
}

const selectTerritory = `SELECT code, name, region FROM territories WHERE code = ?`

// TerritoryByCode finds a territory by its province code (case-insensitive).
func TerritoryByCode(ctx context.Context, q Queryer, code string) (Territory, error) {
	var t Territory
	if err := q.Get(ctx, &t, selectTerritory, strings.ToUpper(strings.TrimSpace(code))); err != nil {
		return t, fmt.Errorf("territory %q: %w", code, err)
	}
	return t, nil
}

const nextBeneficiarySeq = `UPDATE territories SET beneficiary_seq = beneficiary_seq + 1 WHERE code = ? RETURNING beneficiary_seq`

// nextBeneficiaryCode allocates the next pseudonymous code of a territory, such as MI-007.
func nextBeneficiaryCode(ctx context.Context, q Queryer, territory string) (string, error) {
	var seq int
	if err := q.Get(ctx, &seq, nextBeneficiarySeq, territory); err != nil {
		return "", fmt.Errorf("allocate beneficiary code in %s: %w", territory, err)
	}
	return fmt.Sprintf("%s-%03d", territory, seq), nil
}
