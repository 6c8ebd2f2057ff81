package desk

import (
	"net/http"
	"unicode/utf8"
)

// formIsText tells whether every field of a posted form is text a person could have typed:
// valid UTF-8 without control characters other than tab and line ends. A NUL byte or a stray
// escape never reaches the domain (PostgreSQL refuses NUL in text): the form is answered 400
// with a clear page and nothing changes. Files of a multipart form are not fields.
func formIsText(r *http.Request) bool {
	for _, values := range r.PostForm {
		for _, v := range values {
			if !isTypedText(v) {
				return false
			}
		}
	}
	return true
}

// queryIsText is formIsText for the address's query (a page's filters).
func queryIsText(r *http.Request) bool {
	for _, values := range r.URL.Query() {
		for _, v := range values {
			if !isTypedText(v) {
				return false
			}
		}
	}
	return true
}

// isTypedText: valid UTF-8, no C0 control but tab, LF and CR, no DEL, no C1 control.
func isTypedText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		switch {
		case c == '\t' || c == '\n' || c == '\r':
		case c < 0x20, c >= 0x7f && c < 0xa0:
			return false
		}
	}
	return true
}
