package flows

import (
	"slices"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// Words staff type in commands come from the catalogue, language by language (the
// [typed_words] table of locales/active.*.toml), so a translator adds a word without a Go
// change: the plan areas of "/step <code> add <area> ..." (typed_words.area_<area>), "add"
// itself (typed_words.add, also "/lead add"), the due-date word of "/step <code> <n> due <date>"
// (typed_words.due) and the statuses of "/step <code> <n> <status>" (typed_words.status_<status>;
// the status's own name, such as in_progress, always works). As with STOP, a word of any language works for everyone and is
// compared after foldWord. A word two areas claim names neither: it is left out, and a test
// keeps the shipped catalogue free of such words.

// commandWords are the typed words of staff commands, folded.
type commandWords struct {
	areas    map[string]string // word -> area (storage.Area*)
	add, due map[string]bool
	close    map[string]bool
	yes, no  map[string]bool
	announce map[string]bool // "announce:<session>" of a broadcast's text
	open     map[string]bool // the last word of a session's place that opens it to all
	// exportMonitoring and exportResearch are the files "/export <word>" asks for.
	exportMonitoring, exportResearch map[string]bool
	statuses                         map[string]string // word -> status (storage.Step*)
	exits                            map[string]string // word -> exit reason (storage.Exit*)
}

// loadCommandWords reads the words of every language from the catalogue.
func loadCommandWords(cat *locales.Catalog) commandWords {
	return commandWordsFrom(func(id string) map[string]bool { return typedWords(cat, id) })
}

// commandWordsFrom builds the words from words(id): the folded words of a catalogue entry in
// every language.
func commandWordsFrom(words func(id string) map[string]bool) commandWords {
	w := commandWords{areas: map[string]string{}, add: words("typed_words.add"), due: words("typed_words.due"), close: words("typed_words.close"),
		yes: words("typed_words.yes"), no: words("typed_words.no"),
		announce: words("typed_words.announce"), open: words("typed_words.open"),
		exportMonitoring: words("typed_words.export_monitoring"), exportResearch: words("typed_words.export_research"), statuses: map[string]string{}, exits: map[string]string{}}
	for _, status := range stepStatuses() {
		w.statuses[foldWord(status)] = status
		for word := range words("typed_words.status_" + status) {
			w.statuses[word] = status
		}
	}
	for _, reason := range storage.ExitReasons() {
		w.exits[reason] = reason
		for word := range words("typed_words.exit_" + reason) {
			w.exits[word] = reason
		}
	}
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

// isAdd tells whether a word typed after "/step <code>" or "/lead" asks to add.
func (w commandWords) isAdd(s string) bool { return w.add[foldWord(s)] }

// isDue tells whether a word typed after "/step <code> <n>" introduces a due date.
func (w commandWords) isDue(s string) bool { return w.due[foldWord(s)] }

// status reads a step status typed in any language ("done", "fatto", "terminé", ...).
func (w commandWords) status(s string) (string, bool) {
	status, ok := w.statuses[foldWord(s)]
	return status, ok
}

// isClose tells whether a word typed after "/lead" asks to close one.
func (w commandWords) isClose(s string) bool { return w.close[foldWord(s)] }

// leadKind reads a kind of lead: its own name (housing, job, as buttons carry it) or a word of
// the housing or work area in any language ("casa", "lavoro", "logement").
func (w commandWords) leadKind(s string) (string, bool) {
	switch f := foldWord(s); f {
	case storage.LeadHousing, storage.LeadJob:
		return f, true
	}
	switch area, _ := w.area(s); area {
	case storage.AreaHousing:
		return storage.LeadHousing, true
	case storage.AreaWork:
		return storage.LeadJob, true
	}
	return "", false
}

// exitReason reads the reason for closing a case typed in any language ("autonomia", ...).
func (w commandWords) exitReason(s string) (string, bool) {
	reason, ok := w.exits[foldWord(s)]
	return reason, ok
}

// yesNo reads a yes or a no typed in any language; ok false for anything else.
func (w commandWords) yesNo(s string) (yes, ok bool) {
	f := foldWord(s)
	return w.yes[f], w.yes[f] || w.no[f]
}

// stepStatuses are the statuses a tutor may type.
func stepStatuses() []string {
	return []string{storage.StepTodo, storage.StepInProgress, storage.StepDone, storage.StepBlocked}
}

// isArea tells whether a value the bot itself wrote (a button, a form's state) is a plan area.
func isArea(area string) bool { return slices.Contains(storage.Areas(), area) }
