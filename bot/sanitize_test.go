package bot

import (
	"strings"
	"testing"
)

func TestCleanText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"ciao", "ciao"},
		{"a\x00b", "ab"},
		{"\x00\x00", ""},
		{"bell\x07 esc\x1b del\x7f c1\u0085", "bell esc del c1"},
		{"tab\tline\nreturn\r", "tab\tline\nreturn\r"},
		{"bad \xff\xfe bytes", "bad \uFFFD bytes"},
		{"surrogate \xed\xa0\x80", "surrogate \uFFFD"},
		{"سلام 👋 বাসা", "سلام 👋 বাসা"},
		{"rtl \u200f mark", "rtl \u200f mark"}, // format characters are not controls
	}
	for _, c := range cases {
		if got := CleanText(c.in); got != c.want {
			t.Errorf("CleanText(%q) = %q, want %q", c.in, got, c.want)
		}
		if HasUnwanted(c.in) != (c.in != c.want) {
			t.Errorf("HasUnwanted(%q) = %v", c.in, HasUnwanted(c.in))
		}
	}
}

func TestIncomingCleanAndValidate(t *testing.T) {
	ok := Incoming{Channel: WhatsApp, UpdateID: "wamid.X", ChatID: "393331234567", UserID: "393331234567", Kind: KindText}
	in := ok
	in.Text, in.Data, in.Command = "hi\x00", "pl\x00:1", "st\x00art"
	in.Text += strings.Repeat("é", MaxText+10)
	c := in.Clean()
	if strings.Contains(c.Text+c.Data+c.Command, "\x00") || c.Data != "pl:1" || c.Command != "start" || UTF16Len(c.Text) != MaxText {
		t.Fatalf("cleaned %q %q, text of %d units", c.Data, c.Command, UTF16Len(c.Text))
	}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(*Incoming){
		"NUL in the update id": func(i *Incoming) { i.UpdateID = "wamid.\x00" },
		"NUL in the chat id":   func(i *Incoming) { i.ChatID = "39333\x00" },
		"bad UTF-8 user id":    func(i *Incoming) { i.UserID = "\xff" },
		"huge update id":       func(i *Incoming) { i.UpdateID = strings.Repeat("w", 300) },
		"no update id":         func(i *Incoming) { i.UpdateID = "" },
	} {
		bad := ok
		f(&bad)
		if err := bad.Clean().Validate(); err == nil {
			t.Errorf("%s: valid", name)
		}
	}
}
