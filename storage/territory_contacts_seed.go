package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/insideaut/insidebot/locales"
)

const selectUnseededTerritories = `SELECT code FROM territories
WHERE NOT EXISTS (SELECT 1 FROM territory_contact_lists l WHERE l.territory = territories.code) ORDER BY code`

// seedContactLists gives every territory without a contact list the contacts of
// locales/territories.toml (SeedContactList), in one transaction. Migrate runs it last, every
// time: a territory added later gets its list, and one seeded (or emptied on the desk) is left
// alone. Two replicas starting at once seed each territory once.
func (db *DB) seedContactLists(ctx context.Context) error {
	var codes []string
	if err := db.Select(ctx, &codes, selectUnseededTerritories); err != nil {
		return fmt.Errorf("territories without contacts: %w", err)
	}
	if len(codes) == 0 {
		return nil
	}
	seeds, err := locales.AllContacts()
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	return db.InTx(ctx, func(tx *Tx) error {
		for _, code := range codes {
			seed := seeds[code]
			contacts := make([]TerritoryContact, 0, len(seed.Contacts))
			for _, c := range seed.Contacts {
				contacts = append(contacts, TerritoryContact{Kind: c.Kind, Name: c.Name, Where: c.Where, Phone: c.Phone, URL: c.URL})
			}
			if _, err := SeedContactList(ctx, tx, code, contacts, seed.Confirmed, now); err != nil {
				return fmt.Errorf("seed the contacts of %s: %w", code, err)
			}
		}
		return nil
	})
}
