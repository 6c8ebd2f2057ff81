package locales

import (
	"embed"
	"fmt"
	"strings"

	"github.com/BurntSushi/toml"
)

//go:embed territories.toml
var territoryFiles embed.FS

// ContactKinds lists the kinds of contact a territory lists, in the order help shows them;
// each has the message help.kind_<kind>.
func ContactKinds() []string { return []string{"project", "questura", "anagrafe", "cpi", "asl"} }

// Contact is a place or a person a beneficiary can turn to in their territory.
type Contact struct {
	Kind  string `toml:"kind"`  // project, questura, anagrafe, cpi, asl
	Name  string `toml:"name"`  // as written locally (Italian names of offices stay Italian)
	Where string `toml:"where"` // address or how to get there
	Phone string `toml:"phone"`
	URL   string `toml:"url"`
}

// TerritoryContacts are the contacts of one territory as territories.toml lists them: the
// seed of each territory's list in the database (storage seeds a territory that has none; from
// then on the desk's Contacts page keeps it). Confirmed seeds the list as already checked.
type TerritoryContacts struct {
	Confirmed bool      `toml:"confirmed"`
	Contacts  []Contact `toml:"contacts"`
}

// AllContacts reads territories.toml: province code -> contacts, each territory's in kind
// order.
func AllContacts() (map[string]TerritoryContacts, error) {
	data, err := territoryFiles.ReadFile("territories.toml")
	if err != nil {
		return nil, fmt.Errorf("territory contacts: %w", err)
	}
	var out map[string]TerritoryContacts
	if _, err := toml.Decode(string(data), &out); err != nil {
		return nil, fmt.Errorf("territory contacts: %w", err)
	}
	for code, tc := range out {
		var sorted []Contact
		for _, k := range ContactKinds() {
			for _, ct := range tc.Contacts {
				if ct.Kind == k {
					sorted = append(sorted, ct)
				}
			}
		}
		if len(sorted) != len(tc.Contacts) {
			return nil, fmt.Errorf("territory contacts of %s: a contact of unknown kind (want one of %s)", code, strings.Join(ContactKinds(), ", "))
		}
		tc.Contacts = sorted
		out[code] = tc
	}
	return out, nil
}

// Contacts are the contacts of a territory by province code (none for a territory not in the
// file).
func Contacts(territory string) (TerritoryContacts, error) {
	all, err := AllContacts()
	if err != nil {
		return TerritoryContacts{}, err
	}
	return all[strings.ToUpper(territory)], nil
}
