package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// Every territory starts with the contacts of territories.toml, in the file's kind order and
// unconfirmed; a list replaced (even emptied) is not seeded again by a later Migrate; a
// confirmation records who and when, and the next change takes it away.
func TestContactListsSeededOnceAndEdited(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seeds, err := locales.AllContacts()
		if err != nil {
			t.Fatal(err)
		}
		mi, err := storage.ContactListOf(ctx, db, "mi")
		if err != nil || len(mi.Contacts) != len(seeds["MI"].Contacts) || mi.Confirmed() || mi.UpdatedBy.Valid {
			t.Fatalf("Milano as seeded: %+v %v", mi, err)
		}
		for i, c := range seeds["MI"].Contacts {
			if got := mi.Contacts[i]; got.Kind != c.Kind || got.Name != c.Name || got.URL != c.URL {
				t.Errorf("contact %d of Milano: %+v, want %+v", i, got, c)
			}
		}
		statuses, err := storage.ContactListStatuses(ctx, db, "")
		if err != nil || len(statuses) != 9 {
			t.Fatalf("lists: %+v %v", statuses, err)
		}
		if _, err := storage.ContactListOf(ctx, db, "RM"); err == nil {
			t.Fatal("RM is not a project territory but has contacts")
		}

		id, err := storage.CreateStaff(ctx, db, storage.NewStaff{DisplayName: "Giulia Ferri", Role: storage.RoleCoordinator, Territory: "MI", Lang: "it"}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
		if err := storage.ReplaceContacts(ctx, db, "MI", nil, id, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if mi, _ = storage.ContactListOf(ctx, db, "MI"); len(mi.Contacts) != 0 || mi.UpdatedBy.Int64 != id {
			t.Fatalf("Milano emptied, then migrated again: %+v", mi)
		}
		if err := storage.ConfirmContacts(ctx, db, "MI", id, now); err != nil {
			t.Fatal(err)
		}
		mi, _ = storage.ContactListOf(ctx, db, "MI")
		if !mi.Confirmed() || mi.ConfirmedBy.Int64 != id || mi.ConfirmedByName != "Giulia Ferri" || !mi.ConfirmedAt.Time.Equal(now) {
			t.Fatalf("Milano confirmed: %+v", mi)
		}
		one := []storage.TerritoryContact{{Kind: "project", Name: "Sportello", Phone: "02 1234"}}
		if err := storage.ReplaceContacts(ctx, db, "MI", one, id, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if mi, _ = storage.ContactListOf(ctx, db, "MI"); mi.Confirmed() || len(mi.Contacts) != 1 || mi.Contacts[0] != one[0] {
			t.Fatalf("Milano changed after its confirmation: %+v", mi)
		}
		if err := storage.ConfirmContacts(ctx, db, "RM", id, now); err == nil {
			t.Fatal("confirmed the contacts of a territory that has none")
		}
	})
}
