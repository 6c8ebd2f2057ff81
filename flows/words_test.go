package flows

import (
	"strings"
	"testing"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// Every area word and "add" word of every language's file is understood, words the Go code
// knew before the catalogue had them still are, and a word that is not an area is refused.
func TestAreaAndAddWordsOfEveryLanguage(t *testing.T) {
	t.Parallel()
	cat, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	w := loadCommandWords(cat)
	for _, lang := range locales.Languages() {
		l := cat.For(lang.Code)
		for _, area := range storage.Areas() {
			id := "typed_words.area_" + area
			if !cat.Has(lang.Code, id) {
				t.Errorf("%s has no %s", lang.Code, id)
				continue
			}
			for _, word := range strings.Split(l.T(id), ",") {
				if got, ok := w.area(strings.ToUpper(strings.TrimSpace(word))); !ok || got != area {
					t.Errorf("%s: %q is %q (%v), want %s", lang.Code, word, got, ok, area)
				}
			}
		}
		for _, word := range strings.Split(l.T("typed_words.add"), ",") {
			if !w.isAdd(word) {
				t.Errorf("%s: %q is not an add word", lang.Code, word)
			}
		}
	}
	for in, want := range map[string]string{"casa": "housing", "Lavoro": "work", "psych": "psych", "documenti": "documents",
		"sociale": "social", "alloggio": "housing", "PSI": "psych", "docs": "documents", "inclusione": "social", "logement": "housing", "shaqo": "work"} {
		if got, ok := w.area(in); !ok || got != want {
			t.Errorf("area(%q) = %q, want %s", in, got, want)
		}
	}
	for _, in := range []string{"cucina", "", "add", "aggiungi", "12", "spid"} {
		if got, ok := w.area(in); ok {
			t.Errorf("%q read as the area %s", in, got)
		}
	}
	for _, in := range []string{"add", "Aggiungi", "ajouter", "1", "done", "fatto", "due", "casa"} {
		want := in != "1" && in != "done" && in != "fatto" && in != "due" && in != "casa"
		if got := w.isAdd(in); got != want {
			t.Errorf("isAdd(%q) = %v", in, got)
		}
	}
}

// The words a translator writes must work in a command: one word each (a command is split at
// spaces), and no word claimed by two meanings (two areas, an area and "add", a status and
// "due", ...) in any language.
func TestTypedWordsAreUsableInCommands(t *testing.T) {
	t.Parallel()
	cat, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"typed_words.add", "typed_words.due", "typed_words.close", "typed_words.area_housing", "typed_words.area_work",
		"typed_words.area_psych", "typed_words.area_social", "typed_words.area_documents"}
	for _, status := range stepStatuses() {
		ids = append(ids, "typed_words.status_"+status)
	}
	for _, reason := range storage.ExitReasons() {
		ids = append(ids, "typed_words.exit_"+reason)
	}
	ids = append(ids, "typed_words.yes", "typed_words.no", "typed_words.announce", "typed_words.open",
		"typed_words.export_monitoring", "typed_words.export_research")
	owner := map[string]string{}
	for _, lang := range locales.Languages() {
		l := cat.For(lang.Code)
		for _, id := range ids {
			if !cat.Has(lang.Code, id) {
				t.Errorf("%s has no %s", lang.Code, id)
				continue
			}
			for _, word := range strings.Split(l.T(id), ",") {
				f := foldWord(word)
				switch {
				case f == "":
					t.Errorf("%s %s: an empty word", lang.Code, id)
				case strings.ContainsAny(f, " \t"):
					t.Errorf("%s %s: %q is more than one word", lang.Code, id, word)
				case owner[f] != "" && owner[f] != id:
					t.Errorf("%s %s: %q is also in %s", lang.Code, id, word, owner[f])
				}
				owner[f] = id
			}
		}
	}
}

