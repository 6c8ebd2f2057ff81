package locales

import (
	"fmt"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// Localizer renders messages in one language, falling back along its chain.
type Localizer struct {
	cat   *Catalog
	lang  Lang
	chain []string
}

// Catalog is the catalogue the localizer renders from.
func (l *Localizer) Catalog() *Catalog { return l.cat }

// Lang is the language code (it, en, fa-AF...).
func (l *Localizer) Lang() string { return l.lang.Code }

// RTL tells whether the language is written right to left.
func (l *Localizer) RTL() bool { return l.lang.RTL }

// Script is the ISO 15924 code of the language's writing system (Latn, Arab, Beng, Ethi).
func (l *Localizer) Script() string { return l.lang.Script }

// Native is the language's own name.
func (l *Localizer) Native() string { return l.lang.Native }

// Directional isolates: a value inside them is laid out on its own, so a code like MI-007, a
// date, a URL or "Via Padova 36" never scrambles an Arabic or Dari sentence around it.
const (
	FSI = "\u2068" // first strong isolate
	PDI = "\u2069" // pop directional isolate
)

// Iso wraps s in directional isolates when the language is right to left.
func (l *Localizer) Iso(s string) string {
	if !l.lang.RTL || s == "" || strings.HasPrefix(s, FSI) {
		return s
	}
	return FSI + s + PDI
}

// T renders a message. kv are template data as name, value pairs: T("plan.due", "Date", d).
// It never returns an empty string or a message id: a message missing in this language comes
// from the next one in the chain, and a message missing everywhere (a bug) gives the generic
// error text and is logged.
func (l *Localizer) T(id string, kv ...any) string {
	return l.render(id, nil, kv)
}

// N renders a message with plural forms for count; the template sees it as {{.Count}}.
func (l *Localizer) N(id string, count int, kv ...any) string {
	return l.render(id, count, append([]any{"Count", count}, kv...))
}

func (l *Localizer) render(id string, count any, kv []any) string {
	data := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		name := fmt.Sprint(kv[i])
		data[name] = kv[i+1]
	}
	for _, code := range l.chain {
		if !l.cat.ids[code][id] {
			continue
		}
		lang := l.cat.langs[code]
		d := data
		if lang.RTL {
			d = isolateAll(data)
		}
		msg, err := l.cat.single[code].Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: d, PluralCount: count})
		if err == nil && strings.TrimSpace(msg) != "" {
			if code != l.lang.Code {
				l.cat.log.Debug("message from a fallback language", "lang", l.lang.Code, "id", id, "from", code)
				if l.cat.onFallback != nil {
					l.cat.onFallback(l.lang.Code, id, code)
				}
			}
			return msg
		}
		l.cat.log.Error("message does not render", "lang", code, "id", id, "err", err)
	}
	l.cat.log.Error("message missing in every language", "lang", l.lang.Code, "id", id)
	if id != GenericErrorID {
		return l.T(GenericErrorID)
	}
	return "…"
}

func isolateAll(data map[string]any) map[string]any {
	out := make(map[string]any, len(data))
	for k, v := range data {
		switch x := v.(type) {
		case string:
			if x != "" {
				v = FSI + x + PDI
			}
		case int, int64, float64:
			if k != "Count" {
				v = FSI + fmt.Sprint(x) + PDI
			}
		}
		out[k] = v
	}
	return out
}

// Weekday is the localized name of a weekday.
func (l *Localizer) Weekday(d time.Weekday) string {
	return l.T(fmt.Sprintf("date.weekday.%d", int(d)))
}

// Month is the localized name of a month.
func (l *Localizer) Month(m time.Month) string {
	return l.T(fmt.Sprintf("date.month.%d", int(m)))
}

// Date renders a day in the language ("mercoledì 3 dicembre", "Wednesday 3 December").
func (l *Localizer) Date(t time.Time) string {
	return l.T("date.format.date", "Weekday", l.Weekday(t.Weekday()), "Day", t.Day(), "Month", l.Month(t.Month()), "Year", t.Year())
}

// DateTime renders a moment in the language ("mercoledì 3 dicembre, 10:00"), in the time
// zone of t.
func (l *Localizer) DateTime(t time.Time) string {
	return l.T("date.format.datetime", "Weekday", l.Weekday(t.Weekday()), "Day", t.Day(), "Month", l.Month(t.Month()),
		"Year", t.Year(), "Time", t.Format("15:04"))
}
