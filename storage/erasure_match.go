package storage

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"unicode/utf8"
)

// ErasureNeedles is what an erasure looks for outside the person's own rows: the words that
// name them (code, display name, reception contact) and the accounts and chats they used. It
// is kept (erasure_purges) only until the deliveries under way at the erasure have ended, for
// the second purge; then it is deleted too.
type ErasureNeedles struct {
	BeneficiaryID int64     `json:"b"`
	Words         []string  `json:"w,omitempty"` // searched as whole words, in any case
	Chats         []ChatRef `json:"c,omitempty"` // every chat of every identity
	Accounts      []string  `json:"a,omitempty"` // platform account ids (Telegram user id, wa_id, web-chat hash)
	IdentityIDs   []int64   `json:"i,omitempty"`
}

// ChatRef is one chat of one channel.
type ChatRef struct {
	Channel string `json:"ch"`
	ChatID  string `json:"id"`
}

// Key is the chat's outbox key.
func (c ChatRef) Key() string { return ChatKey(c.Channel, c.ChatID) }

// minWordRunes is the shortest name searched for: a name of one or two letters would match
// ordinary words in every message.
const minWordRunes = 3

// addWord adds a word to look for, once.
func (n *ErasureNeedles) addWord(w string) {
	w = strings.TrimSpace(w)
	if utf8.RuneCountInString(w) < minWordRunes {
		return
	}
	for _, have := range n.Words {
		if strings.EqualFold(have, w) {
			return
		}
	}
	n.Words = append(n.Words, w)
}

// terms are every string the person is named by: words, accounts and chat ids.
func (n ErasureNeedles) terms() []string {
	out := append([]string(nil), n.Words...)
	seen := map[string]bool{}
	for _, w := range out {
		seen[strings.ToLower(w)] = true
	}
	add := func(s string) {
		if s != "" && !seen[strings.ToLower(s)] {
			seen[strings.ToLower(s)] = true
			out = append(out, s)
		}
	}
	for _, a := range n.Accounts {
		add(a)
	}
	for _, c := range n.Chats {
		add(c.ChatID)
	}
	return out
}

// whatsAppNumbers are the person's WhatsApp numbers (for platform message ids, which carry
// them in base64).
func (n ErasureNeedles) whatsAppNumbers() []string {
	var out []string
	for _, c := range n.Chats {
		if c.Channel == ChannelWhatsApp {
			out = append(out, c.ChatID)
		}
	}
	return out
}

// matcher finds the person's terms as whole words (not inside a longer word or number).
type matcher struct {
	re      *regexp.Regexp
	numbers []string
}

func newMatcher(n ErasureNeedles) *matcher {
	terms := n.terms()
	m := &matcher{numbers: n.whatsAppNumbers()}
	if len(terms) == 0 {
		return m
	}
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = regexp.QuoteMeta(t)
	}
	m.re = regexp.MustCompile(`(?i)(^|[^\p{L}\p{N}_])(` + strings.Join(quoted, "|") + `)($|[^\p{L}\p{N}_])`)
	return m
}

// mentions tells whether s names the person: one of their terms as a whole word, or a
// WhatsApp message id carrying their number.
func (m *matcher) mentions(s string) bool {
	if s == "" {
		return false
	}
	if m.re != nil && m.re.MatchString(s) {
		return true
	}
	return m.wamidMentions(s)
}

// wamidPattern finds WhatsApp message ids: "wamid." and base64.
var wamidPattern = regexp.MustCompile(`wamid\.([A-Za-z0-9+/=_-]{8,})`)

// wamidMentions tells whether s holds a WhatsApp message id of the person's number: the id's
// base64 carries the number in clear.
func (m *matcher) wamidMentions(s string) bool {
	if len(m.numbers) == 0 || !strings.Contains(s, "wamid.") {
		return false
	}
	for _, sub := range wamidPattern.FindAllStringSubmatch(s, -1) {
		raw := strings.TrimRight(sub[1], "=")
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			b, err := enc.DecodeString(raw)
			if err != nil {
				continue
			}
			for _, num := range m.numbers {
				if strings.Contains(string(b), num) {
					return true
				}
			}
		}
	}
	return false
}

// redact replaces the person's terms in s (keeping what surrounds them) with replacement.
func (m *matcher) redact(s, replacement string) string {
	if m.re == nil {
		return s
	}
	// Matches share their boundary characters: repeat until none is left.
	for i := 0; i < 8 && m.re.MatchString(s); i++ {
		s = m.re.ReplaceAllString(s, "${1}"+strings.ReplaceAll(replacement, "$", "$$")+"${3}")
	}
	return s
}

// likePatterns are LIKE patterns (with ESCAPE '\') that find candidates for mentions: each
// term as it is and as JSON writes it (payloads are JSON), lowercased.
func (n ErasureNeedles) likePatterns() []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range n.terms() {
		forms := []string{t}
		if b, err := json.Marshal(t); err == nil {
			forms = append(forms, strings.Trim(string(b), `"`))
		}
		for _, f := range forms {
			p := "%" + likeEscape(strings.ToLower(f)) + "%"
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	if len(n.whatsAppNumbers()) > 0 {
		out = append(out, "%wamid.%")
	}
	return out
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// anyLike is a WHERE condition: LOWER(col) LIKE any of n patterns.
func anyLike(col string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = `LOWER(` + col + `) LIKE ? ESCAPE '\'`
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}
