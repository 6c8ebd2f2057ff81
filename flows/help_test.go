package flows_test

import (
	"errors"
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

	// Neither a tutor of the territory nor a coordinator of another may: refused, audited.
	tutor := h.NewStaff(storage.RoleTutor, "MI", "Marco")
	bologna := h.NewStaff(storage.RoleCoordinator, "BO", "Paolo")
	for _, s := range []storage.Staff{tutor, bologna} {
		var refused error
		tx(func(tx *storage.Tx) error { // committed, as the chat and the desk do after a refusal
			refused = h.Domain.ConfirmContacts(h.Ctx(), tx, h.Clock.Now(), domain.Actor{Staff: &s}, "MI")
			return nil
		})
		if err := refused; !errors.Is(err, domain.ErrDenied) {
			t.Fatalf("staff %d (%s of %s) confirmed Milano's contacts: %v", s.ID, s.Role, s.Territory.String, err)
		}
	}
	denied, err := storage.AuditEntries(h.Ctx(), h.DB, storage.AuditFilter{Action: domain.ActionContactsConfirm, Outcome: storage.OutcomeDenied})
	if err != nil || len(denied) != 2 {
		t.Fatalf("refusals audited: %+v %v", denied, err)
	}
	c.Send("/help")
	c.Tap("Contacts")
	c.Expect("still being checked by the project")
}
