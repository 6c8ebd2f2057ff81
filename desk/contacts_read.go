package desk

import (
	"context"
	"errors"

	"github.com/insideaut/insidebot/storage"
)

// The Contacts page's reads (as service.go's for the other pages): handlers call these and
// never SQL.

// loadContactLists reads the territories (one, or all with territory "") with how many
// contacts each lists and whether they are confirmed.
func loadContactLists(ctx context.Context, q storage.Queryer, territory string) ([]storage.ContactListStatus, error) {
	return storage.ContactListStatuses(ctx, q, territory)
}

// loadContactList reads a territory's contacts and their confirmation; a territory whose list
// was never seeded shows as an empty, unconfirmed one.
func loadContactList(ctx context.Context, q storage.Queryer, territory string) (storage.ContactList, error) {
	l, err := storage.ContactListOf(ctx, q, territory)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return l, err
	}
	return l, nil
}
