// Package storage holds insidebot's data: SQL (PostgreSQL in production, embedded SQLite by
// default) is the truth; Redis holds what may be lost (conversation state, rate limits, locks).
//
// Queries are written once with '?' placeholders and rebound per dialect. Every function takes a
// context and a Queryer, which is either the *DB or a *Tx, so the same function runs inside the
// transaction of an inbound update or on its own.
package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	_ "modernc.org/sqlite" // the embedded default
)

// Dialect names the SQL engine behind a DB.
type Dialect int

const (
	// Postgres is PostgreSQL through lib/pq.
	Postgres Dialect = iota
	// SQLite is the embedded modernc.org/sqlite.
	SQLite
)

func (d Dialect) String() string {
	if d == SQLite {
		return "sqlite"
	}
	return "postgres"
}

// ErrNotFound is returned when a looked-up record does not exist.
var ErrNotFound = errors.New("not found")

// Queryer runs SQL written with '?' placeholders. *DB and *Tx satisfy it.
type Queryer interface {
	Get(ctx context.Context, dest any, query string, args ...any) error
	Select(ctx context.Context, dest any, query string, args ...any) error
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Dialect() Dialect
}

// DB is the SQL database.
type DB struct {
	x       *sqlx.DB
	dialect Dialect
	counts  *counts
}

// counts are the round trips a DB has made: statements, and transactions (each a BEGIN and a
// COMMIT or ROLLBACK besides its statements).
type counts struct {
	statements, transactions atomic.Int64
}

// Counts are a DB's round trips since it was opened.
type Counts struct {
	Statements   int64 // queries and statements, in transactions or not
	Transactions int64 // transactions begun
}

// RoundTrips is statements plus the BEGIN and the COMMIT (or ROLLBACK) of each transaction.
func (c Counts) RoundTrips() int64 { return c.Statements + 2*c.Transactions }

// Sub is the difference from an earlier reading.
func (c Counts) Sub(earlier Counts) Counts {
	return Counts{Statements: c.Statements - earlier.Statements, Transactions: c.Transactions - earlier.Transactions}
}

// Counts tells how many statements and transactions the DB has run (the statement count of
// an update, in tests and benchmarks).
func (db *DB) Counts() Counts {
	return Counts{Statements: db.counts.statements.Load(), Transactions: db.counts.transactions.Load()}
}

// Open connects to the database named by databaseURL, or, when it is empty, to the embedded
// SQLite file insidebot.db under dataDir. It checks the connection before returning.
func Open(ctx context.Context, databaseURL, dataDir string) (*DB, error) {
	driver, dsn, dialect, err := dataSource(databaseURL, dataDir)
	if err != nil {
		return nil, err
	}
	x, err := sqlx.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dialect, err)
	}
	db := &DB{x: x, dialect: dialect, counts: &counts{}}
	if dialect == SQLite {
		// One writer at a time; readers are cheap. Immediate transactions and a busy timeout
		// (in the DSN) make writers wait instead of failing.
		x.SetMaxOpenConns(8)
	} else {
		x.SetMaxOpenConns(32)
		x.SetMaxIdleConns(32)
		x.SetConnMaxIdleTime(5 * time.Minute)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := x.PingContext(pingCtx); err != nil {
		_ = x.Close()
		return nil, fmt.Errorf("connect to %s database: %w", dialect, err)
	}
	return db, nil
}

// dataSource turns DATABASE_URL (or its absence) into a driver name and a DSN.
func dataSource(databaseURL, dataDir string) (driver, dsn string, d Dialect, err error) {
	if databaseURL == "" {
		if dataDir == "" {
			dataDir = "."
		}
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return "", "", SQLite, fmt.Errorf("create data directory %s: %w", dataDir, err)
		}
		return "sqlite", SQLiteDSN(filepath.Join(dataDir, "insidebot.db")), SQLite, nil
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "", "", Postgres, fmt.Errorf("DATABASE_URL is not a valid URL (expected postgres://user:pass@host:5432/db?sslmode=disable)")
	}
	switch u.Scheme {
	case "postgres", "postgresql":
		if u.Host == "" {
			return "", "", Postgres, fmt.Errorf("DATABASE_URL has no host (expected postgres://user:pass@host:5432/db?sslmode=disable)")
		}
		q := u.Query()
		if q.Get("timezone") == "" {
			q.Set("timezone", "UTC")
		}
		if q.Get("binary_parameters") == "" {
			// One round trip per statement with arguments instead of two (parse, then run).
			q.Set("binary_parameters", "yes")
		}
		u.RawQuery = q.Encode()
		return "postgres", u.String(), Postgres, nil
	case "sqlite", "file":
		path := u.Opaque
		if path == "" {
			path = u.Path
		}
		if path == "" {
			return "", "", SQLite, fmt.Errorf("DATABASE_URL sqlite: needs a file path (sqlite:/path/to/file.db)")
		}
		return "sqlite", SQLiteDSN(path), SQLite, nil
	default:
		return "", "", Postgres, fmt.Errorf("DATABASE_URL scheme %q is not supported (expected postgres:// or empty for embedded SQLite)", u.Scheme)
	}
}

