// Package storagetest opens real databases for tests: a fresh PostgreSQL schema per test
// (INSIDEBOT_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test), a fresh
// SQLite file, and the real Redis (INSIDEBOT_TEST_REDIS_URL, default redis://127.0.0.1:6379/0)
// under a per-test key prefix. `make test` makes sure both servers run.
package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/insideaut/insidebot/storage"
)

// PostgresURL is the server tests use.
func PostgresURL() string {
	if u := os.Getenv("INSIDEBOT_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// RedisURL is the server tests use.
func RedisURL() string {
	if u := os.Getenv("INSIDEBOT_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Postgres opens a migrated database in a schema of its own, dropped when the test ends. It
// also returns the URL that reaches the same schema (for a binary started by the test).
func Postgres(t testing.TB) (*storage.DB, string) {
	t.Helper()
	db, u := PostgresEmpty(t)
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db, u
}

// PostgresEmpty is Postgres without the migrations: an empty schema of its own.
func PostgresEmpty(t testing.TB) (*storage.DB, string) {
	t.Helper()
	ctx := context.Background()
	admin, err := storage.Open(ctx, PostgresURL(), "")
	if err != nil {
		t.Fatalf("PostgreSQL for tests (make test starts it): %v", err)
	}
	schema := randomName("t_")
	if _, err := admin.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	u, err := url.Parse(PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := storage.Open(ctx, u.String(), "")
	if err != nil {
		t.Fatalf("open schema: %v", err)
	}
	t.Cleanup(func() {
		_ = db.Close()
		if _, err := admin.Exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema: %v", err)
		}
		_ = admin.Close()
	})
	return db, u.String()
}

// SQLite opens a migrated database in a fresh file.
func SQLite(t testing.TB) *storage.DB {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := storage.Open(ctx, "sqlite:"+path, "")
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// Dialects runs f once against PostgreSQL and once against SQLite, as subtests.
func Dialects(t *testing.T, f func(t *testing.T, db *storage.DB)) {
	t.Run("postgres", func(t *testing.T) {
		db, _ := Postgres(t)
		f(t, db)
	})
	t.Run("sqlite", func(t *testing.T) {
		f(t, SQLite(t))
	})
}

// Redis connects to the real Redis under a fresh key prefix whose keys are deleted at the end.
func Redis(t testing.TB) *storage.Redis {
	t.Helper()
	ctx := context.Background()
	prefix := randomName("test:") + ":"
	r, err := storage.OpenRedis(ctx, RedisURL(), prefix)
	if err != nil {
		t.Fatalf("Redis for tests (make test starts it): %v", err)
	}
	t.Cleanup(func() {
		c := r.Client()
		iter := c.Scan(context.Background(), 0, prefix+"*", 1000).Iterator()
		for iter.Next(context.Background()) {
			c.Del(context.Background(), iter.Val())
		}
		_ = r.Close()
	})
	return r
}
