package locales_test

import (
	"strings"
	"testing"

	"github.com/insideaut/insidebot/locales"
)

// Every standard step has its title and explanation in Italian and English, and every
// steps.* message names a catalogue step.
func TestStandardStepsHaveTitleAndExplanation(t *testing.T) {
	c := load(t)
	keys := map[string]bool{}
	for _, s := range locales.StandardSteps() {
		keys[s.Key] = true
		for _, lang := range []string{"it", "en"} {
			for _, part := range []string{"title", "explain"} {
				id := "steps." + s.Key + "." + part
				if !c.Has(lang, id) {
					t.Errorf("%s lacks %s", lang, id)
					continue
				}
				text := c.For(lang).T(id)
				if part == "title" && (strings.Contains(text, "\n") || len([]rune(text)) > 60) {
					t.Errorf("%s %s is not one short line: %q", lang, id, text)
				}
				if part == "explain" && strings.Count(text, ". ")+1 > 4 {
					t.Errorf("%s %s is longer than a few sentences", lang, id)
				}
			}
		}
	}
	for _, lang := range []string{"it", "en"} {
		for _, id := range c.MessageIDs(lang) {
			if rest, ok := strings.CutPrefix(id, "steps."); ok {
				key, _, _ := strings.Cut(rest, ".")
				if !keys[key] {
					t.Errorf("%s has %s, which is not in the catalogue", lang, id)
				}
			}
		}
	}
}

// Every territory has contacts of known kinds, each kind's label exists, and the file says
// whether the project confirmed them.
func TestTerritoryContacts(t *testing.T) {
	c := load(t)
	all, err := locales.AllContacts()
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"AN", "AV", "BO", "FG", "MI", "PG", "RG", "SO", "VA"} {
		tc, ok := all[code]
		if !ok || len(tc.Contacts) == 0 {
			t.Errorf("no contacts for %s", code)
			continue
		}
		for _, ct := range tc.Contacts {
			if ct.Name == "" {
				t.Errorf("%s: a %s contact without a name", code, ct.Kind)
			}
		}
	}
	for _, k := range locales.ContactKinds() {
		for _, lang := range []string{"it", "en"} {
			if !c.Has(lang, "help.kind_"+k) {
				t.Errorf("%s lacks help.kind_%s", lang, k)
			}
		}
	}
	mi, err := locales.Contacts("mi")
	if err != nil || len(mi.Contacts) == 0 || mi.Contacts[0].Kind != "project" {
		t.Fatalf("Contacts(mi) = %+v, %v", mi, err)
	}
	if none, err := locales.Contacts("XX"); err != nil || len(none.Contacts) != 0 {
		t.Fatalf("Contacts(XX) = %+v, %v", none, err)
	}
}
