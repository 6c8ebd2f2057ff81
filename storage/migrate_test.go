package storage_test

import (
	"context"
	"testing"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func TestMigrateTwiceChangesNothing(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		applied, err := db.Migrate(ctx)
		if err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		if len(applied) != 0 {
			t.Fatalf("second migrate applied %v, want nothing", applied)
		}
		all, err := storage.Migrations(db.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		v, err := db.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v != all[len(all)-1].Version {
			t.Fatalf("schema version %d, want %d", v, all[len(all)-1].Version)
		}
		ts, err := storage.Territories(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) != 9 {
			t.Fatalf("%d territories after two migrations, want 9", len(ts))
		}
	})
}

func TestTerritoriesSeeded(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		want := map[string]string{"AN": "Marche", "AV": "Campania", "BO": "Emilia-Romagna", "FG": "Puglia",
			"MI": "Lombardia", "PG": "Umbria", "RG": "Sicilia", "SO": "Lombardia", "VA": "Lombardia"}
		ts, err := storage.Territories(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range ts {
			if want[tr.Code] != tr.Region {
				t.Errorf("%s (%s) in region %q, want %q", tr.Code, tr.Name, tr.Region, want[tr.Code])
			}
		}
		mi, err := storage.TerritoryByCode(ctx, db, "mi")
		if err != nil || mi.Name != "Milano" {
			t.Fatalf("TerritoryByCode(mi) = %+v, %v", mi, err)
		}
		if _, err := storage.TerritoryByCode(ctx, db, "RM"); err == nil {
			t.Fatal("RM is not a project territory but was found")
		}
	})
}

func TestOpenRejectsBadURLs(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"mysql://x@y/z", "postgres://", "://nope", "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=1"} {
		if _, err := storage.Open(ctx, u, t.TempDir()); err == nil {
			t.Errorf("Open(%q) succeeded, want an error", u)
		}
	}
}

// Two processes migrating one database at once (a replica starting while another does, the CLI
// while the server starts): both succeed and each migration is applied once.
func TestConcurrentMigrations(t *testing.T) {
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		url := "sqlite:" + t.TempDir() + "/shared.db"
		migrateTwiceAtOnce(t, func() *storage.DB {
			db, err := storage.Open(ctx, url, "")
			if err != nil {
				t.Fatal(err)
			}
			return db
		})
	})
	t.Run("postgres", func(t *testing.T) {
		_, url := storagetest.PostgresEmpty(t)
		migrateTwiceAtOnce(t, func() *storage.DB {
			db, err := storage.Open(ctx, url, "")
			if err != nil {
				t.Fatal(err)
			}
			return db
		})
	})
}

func migrateTwiceAtOnce(t *testing.T, open func() *storage.DB) {
	t.Helper()
	ctx := context.Background()
	a, b := open(), open()
	defer a.Close()
	defer b.Close()
	errs := make(chan error, 2)
	for _, db := range []*storage.DB{a, b} {
		go func() { _, err := db.Migrate(ctx); errs <- err }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent migrate: %v", err)
		}
	}
	var applied int
	if err := a.Get(ctx, &applied, `SELECT COUNT(*) FROM schema_migrations`); err != nil {
		t.Fatal(err)
	}
	all, _ := storage.Migrations(a.Dialect())
	if applied != len(all) {
		t.Fatalf("%d migrations recorded, want %d", applied, len(all))
	}
	if ts, _ := storage.Territories(ctx, a); len(ts) != 9 {
		t.Fatalf("%d territories", len(ts))
	}
	// Each territory's contacts were seeded once, not twice.
	var lists, contacts int
	if err := a.Get(ctx, &lists, `SELECT COUNT(*) FROM territory_contact_lists`); err != nil || lists != 9 {
		t.Fatalf("%d contact lists, want 9 (%v)", lists, err)
	}
	if err := a.Get(ctx, &contacts, `SELECT COUNT(*) FROM territory_contacts WHERE territory = 'MI'`); err != nil || contacts != 5 {
		t.Fatalf("%d contacts of Milano, want 5 (%v)", contacts, err)
	}
}