// The due word, the statuses, "close" and the kinds of lead of every language are read as
// such; the names the buttons carry always work; other words are not.
func TestStatusDueAndLeadWordsOfEveryLanguage(t *testing.T) {
	t.Parallel()
	cat, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	w := loadCommandWords(cat)
	for _, lang := range locales.Languages() {
		l := cat.For(lang.Code)
		for _, word := range strings.Split(l.T("typed_words.due"), ",") {
			if !w.isDue(strings.ToUpper(word)) {
				t.Errorf("%s: %q is not a due word", lang.Code, word)
			}
		}
		for _, word := range strings.Split(l.T("typed_words.close"), ",") {
			if !w.isClose(word) {
				t.Errorf("%s: %q is not a close word", lang.Code, word)
			}
		}
		for _, status := range stepStatuses() {
			for _, word := range strings.Split(l.T("typed_words.status_"+status), ",") {
				if got, ok := w.status(word); !ok || got != status {
					t.Errorf("%s: %q is %q (%v), want %s", lang.Code, word, got, ok, status)
				}
			}
		}
	}
	for in, want := range map[string]string{"done": storage.StepDone, "Fatto": storage.StepDone, "in_progress": storage.StepInProgress,
		"avviata": storage.StepInProgress, "todo": storage.StepTodo, "bloccato": storage.StepBlocked} {
		if got, ok := w.status(in); !ok || got != want {
			t.Errorf("status(%q) = %q, want %s", in, got, want)
		}
	}
	for _, in := range []string{"", "casa", "due", "add", "12"} {
		if got, ok := w.status(in); ok {
			t.Errorf("%q read as the status %s", in, got)
		}
	}
	for in, want := range map[string]string{"housing": storage.LeadHousing, "job": storage.LeadJob, "casa": storage.LeadHousing,
		"lavoro": storage.LeadJob, "logement": storage.LeadHousing, "work": storage.LeadJob} {
		if got, ok := w.leadKind(in); !ok || got != want {
			t.Errorf("leadKind(%q) = %q, want %s", in, got, want)
		}
	}
	for _, in := range []string{"documenti", "psych", "", "close"} {
		if got, ok := w.leadKind(in); ok {
			t.Errorf("%q read as the lead kind %s", in, got)
		}
	}
	for _, lang := range locales.Languages() {
		l := cat.For(lang.Code)
		for _, reason := range storage.ExitReasons() {
			for _, word := range strings.Split(l.T("typed_words.exit_"+reason), ",") {
				if got, ok := w.exitReason(word); !ok || got != reason {
					t.Errorf("%s: %q is the exit reason %q (%v), want %s", lang.Code, word, got, ok, reason)
				}
			}
		}
		for id, want := range map[string]bool{"typed_words.yes": true, "typed_words.no": false} {
			for _, word := range strings.Split(l.T(id), ",") {
				if yes, ok := w.yesNo(word); !ok || yes != want {
					t.Errorf("%s: %q read as yes=%v (%v)", lang.Code, word, yes, ok)
				}
			}
		}
	}
	if r, ok := w.exitReason("Autonomia"); !ok || r != storage.ExitAutonomy {
		t.Errorf("exitReason(Autonomia) = %q %v", r, ok)
	}
	if _, ok := w.exitReason("casa"); ok {
		t.Error("casa read as an exit reason")
	}
	if _, ok := w.yesNo("forse"); ok {
		t.Error("forse read as yes or no")
	}
	if !w.isDue("Scadenza") || w.isDue("done") || !w.isClose("CHIUDI") || w.isClose("add") {
		t.Error("due or close words misread")
	}
}

// A word added to the catalogue is understood with no change in Go; a word two areas claim
// names neither.
func TestAWordAddedToTheCatalogueIsUnderstood(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"typed_words.add":            "add, ku-dar",
		"typed_words.area_housing":   "casa, gurigaaga, xyz",
		"typed_words.area_work":      "lavoro, xyz",
		"typed_words.area_documents": "documenti",
	}
	w := commandWordsFrom(func(id string) map[string]bool {
		out := map[string]bool{}
		for _, word := range strings.Split(files[id], ",") {
			if f := foldWord(word); f != "" {
				out[f] = true
			}
		}
		return out
	})
	if got, ok := w.area("Gurigaaga"); !ok || got != storage.AreaHousing {
		t.Fatalf("a new housing word: %q %v", got, ok)
	}
	if !w.isAdd("KU-DAR") {
		t.Fatal("a new add word is not understood")
	}
	if got, ok := w.area("xyz"); ok {
		t.Fatalf("a word of two areas read as %s", got)
	}
	if _, ok := w.area("psych"); ok {
		t.Fatal("a word no file has is understood")
	}
}
