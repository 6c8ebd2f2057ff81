package notify

import (
	"time"

	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/locales"

	"github.com/insideaut/insidebot/storage"
)

// MapLink is where a session takes place as a web link: its map link when that is a web
// address (a platform refuses a whole message for a bad link), else a map search for its place.
func MapLink(s storage.Session) string {
	if u, err := url.Parse(strings.TrimSpace(s.MapURL)); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return u.String()
	}
	return "https://www.google.com/maps/search/?api=1&query=" + url.QueryEscape(s.Place)
}

// CountsByKey renders counts as "fr 6, en 5, it 3" (largest first), naming keys with label
// when set.
func CountsByKey(counts map[string]int, label func(string) string) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		name := k
		if label != nil {
			name = label(k)
		}
		parts = append(parts, fmt.Sprintf("%s %d", name, counts[k]))
	}
	return strings.Join(parts, ", ")
}

// StepTitle is a plan step's title in l's language, as staff and a beneficiary's notices show
// it: its free title, else the catalogue's title of its standard key.
func StepTitle(l *locales.Localizer, s storage.PlanStep) string {
	if s.Title.Valid && s.Title.String != "" {
		return s.Title.String
	}
	return KeyTitle(l, s.StepKey.String)
}

// KeyTitle is the title of a standard step. The catalogue's texts (steps.<key>.title) are
// written language by language; until a language has one, the key itself reads as the
// Italian name staff and beneficiaries use ("codice_fiscale" -> "Codice fiscale").
func KeyTitle(l *locales.Localizer, key string) string {
	id := "steps." + key + ".title"
	for _, code := range []string{l.Lang(), "en", "it"} {
		if l.Catalog().Has(code, id) {
			return l.T(id)
		}
	}
	words := strings.ReplaceAll(key, "_", " ")
	if words == "" {
		return key
	}
	return strings.ToUpper(words[:1]) + words[1:]
}

// CivilDate renders a civil date (YYYY-MM-DD) in l's language.
func CivilDate(l *locales.Localizer, date string) string {
	d, err := time.Parse(civil.Layout, date)
	if err != nil {
		return date
	}
	return l.T("card.civil_date", "Date", l.Date(d), "Year", d.Year())
}

// StaffLang is the language staff write in (tutors' messages, step titles, leads, the text of
// a broadcast): the project works in Italian.
const StaffLang = "it"

// Foreign marks text, written by a person, as a part of a message that the outbox shows
// translated into the recipient's language when a translation server is set (bot.Foreign);
// from is its language, "" when it is not known.
func Foreign(text, from string) bot.Foreign {
	return bot.Foreign{Text: text, From: from}
}

// ForeignInline is Foreign for a short text inside a sentence or a list (a title).
func ForeignInline(text, from string) bot.Foreign {
	return bot.Foreign{Text: text, From: from, Inline: true}
}
