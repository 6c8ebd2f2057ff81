package bot

import (
	"strings"
	"unicode/utf16"
)

// UTF16Len is a text's length as Telegram and WhatsApp count it: UTF-16 code units (an emoji
// outside the basic plane counts 2).
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// UTF16Prefix is the byte length of the longest prefix of s of at most max UTF-16 units; it
// always ends at a character boundary.
func UTF16Prefix(s string, max int) int {
	n := 0
	for i, r := range s {
		l := utf16.RuneLen(r)
		if n+l > max {
			return i
		}
		n += l
	}
	return len(s)
}

// Truncate shortens s to max UTF-16 units, ending with "…" when it cut.
func Truncate(s string, max int) string {
	if UTF16Len(s) <= max {
		return s
	}
	return strings.TrimSpace(s[:UTF16Prefix(s, max-1)]) + "…"
}

// SplitText cuts a text into pieces of at most max UTF-16 units, at a paragraph, a line or a
// space when one falls in the second half of a piece, so words stay whole; a piece with no
// such place is cut at a character boundary. A blank text has no pieces.
func SplitText(s string, max int) []string {
	s = strings.TrimSpace(s)
	var out []string
	for s != "" {
		if UTF16Len(s) <= max {
			out = append(out, s)
			break
		}
		cut := UTF16Prefix(s, max)
		head := s[:cut]
		at := -1
		for _, sep := range []string{"\n\n", "\n", " "} {
			if i := strings.LastIndex(head, sep); i > cut/2 {
				at = i
				break
			}
		}
		if at < 0 {
			at = cut
		}
		out = append(out, strings.TrimSpace(s[:at]))
		s = strings.TrimSpace(s[at:])
	}
	return out
}