// SQLiteDSN is the modernc DSN for a database file with the settings insidebot relies on:
// UTC times in a sortable format, foreign keys, WAL and writers that wait.
func SQLiteDSN(path string) string {
	return "file:" + path + "?_txlock=immediate&_time_format=sqlite&_timezone=UTC" +
		"&_pragma=foreign_keys(1)&_pragma=busy_timeout(15000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
}

// Close closes the database.
func (db *DB) Close() error { return db.x.Close() }

// Dialect tells which SQL engine this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.x.PingContext(ctx) }

// Get runs a query expected to return one row into dest. No row gives ErrNotFound.
func (db *DB) Get(ctx context.Context, dest any, query string, args ...any) error {
	db.counts.statements.Add(1)
	return wrapNoRows(db.x.GetContext(ctx, dest, db.x.Rebind(query), args...))
}

// Select runs a query into a slice.
func (db *DB) Select(ctx context.Context, dest any, query string, args ...any) error {
	db.counts.statements.Add(1)
	return db.x.SelectContext(ctx, dest, db.x.Rebind(query), args...)
}

// Exec runs a statement.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	db.counts.statements.Add(1)
	return db.x.ExecContext(ctx, db.x.Rebind(query), args...)
}

// Tx is a database transaction. Everything an inbound update causes is written in one.
type Tx struct {
	x       *sqlx.Tx
	dialect Dialect
	after   []func()
	counts  *counts
}

// Get runs a query expected to return one row into dest. No row gives ErrNotFound.
func (tx *Tx) Get(ctx context.Context, dest any, query string, args ...any) error {
	tx.counts.statements.Add(1)
	return wrapNoRows(tx.x.GetContext(ctx, dest, tx.x.Rebind(query), args...))
}

// Select runs a query into a slice.
func (tx *Tx) Select(ctx context.Context, dest any, query string, args ...any) error {
	tx.counts.statements.Add(1)
	return tx.x.SelectContext(ctx, dest, tx.x.Rebind(query), args...)
}

// Exec runs a statement.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	tx.counts.statements.Add(1)
	return tx.x.ExecContext(ctx, tx.x.Rebind(query), args...)
}

// Dialect tells which SQL engine this is.
func (tx *Tx) Dialect() Dialect { return tx.dialect }

// AfterCommit registers f to run once the transaction has committed (never on rollback):
// waking a sender, writing conversation state to Redis.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// InTx runs f in a transaction, committing when f returns nil and rolling back otherwise.
// Functions registered with AfterCommit run after a successful commit.
func (db *DB) InTx(ctx context.Context, f func(tx *Tx) error) (err error) {
	x, err := db.x.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	db.counts.transactions.Add(1)
	tx := &Tx{x: x, dialect: db.dialect, counts: db.counts}
	defer func() {
		if p := recover(); p != nil {
			_ = x.Rollback()
			panic(p)
		}
	}()
	if err := f(tx); err != nil {
		_ = x.Rollback()
		return err
	}
	if err := x.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for _, a := range tx.after {
		a()
	}
	return nil
}

func wrapNoRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// IsUniqueViolation tells whether err is a unique-constraint violation on either dialect.
func IsUniqueViolation(err error) bool {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		return pqErr.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// IsTransient tells whether err is worth retrying as a whole: the database was unreachable,
// the connection broke, or a transaction lost a race (serialization failure, deadlock, busy).
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, driver.ErrBadConn) {
		return true
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code.Class() {
		case "08", "40", "53", "57": // connection, rollback, resources, operator intervention
			return true
		}
		return false
	}
	msg := err.Error()
	for _, s := range []string{"connection refused", "broken pipe", "connection reset", "database is locked", "SQLITE_BUSY", "i/o timeout", "EOF"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
