package locales_test

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/insideaut/insidebot/locales"
)

// pluralFormsOf are the CLDR cardinal plural categories each language needs (the ones
// go-i18n selects among for it).
func pluralFormsOf(lang string) []string {
	switch lang {
	case "ar":
		return []string{"zero", "one", "two", "few", "many", "other"}
	case "it", "fr":
		return []string{"one", "many", "other"}
	}
	return []string{"one", "other"}
}

// scriptOf is the Unicode table of a language's writing system.
func scriptOf(l locales.Lang) *unicode.RangeTable {
	return map[string]*unicode.RangeTable{"Latn": unicode.Latin, "Arab": unicode.Arabic, "Beng": unicode.Bengali, "Ethi": unicode.Ethiopic}[l.Script]
}

var (
	placeholder  = regexp.MustCompile(`\{\{\s*\.(\w+)`)
	templateMark = regexp.MustCompile(`\{\{[^}]*\}\}`)
)

func names(s string) string {
	set := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		set[m[1]] = true
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// MaxLabel is the longest a button label may be: WhatsApp cuts reply-button titles at 20
// characters.
const MaxLabel = 20

// buttonLabels are the message ids used as button labels (testdata/button_labels.txt).
func buttonLabels(t *testing.T) map[string]bool {
	t.Helper()
	data, err := os.ReadFile("testdata/button_labels.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out[line] = true
		}
	}
	return out
}

// TestButtonLabelsExist keeps the list of labels true: every listed id is a message.
func TestButtonLabelsExist(t *testing.T) {
	en := baseIDs(rawMessages(t)["en"])
	for id := range buttonLabels(t) {
		if en[id] == nil {
			t.Errorf("testdata/button_labels.txt lists %s, which is no message", id)
		}
	}
}

// TestTranslations checks each language's file against English: the same messages, no more
// and no fewer; the same placeholders; the plural forms its language needs; a header saying
// whether a native speaker reviewed it; button labels within MaxLabel characters.
func TestTranslations(t *testing.T) {
	raw := rawMessages(t)
	en := raw["en"]
	labels := buttonLabels(t)
	for _, l := range locales.Languages() {
		t.Run(l.Code, func(t *testing.T) {
			msgs, ok := raw[l.Code]
			if !ok {
				t.Fatalf("no locales/active.%s.toml", l.Code)
			}
			data, _ := os.ReadFile("active." + l.Code + ".toml")
			if !strings.HasPrefix(string(data), "# reviewed-by-native-speaker: yes") && !strings.HasPrefix(string(data), "# reviewed-by-native-speaker: no") {
				t.Errorf("active.%s.toml must start with '# reviewed-by-native-speaker: yes' or ': no'", l.Code)
			}
			for _, id := range sortedKeys(baseIDs(en)) {
				forms := baseIDs(msgs)[id]
				if forms == nil {
					t.Errorf("missing %s", id)
					continue
				}
				enForms := baseIDs(en)[id]
				if len(enForms) == 1 && enForms[0] == "" {
					if len(forms) != 1 || forms[0] != "" {
						t.Errorf("%s: has plural forms, English has none", id)
					}
				} else {
					for _, f := range pluralFormsOf(l.Code) {
						if _, ok := msgs[id+"#"+f]; !ok {
							t.Errorf("%s: plural form %q missing (%s needs %v)", id, f, l.Code, pluralFormsOf(l.Code))
						}
					}
				}
			}
			for id, text := range msgs {
				base, _, _ := strings.Cut(id, "#")
				ref, ok := en[id]
				if !ok {
					ref, ok = en[base+"#other"]
				}
				if !ok {
					if _, known := baseIDs(en)[base]; !known {
						t.Errorf("%s is not an English message (remove it or add it to English)", id)
					}
					continue
				}
				if strings.HasSuffix(id, "#zero") || strings.HasSuffix(id, "#one") || strings.HasSuffix(id, "#two") {
					// A singular form may spell the number out instead of {{.Count}}.
					if got, want := strings.ReplaceAll(names(text), "Count", ""), strings.ReplaceAll(names(ref), "Count", ""); strings.Trim(got, ",") != strings.Trim(want, ",") {
						t.Errorf("%s uses {%s}, English uses {%s}", id, names(text), names(ref))
					}
				} else if names(text) != names(ref) {
					t.Errorf("%s uses {%s}, English uses {%s}", id, names(text), names(ref))
				}
				if strings.TrimSpace(text) == "" {
					t.Errorf("%s is empty", id)
				}
				if labels[base] {
					// Rendered with a three-digit value, as {{.Rent}} of "up to 500 €".
					shown := templateMark.ReplaceAllString(text, "500")
					if n := utf8.RuneCountInString(shown); n > MaxLabel {
						t.Errorf("%s is a button label: %q is %d characters, keep it within %d", id, shown, n, MaxLabel)
					}
				}
			}
		})
	}
}

