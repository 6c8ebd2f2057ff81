package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// TerritoryContact is a place or a person a beneficiary can turn to in their territory, as
// the Help screen lists it.
type TerritoryContact struct {
	Kind  string `db:"kind"`  // project, questura, anagrafe, cpi, asl (locales.ContactKinds)
	Name  string `db:"name"`  // as written locally (Italian names of offices stay Italian)
	Where string `db:"place"` // address or how to get there
	Phone string `db:"phone"`
	URL   string `db:"url"`
}

// ContactList is a territory's contacts, in the order Help shows them, and who confirmed them.
type ContactList struct {
	Territory string
	Contacts  []TerritoryContact
	// ConfirmedAt is when the list was last marked as checked (not Valid: still being checked);
	// ConfirmedBy who did (not Valid with a date: confirmed in the file it was seeded from).
	ConfirmedAt sql.NullTime
	ConfirmedBy sql.NullInt64
	// ConfirmedByName is the confirming staff member's display name ("" none).
	ConfirmedByName string
	UpdatedAt       time.Time
	UpdatedBy       sql.NullInt64 // not Valid: as seeded
}

// Confirmed tells whether the project has checked the list since it last changed.
func (l ContactList) Confirmed() bool { return l.ConfirmedAt.Valid }

type contactListRow struct {
	ConfirmedAt     sql.NullTime   `db:"confirmed_at"`
	ConfirmedBy     sql.NullInt64  `db:"confirmed_by"`
	ConfirmedByName sql.NullString `db:"confirmed_by_name"`
	UpdatedAt       time.Time      `db:"updated_at"`
	UpdatedBy       sql.NullInt64  `db:"updated_by"`
}

const selectContactList = `SELECT l.confirmed_at, l.confirmed_by, s.display_name AS confirmed_by_name, l.updated_at, l.updated_by
FROM territory_contact_lists l LEFT JOIN staff s ON s.id = l.confirmed_by WHERE l.territory = ?`

const selectContacts = `SELECT kind, name, place, phone, url FROM territory_contacts WHERE territory = ? ORDER BY position`

// ContactListOf reads a territory's contacts (case-insensitive code). A territory never seeded
// (not a project territory) is ErrNotFound.
func ContactListOf(ctx context.Context, q Queryer, territory string) (ContactList, error) {
	code := strings.ToUpper(strings.TrimSpace(territory))
	l := ContactList{Territory: code}
	var row contactListRow
	if err := q.Get(ctx, &row, selectContactList, code); err != nil {
		return l, fmt.Errorf("contacts of %q: %w", territory, err)
	}
	l.ConfirmedAt, l.ConfirmedBy, l.ConfirmedByName = row.ConfirmedAt, row.ConfirmedBy, row.ConfirmedByName.String
	l.UpdatedAt, l.UpdatedBy = row.UpdatedAt, row.UpdatedBy
	if err := q.Select(ctx, &l.Contacts, selectContacts, code); err != nil {
		return l, fmt.Errorf("contacts of %q: %w", territory, err)
	}
	return l, nil
}

const (
	insertContactList = `INSERT INTO territory_contact_lists (territory, confirmed_at, updated_at) VALUES (?, ?, ?)
ON CONFLICT (territory) DO NOTHING`
	insertContact = `INSERT INTO territory_contacts (territory, position, kind, name, place, phone, url) VALUES (?, ?, ?, ?, ?, ?, ?)`
)

// SeedContactList gives a territory its first contacts (confirmed: marked as checked now, by
// nobody) unless it has a list already, even an emptied one: seeded is false then and nothing
// changed. Run in a transaction, two replicas seeding at once write one list (the second's
// insert waits for the first's commit and then does nothing).
func SeedContactList(ctx context.Context, q Queryer, territory string, contacts []TerritoryContact, confirmed bool, now time.Time) (seeded bool, err error) {
	at := sql.NullTime{}
	if confirmed {
		at = sql.NullTime{Time: now, Valid: true}
	}
	n, err := execCount(ctx, q, insertContactList, territory, at, now)
	if err != nil || n == 0 {
		return false, err
	}
	if err := insertContacts(ctx, q, territory, contacts); err != nil {
		return false, err
	}
	return true, nil
}

func insertContacts(ctx context.Context, q Queryer, territory string, contacts []TerritoryContact) error {
	for i, c := range contacts {
		if _, err := q.Exec(ctx, insertContact, territory, i+1, c.Kind, c.Name, c.Where, c.Phone, c.URL); err != nil {
			return fmt.Errorf("contact %d of %s: %w", i+1, territory, err)
		}
	}
	return nil
}

const (
	touchContactList = `UPDATE territory_contact_lists SET updated_by = ?, updated_at = ?, confirmed_by = NULL, confirmed_at = NULL
WHERE territory = ?`
	deleteContacts = `DELETE FROM territory_contacts WHERE territory = ?`
)

// ReplaceContacts makes contacts, in this order, a territory's list, changed by staff member
// by: its confirmation is reset (the new list has not been checked). A territory without a list
// is ErrNotFound. The list's row is updated first, so two edits at once take turns.
func ReplaceContacts(ctx context.Context, q Queryer, territory string, contacts []TerritoryContact, by int64, now time.Time) error {
	if err := execOne(ctx, q, touchContactList, nullInt(by), now, territory); err != nil {
		return fmt.Errorf("contacts of %s: %w", territory, err)
	}
	if _, err := q.Exec(ctx, deleteContacts, territory); err != nil {
		return fmt.Errorf("contacts of %s: %w", territory, err)
	}
	return insertContacts(ctx, q, territory, contacts)
}

const confirmContactList = `UPDATE territory_contact_lists SET confirmed_by = ?, confirmed_at = ? WHERE territory = ?`

// ConfirmContacts marks a territory's list as checked by staff member by now. A territory
// without a list is ErrNotFound.
func ConfirmContacts(ctx context.Context, q Queryer, territory string, by int64, now time.Time) error {
	if err := execOne(ctx, q, confirmContactList, nullInt(by), now, territory); err != nil {
		return fmt.Errorf("confirm contacts of %s: %w", territory, err)
	}
	return nil
}

// ContactListStatus is one territory's line in the list of territories' contacts.
type ContactListStatus struct {
	Territory   string       `db:"territory"`
	Name        string       `db:"name"`
	Contacts    int          `db:"contacts"`
	ConfirmedAt sql.NullTime `db:"confirmed_at"`
}

const selectContactStatuses = `SELECT t.code AS territory, t.name,
 (SELECT COUNT(*) FROM territory_contacts c WHERE c.territory = t.code) AS contacts, l.confirmed_at
FROM territories t LEFT JOIN territory_contact_lists l ON l.territory = t.code
WHERE (? = '' OR t.code = ?) ORDER BY t.code`

// ContactListStatuses lists the territories (one, or all with territory ""), each with how
// many contacts it lists and whether they are confirmed.
func ContactListStatuses(ctx context.Context, q Queryer, territory string) ([]ContactListStatus, error) {
	var out []ContactListStatus
	if err := q.Select(ctx, &out, selectContactStatuses, territory, territory); err != nil {
		return nil, fmt.Errorf("contact lists: %w", err)
	}
	return out, nil
}
