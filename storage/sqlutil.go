package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// execOne runs a statement that must change exactly one row; none gives ErrNotFound.
func execOne(ctx context.Context, q Queryer, query string, args ...any) error {
	n, err := execCount(ctx, q, query, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// execCount runs a statement and returns how many rows it changed.
func execCount(ctx context.Context, q Queryer, query string, args ...any) (int64, error) {
	res, err := q.Exec(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", firstLine(query), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("rows affected: %w", err)
	}
	return n, nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func nullInt(v int64) sql.NullInt64 { return sql.NullInt64{Int64: v, Valid: v != 0} }

func nullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: !t.IsZero()} }

// NullTimeOf is a helper for callers that set or clear a time column.
func NullTimeOf(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: *t, Valid: true}
}
