package flows_test

import (
	"strings"
	"testing"

	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

func TestBadInputGetsAHelpfulAnswerAndTheMenu(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, tchat := tutorOf(h)
	c, _ := member(h, "en", tutor.ID)
	cases := []struct {
		name string
		send func()
		want string
	}{
		{"sticker", func() { c.Media("sticker") }, "only text and buttons"},
		{"voice", func() { c.Media("voice") }, "only text and buttons"},
		{"photo", func() { c.Media("photo") }, "only text and buttons"},
		{"unknown text", func() { c.Send("asdf qwerty") }, "I am a robot"},
		{"very long text", func() { c.Send(strings.Repeat("Please help me with my documents. ", 300)) }, "I am a robot"},
		{"emoji only", func() { c.Send("👍🙏") }, "Thank you! Tap a button"},
		{"never issued button", func() { c.Press("zz:1") }, "That button is old"},
		{"button without its arguments", func() { c.Press("ld") }, "That button is old"},
		{"unknown command", func() { c.Send("/xyzzy") }, "I did not understand"},
		{"a word for a screen", func() { c.Send("Help!") }, "How to use insidebot"},
		{"greeting", func() { c.Send("Salam") }, "Hello!"},
	}
	for _, tc := range cases {
		tc.send()
		if len(c.Last) == 0 {
			t.Fatalf("%s: no answer", tc.name)
		}
		c.Expect(tc.want)
		if tc.name != "a word for a screen" {
			expectMenu(t, c)
		}
	}
	if n := len(tchat.Inbox()); n != 0 {
		t.Fatalf("%d alerts from bad input", n)
	}
}

func TestStaffCommandsTypedByABeneficiaryRevealNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, b := member(h, "en", 0)
	_, other := member(h, "en", 0)
	addStep(h, other, storage.AreaDocuments, "", "Other person's step", "")
	c.Send("/xyzzy")
	unknown := flowtest.Texts(c.Last)
	for _, cmd := range []string{"/beneficiaries", "/broadcast Hello everyone", "/alerts", "/invite beneficiary MI",
		"/export", "/stats", "/step " + other.Code + " 1 done", "/card " + other.Code, "/leads", "/sessions"} {
		c.Send(cmd)
		if got := flowtest.Texts(c.Last); got != unknown {
			t.Fatalf("%s answered differently from an unknown command:\n%s", cmd, got)
		}
		expectNot(t, c, other.Code, "role", "Other person's step")
	}
	// A beneficiary's own command with someone else's code shows their own data only.
	c.Send("/plan " + other.Code)
	c.Expect("no steps yet")
	expectNot(t, c, "Other person's step")
	_ = b
}

// Words for a screen are understood inside a sentence in a language whose vowel signs are
// combining marks (Bengali): "বাসা চাই" ("I want a home") opens housing.
func TestTypedWordsInsideASentenceInBengali(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, _ := member(h, "bn", 0)
	c.Send("আমি বাসা চাই")
	c.Expect(h.Catalog.For("bn").T("leads.none_housing"))
}