// TestScripts checks that each language's messages are written in its script (and, for
// languages written in Latin letters, are not English left untranslated).
func TestScripts(t *testing.T) {
	raw := rawMessages(t)
	for _, l := range locales.Languages() {
		if l.Code == "en" {
			continue
		}
		t.Run(l.Code, func(t *testing.T) {
			script := scriptOf(l)
			if script == nil {
				t.Fatalf("%s has no known script %q", l.Code, l.Script)
			}
			var wrong []string
			sameAsEnglish, long := 0, 0
			for id, text := range raw[l.Code] {
				letters := strings.Fields(stripPlaceholders(text))
				if len(letters) < 3 {
					continue
				}
				long++
				if script != unicode.Latin && locales.ScriptShare(text, l.Script) < 0.5 {
					wrong = append(wrong, id)
				}
				if script == unicode.Latin && text == raw["en"][id] {
					sameAsEnglish++
				}
			}
			sort.Strings(wrong)
			if len(wrong) > 0 {
				t.Errorf("%d messages are mostly not in the %s script: %v", len(wrong), l.Code, head(wrong, 10))
			}
			if long > 0 && float64(sameAsEnglish)/float64(long) > 0.05 {
				t.Errorf("%d of %d messages are identical to English", sameAsEnglish, long)
			}
		})
	}
}

var links = regexp.MustCompile(`https?://\S+|\{\{[^}]*\}\}`)

func stripPlaceholders(s string) string { return links.ReplaceAllString(s, " ") }

func head(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// baseIDs maps message id -> plural forms present ("" for a message without plurals).
func baseIDs(msgs map[string]string) map[string][]string {
	out := map[string][]string{}
	for id := range msgs {
		base, form, _ := strings.Cut(id, "#")
		out[base] = append(out[base], form)
	}
	return out
}

func sortedKeys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestEveryMessageRenders renders every message of every language with sample data: none is
// empty, none leaves a template mark or "<no value>", none is longer than a Telegram message,
// and none falls back to another language.
func TestEveryMessageRenders(t *testing.T) {
	var fallbacks []string
	c, err := locales.LoadWith(nil, func(lang, id, from string) { fallbacks = append(fallbacks, lang+" "+id+" from "+from) })
	if err != nil {
		t.Fatal(err)
	}
	raw := rawMessages(t)
	for _, l := range locales.Languages() {
		loc := c.For(l.Code)
		for base := range baseIDs(raw["en"]) {
			kv := sampleData(raw["en"][base] + raw["en"][base+"#other"])
			var got string
			if _, plural := raw["en"][base+"#other"]; plural {
				for _, n := range []int{0, 1, 2, 3, 11, 100, 1000000} {
					got = loc.N(base, n, kv...)
					checkRendered(t, l.Code, base, got)
				}
				continue
			}
			got = loc.T(base, kv...)
			checkRendered(t, l.Code, base, got)
		}
	}
	sort.Strings(fallbacks)
	if len(fallbacks) > 0 {
		t.Errorf("%d messages fall back to another language, e.g. %v", len(fallbacks), head(fallbacks, 10))
	}
}

func checkRendered(t *testing.T, lang, id, got string) {
	t.Helper()
	switch {
	case strings.TrimSpace(got) == "":
		t.Errorf("%s %s renders empty", lang, id)
	case strings.Contains(got, "{{") || strings.Contains(got, "<no value>"):
		t.Errorf("%s %s leaves a template mark: %q", lang, id, got)
	case utf8.RuneCountInString(got) > 4096:
		t.Errorf("%s %s is longer than a Telegram message", lang, id)
	}
}

// sampleData gives every placeholder of a message a plausible value.
func sampleData(text string) []any {
	var kv []any
	for _, n := range strings.Split(names(text), ",") {
		if n == "" || n == "Count" {
			continue
		}
		kv = append(kv, n, fmt.Sprintf("Via Padova 36 %s", n))
	}
	return kv
}
