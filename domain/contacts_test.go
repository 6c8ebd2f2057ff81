package domain_test

import (
	"errors"
	"testing"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

func TestCheckContacts(t *testing.T) {
	ok := storage.TerritoryContact{Kind: "questura", Name: "Questura di Milano", Phone: "+39 02 62261", URL: "https://questure.poliziadistato.it/it/Milano"}
	with := func(f func(c *storage.TerritoryContact)) []storage.TerritoryContact {
		c := ok
		f(&c)
		return []storage.TerritoryContact{ok, c}
	}
	long := make([]rune, 151)
	for i := range long {
		long[i] = 'a'
	}
	for _, tc := range []struct {
		name     string
		contacts []storage.TerritoryContact
		field    string // "" valid
	}{
		{"valid", with(func(c *storage.TerritoryContact) {}), ""},
		{"an http site and a short number", with(func(c *storage.TerritoryContact) { c.URL, c.Phone = "http://comune.milano.it", "112" }), ""},
		{"no phone, no site", with(func(c *storage.TerritoryContact) { c.URL, c.Phone = "", "" }), ""},
		{"an unknown kind", with(func(c *storage.TerritoryContact) { c.Kind = "church" }), "kind"},
		{"no name", with(func(c *storage.TerritoryContact) { c.Name = "   " }), "name"},
		{"a long name", with(func(c *storage.TerritoryContact) { c.Name = string(long) }), "long"},
		{"letters in a phone", with(func(c *storage.TerritoryContact) { c.Phone = "call 02 1234" }), "phone"},
		{"a dash in a phone", with(func(c *storage.TerritoryContact) { c.Phone = "02-1234567" }), "phone"},
		{"a + inside a phone", with(func(c *storage.TerritoryContact) { c.Phone = "02 +1234567" }), "phone"},
		{"two digits", with(func(c *storage.TerritoryContact) { c.Phone = "+1 2" }), "phone"},
		{"a site without a scheme", with(func(c *storage.TerritoryContact) { c.URL = "www.comune.milano.it" }), "url"},
		{"an ftp site", with(func(c *storage.TerritoryContact) { c.URL = "ftp://comune.milano.it" }), "url"},
		{"a script", with(func(c *storage.TerritoryContact) { c.URL = "javascript:alert(1)" }), "url"},
		{"a site with a space", with(func(c *storage.TerritoryContact) { c.URL = "https://comune milano.it" }), "url"},
		{"a site with a password", with(func(c *storage.TerritoryContact) { c.URL = "https://a:b@comune.milano.it" }), "url"},
		{"too many", make([]storage.TerritoryContact, domain.MaxContacts+1), "many"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := domain.CheckContacts(tc.contacts)
			var m *domain.ContactMistake
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.field == "" && len(got) != len(tc.contacts):
				t.Fatalf("%d contacts back, want %d", len(got), len(tc.contacts))
			case tc.field != "" && (!errors.As(err, &m) || m.Field != tc.field):
				t.Fatalf("got %v, want a mistake in %s", err, tc.field)
			case tc.field != "" && tc.field != "many" && m.Row != 2:
				t.Fatalf("the mistake is in row %d, want 2", m.Row)
			}
		})
	}
	got, err := domain.CheckContacts([]storage.TerritoryContact{{Kind: " cpi ", Name: "  Centro   per l'impiego\n", Where: " Via  Strozzi 11 "}})
	if err != nil || got[0].Kind != "cpi" || got[0].Name != "Centro per l'impiego" || got[0].Where != "Via Strozzi 11" {
		t.Fatalf("tidied: %+v %v", got, err)
	}
}
