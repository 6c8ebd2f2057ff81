package locales

import (
	"regexp"
	"strings"
	"unicode"
)

// scriptTables maps ISO 15924 codes to Unicode tables.
func scriptTables() map[string]*unicode.RangeTable {
	return map[string]*unicode.RangeTable{"Latn": unicode.Latin, "Arab": unicode.Arabic, "Beng": unicode.Bengali, "Ethi": unicode.Ethiopic}
}

// templateOrLink matches template marks and web links: no language's words.
var templateOrLink = regexp.MustCompile(`https?://\S+|\{\{[^}]*\}\}`)

// ScriptShare tells how much of a text is written in a script (ISO 15924: Latn, Arab, Beng,
// Ethi): the share of its words with letters of that script among its words with letters of
// that script or Latin ones. Latin words a sentence keeps on purpose (codice fiscale, MI-007,
// a place) count against it, so a real sentence scores well above one half and an
// untranslated one near zero. Links and template marks are ignored; a text without words
// scores 1.
func ScriptShare(text, script string) float64 {
	table := scriptTables()[script]
	if table == nil {
		return 0
	}
	words, in := 0, 0
	for _, w := range strings.Fields(templateOrLink.ReplaceAllString(text, " ")) {
		has, latin := false, false
		for _, r := range w {
			if unicode.Is(table, r) {
				has = true
			} else if unicode.Is(unicode.Latin, r) {
				latin = true
			}
		}
		if has || latin {
			words++
		}
		if has {
			in++
		}
	}
	if words == 0 {
		return 1
	}
	return float64(in) / float64(words)
}
