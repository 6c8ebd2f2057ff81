package locales

import "strings"

// Lang is one of the languages insidebot speaks.
type Lang struct {
	Code     string   // the locale file's tag: it, en, fr, ar, ur, bn, fa-AF, ps, ti, so
	Native   string   // the language's own name, as the picker shows it
	RTL      bool     // written right to left
	Script   string   // ISO 15924 code of its writing system: Latn, Arab, Beng, Ethi
	Fallback []string // where a message not (yet) translated comes from, in order
}

// Languages lists the ten languages in the order the picker shows them.
func Languages() []Lang {
	return []Lang{
		{Code: "it", Native: "Italiano", Script: "Latn", Fallback: []string{"en"}},
		{Code: "en", Native: "English", Script: "Latn", Fallback: []string{"it"}},
		{Code: "fr", Native: "Français", Script: "Latn", Fallback: []string{"en", "it"}},
		{Code: "ar", Native: "العربية", RTL: true, Script: "Arab", Fallback: []string{"en", "it"}},
		{Code: "ur", Native: "اردو", RTL: true, Script: "Arab", Fallback: []string{"en", "it"}},
		{Code: "bn", Native: "বাংলা", Script: "Beng", Fallback: []string{"en", "it"}},
		{Code: "fa-AF", Native: "دری", RTL: true, Script: "Arab", Fallback: []string{"en", "it"}},
		{Code: "ps", Native: "پښتو", RTL: true, Script: "Arab", Fallback: []string{"fa-AF", "en", "it"}},
		{Code: "ti", Native: "ትግርኛ", Script: "Ethi", Fallback: []string{"en", "it"}},
		{Code: "so", Native: "Soomaali", Script: "Latn", Fallback: []string{"en", "it"}},
	}
}

// Match maps a platform's language code (Telegram's language_code, a typed "fr-FR", "prs")
// to one of the ten, or "" when none fits.
func Match(code string) string {
	c := strings.ToLower(strings.TrimSpace(code))
	c = strings.ReplaceAll(c, "_", "-")
	if c == "" {
		return ""
	}
	base, region, _ := strings.Cut(c, "-")
	switch base {
	case "fa", "prs": // Dari is the Afghan variety of Persian
		return "fa-AF"
	case "pbu", "pbt", "pst":
		return "ps"
	}
	_ = region
	for _, l := range Languages() {
		if strings.EqualFold(l.Code, base) {
			return l.Code
		}
	}
	return ""
}
