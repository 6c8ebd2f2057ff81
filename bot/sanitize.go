package bot

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxText is the longest text an update carries, in UTF-16 units: the most Telegram and
// WhatsApp let a person send. A longer one (only a forged payload has one) is cut.
const MaxText = 4096

// maxIDBytes bounds an update's ids: platform ids are far shorter.
const maxIDBytes = 256

// CleanText makes text safe to store anywhere: bytes that are not UTF-8 become U+FFFD, and the
// control characters nobody types (NUL, which PostgreSQL refuses in text, and the other C0 and
// C1 controls) are removed; tabs and line breaks stay.
func CleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexFunc(s, unwanted) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unwanted(r) {
			return -1
		}
		return r
	}, s)
}

// HasUnwanted tells whether CleanText would change s.
func HasUnwanted(s string) bool {
	return !utf8.ValidString(s) || strings.IndexFunc(s, unwanted) >= 0
}

func unwanted(r rune) bool {
	return unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r'
}

// Clean is the update with its texts made safe to store (CleanText) and a text no platform
// would carry cut to MaxText. Every channel's update passes through it in the dispatcher.
func (in Incoming) Clean() Incoming {
	in.Text = CleanText(in.Text)
	if UTF16Len(in.Text) > MaxText {
		in.Text = in.Text[:UTF16Prefix(in.Text, MaxText)]
	}
	in.Data = CleanText(in.Data)
	in.Command = CleanText(in.Command)
	in.Media = CleanText(in.Media)
	in.LangHint = CleanText(in.LangHint)
	in.Attachment = cleanMedia(in.Attachment)
	return in
}

// checkID refuses an id no platform gives: empty, too long, not UTF-8 or with a control
// character (an id is never cleaned: a changed id would name someone else).
func checkID(what, id string) error {
	switch {
	case id == "":
		return fmt.Errorf("incoming: no %s", what)
	case len(id) > maxIDBytes:
		return fmt.Errorf("incoming: %s of %d bytes", what, len(id))
	case HasUnwanted(id):
		return fmt.Errorf("incoming: %s with a control character or invalid UTF-8", what)
	}
	return nil
}
