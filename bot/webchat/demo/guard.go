package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// The demo lets anyone who reaches the page talk as any person of its world: it must never run
// on a database with real people. It runs on an empty database (and records it as a demo
// one, instance_mode) or on one it created; serve without --demo, invite and import record a
// database as real.

// RealPeopleError refuses a database that holds real people.
type RealPeopleError struct{ Population storage.Population }

func (e *RealPeopleError) Error() string {
	p := e.Population
	return fmt.Sprintf("serve --demo refuses this database: it holds real people (%d staff, %d beneficiaries, %d Telegram or WhatsApp accounts) "+
		"and was not created by --demo; give the demo an empty database (another DATA_DIR or DATABASE_URL)", p.Staff, p.Beneficiaries, p.Platform)
}

// claimDatabase makes sure the database is the demo's, in the seed's transaction: recorded as
// one, or empty, or seeded by a version that did not record it and showing no sign of real
// use (an account on Telegram or WhatsApp, an invite or import from the command line).
func claimDatabase(ctx context.Context, tx *storage.Tx, now time.Time) error {
	mode, err := storage.InstanceMode(ctx, tx)
	if err != nil || mode == storage.ModeDemo {
		return err
	}
	pop, err := storage.PopulationOf(ctx, tx)
	if err != nil {
		return err
	}
	if !pop.Empty() {
		seeded, err := storage.AuditEntries(ctx, tx, storage.AuditFilter{ActorKind: storage.ActorCLI, Action: seedAction, Limit: 1})
		if err != nil {
			return err
		}
		if mode == storage.ModeReal || len(seeded) == 0 || pop.Platform > 0 || pop.CLIWrites > 0 {
			return &RealPeopleError{Population: pop}
		}
	}
	return storage.SetInstanceMode(ctx, tx, storage.ModeDemo, now)
}
