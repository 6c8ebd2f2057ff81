package domain_test

import (
	"maps"
	"testing"

	"github.com/insideaut/insidebot/domain"
)

// The completeness warning: Italian readers and languages with a version are not in it; a
// language the translation server knows gets an automatic translation; the others the Italian
// text, each with how many people.
func TestReachUntranslated(t *testing.T) {
	r := domain.Reach{ByLang: map[string]int{"it": 3, "fr": 2, "ar": 1, "ti": 4, "en": 1}, Total: 11}
	texts := map[string]string{"en": "Neighbourhood party"}
	auto, italian := r.Untranslated(texts, nil)
	if len(auto) != 0 || !maps.Equal(italian, map[string]int{"fr": 2, "ar": 1, "ti": 4}) {
		t.Fatalf("without a server: auto %v, italian %v", auto, italian)
	}
	knows := func(from, to string) bool { return from == "it" && (to == "fr" || to == "ar") }
	auto, italian = r.Untranslated(texts, knows)
	if !maps.Equal(auto, map[string]int{"fr": 2, "ar": 1}) || !maps.Equal(italian, map[string]int{"ti": 4}) {
		t.Fatalf("with a server for fr and ar: auto %v, italian %v", auto, italian)
	}
}
