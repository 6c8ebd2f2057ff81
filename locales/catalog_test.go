package locales_test

import (
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
