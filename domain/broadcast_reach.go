package domain

import (
	"context"

	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Reach is whom a broadcast would reach if it went now: the people of its audience who may
// get it, by language, and those left out, by reason (STOP, no consent, unreachable). The
// chat's preview and the desk's broadcast page both show it.
type Reach struct {
	ByLang   map[string]int // recipients by language
	Excluded map[string]int // left out, by reason (storage.Excluded*)
	Total    int            // recipients
}

// ReachOf counts the audience of a broadcast as it stands.
func ReachOf(ctx context.Context, q storage.Queryer, au Audience) (Reach, error) {
	recipients, err := storage.Recipients(ctx, q, au.Filter())
	if err != nil {
		return Reach{}, err
	}
	r := Reach{ByLang: map[string]int{}, Excluded: map[string]int{}}
	for _, p := range recipients {
		if x := p.Exclusion(); x != "" {
			r.Excluded[x]++
			continue
		}
		r.ByLang[p.Lang]++
		r.Total++
	}
	return r, nil
}

// Untranslated is the completeness warning of a free-text broadcast: the recipients, by
// language, who have no version in their language (texts, by language) and so would read the
// Italian text as written — auto those a translation server translates it for (knows tells
// whether it does, from Italian to a language; nil: no server), italian the others.
func (r Reach) Untranslated(texts map[string]string, knows func(from, to string) bool) (auto, italian map[string]int) {
	auto, italian = map[string]int{}, map[string]int{}
	for lang, n := range r.ByLang {
		switch {
		case lang == notify.StaffLang || texts[lang] != "":
		case knows != nil && knows(notify.StaffLang, lang):
			auto[lang] += n
		default:
			italian[lang] += n
		}
	}
	return auto, italian
}
