package flows

import (
	"slices"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// Words staff type in commands come from the catalogue, language by language (the
// [typed_words] table of locales/active.*.toml), so a translator adds a word without a Go
// change: the plan areas of "/step <code> add <area> ..." (typed_words.area_<area>) and "add"
// itself (typed_words.add). As with STOP, a word of any language works for everyone and is
// compared after foldWord. A word two areas claim names neither: it is left out, and a test
// keeps the shipped catalogue free of such words.

// commandWords are the typed words of staff commands, folded.
type commandWords struct {
	areas map[string]string // word -> area (storage.Area*)
	add   map[string]bool
}

// loadCommandWords reads the words of every language from the catalogue.
func loadCommandWords(cat *locales.Catalog) commandWords {
	return commandWordsFrom(func(id string) map[string]bool { return typedWords(cat, id) })
}

// commandWordsFrom builds the words from words(id): the folded words of a catalogue entry in
// every language.
func commandWordsFrom(words func(id string) map[string]bool) commandWords {
	w := commandWords{areas: map[string]string{}, add: words("typed_words.add")}
	claimed := map[string]bool{}
	for _, area := range storage.Areas() {
		for word := range words("typed_words.area_" + area) {
			if other, ok := w.areas[word]; ok && other != area || claimed[word] {
				delete(w.areas, word)
				claimed[word] = true
				continue
			}
			w.areas[word] = area
		}
	}
	return w
}

// area reads a plan area typed in any language ("casa", "housing", "logement", ...).
func (w commandWords) area(s string) (string, bool) {
	area, ok := w.areas[foldWord(s)]
	return area, ok
}

// isAdd tells whether a word typed after "/step <code>" asks to add a step.
func (w commandWords) isAdd(s string) bool { return w.add[foldWord(s)] }

// isArea tells whether a value the bot itself wrote (a button, a form's state) is a plan area.
func isArea(area string) bool { return slices.Contains(storage.Areas(), area) }
