package locales_test

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/locales"
)

func load(t *testing.T) *locales.Catalog {
	t.Helper()
	c, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestMissingTranslations: every message of the Italian catalogue exists in English and the
// other way round (the languages issue extends this to all ten).
func TestMissingTranslations(t *testing.T) {
	c := load(t)
	for _, pair := range [][2]string{{"it", "en"}, {"en", "it"}} {
		for _, id := range c.MessageIDs(pair[0]) {
			if !c.Has(pair[1], id) {
				t.Errorf("%s has %q but %s does not", pair[0], id, pair[1])
			}
		}
	}
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)`)

// TestPlaceholdersMatch: a translation neither drops nor invents a placeholder.
func TestPlaceholdersMatch(t *testing.T) {
	c := load(t)
	raw := rawMessages(t)
	for _, l := range locales.Languages() {
		for id, text := range raw[l.Code] {
			ref, ok := raw["en"][id]
			if !ok || l.Code == "en" {
				continue
			}
			if got, want := names(text), names(ref); got != want {
				t.Errorf("%s %s uses {%s}, English uses {%s}", l.Code, id, got, want)
			}
		}
	}
	_ = c
}

func names(s string) string {
	set := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		set[m[1]] = true
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func TestDatesInItalianAndEnglish(t *testing.T) {
	c := load(t)
	rome, _ := time.LoadLocation("Europe/Rome")
	at := time.Date(2025, 12, 3, 10, 0, 0, 0, rome)
	if got := c.For("it").DateTime(at); got != "mercoledì 3 dicembre, 10:00" {
		t.Errorf("it: %q", got)
	}
	if got := c.For("en").DateTime(at); got != "Wednesday 3 December, 10:00" {
		t.Errorf("en: %q", got)
	}
}

func TestMissingMessageNeverShowsAnID(t *testing.T) {
	c := load(t)
	for _, l := range locales.Languages() {
		got := c.For(l.Code).T("no.such.message")
		if got == "" || strings.Contains(got, "no.such") {
			t.Errorf("%s: missing message rendered as %q", l.Code, got)
		}
	}
}

func TestFallbackChainAndMatch(t *testing.T) {
	c := load(t)
	// Pashto without its own file yet falls back along ps -> fa-AF -> en.
	if got := c.For("ps").T(locales.GenericErrorID); got == "" {
		t.Fatal("empty fallback")
	}
	for in, want := range map[string]string{"fa": "fa-AF", "prs": "fa-AF", "fr-FR": "fr", "EN": "en", "de": "", "": "", "ti": "ti", "so": "so"} {
		if got := locales.Match(in); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
	if c.For("xx").Lang() != "en" {
		t.Error("unknown language should get English")
	}
}

func TestIsolatesOnlyInRightToLeft(t *testing.T) {
	c := load(t)
	if got := c.For("ar").Iso("MI-007"); got != locales.FSI+"MI-007"+locales.PDI {
		t.Errorf("ar Iso = %q", got)
	}
	if got := c.For("fr").Iso("MI-007"); got != "MI-007" {
		t.Errorf("fr Iso = %q", got)
	}
}
