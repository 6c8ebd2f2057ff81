package flows_test

import (
	"testing"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

// Help's contacts come from the database: as seeded from territories.toml they are "still
// being checked"; once the territory's coordinator edits and confirms them, the beneficiary
// sees the new phone number and site without that notice. Another edit makes them unchecked
// again.
func TestHelpShowsTheTerritorysConfirmedContacts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, _ := member(h, "en", 0)
	c.Send("/help")
	c.Tap("Contacts")
	c.Expect("Useful contacts in Milano", "Questura di Milano", "still being checked by the project", "Emergency: 112")

	coord := h.NewStaff(storage.RoleCoordinator, "MI", "Giulia")
	a := domain.Actor{Staff: &coord}
	edited := []storage.TerritoryContact{
		{Kind: "project", Name: "Sportello INSIDE AUT – Milano", Where: "Via Padova 36", Phone: "+39 02 1234 5678", URL: "https://inside.example/milano"},
		{Kind: "questura", Name: "Questura di Milano – Ufficio immigrazione", Where: "Via Montebello 26"},
	}
	tx := func(f func(tx *storage.Tx) error) {
		t.Helper()
		if err := h.DB.InTx(h.Ctx(), f); err != nil {
			t.Fatal(err)
		}
	}
	tx(func(tx *storage.Tx) error {
		_, err := h.Domain.SaveContacts(h.Ctx(), tx, h.Clock.Now(), a, "MI", edited)
		return err
	})
	tx(func(tx *storage.Tx) error { return h.Domain.ConfirmContacts(h.Ctx(), tx, h.Clock.Now(), a, "MI") })

	c.Send("/help")
	c.Tap("Contacts")
	c.Expect("INSIDE AUT project", "Sportello INSIDE AUT – Milano", "📍 Via Padova 36", "📞 +39 02 1234 5678",
		"🔗 https://inside.example/milano", "Via Montebello 26")
	expectNot(t, c, "still being checked", "Centro per l'impiego di Milano")

	edited[1].Phone = "02 62261"
	tx(func(tx *storage.Tx) error {
		_, err := h.Domain.SaveContacts(h.Ctx(), tx, h.Clock.Now(), a, "MI", edited)
		return err
	})
	c.Send("/help")
	c.Tap("Contacts")
	c.Expect("📞 02 62261", "still being checked by the project")
}
