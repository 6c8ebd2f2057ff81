package notify

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxDataBytes is the most a button's payload may hold: Telegram's callback_data limit.
const MaxDataBytes = 64

// Data builds a button payload "name:arg:arg". Names are short (they count against the 64
// bytes); arguments must not contain ':'.
func Data(name string, args ...any) string {
	var b strings.Builder
	b.WriteString(name)
	for _, a := range args {
		b.WriteByte(':')
		fmt.Fprint(&b, a)
	}
	s := b.String()
	if len(s) > MaxDataBytes {
		panic(fmt.Sprintf("button data %q is %d bytes, over %d", s, len(s), MaxDataBytes))
	}
	return s
}

// Args are a pressed button's arguments.
type Args []string

// ParseData splits a payload into its route name and arguments.
func ParseData(data string) (string, Args) {
	parts := strings.Split(data, ":")
	return parts[0], Args(parts[1:])
}

// Int returns argument i as an integer; ok is false when it is missing or not a number (a
// payload the bot never issued).
func (a Args) Int(i int) (int64, bool) {
	if i >= len(a) {
		return 0, false
	}
	n, err := strconv.ParseInt(a[i], 10, 64)
	return n, err == nil
}

// Str returns argument i, or "" when missing.
func (a Args) Str(i int) string {
	if i >= len(a) {
		return ""
	}
	return a[i]
}
