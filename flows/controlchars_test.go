package flows_test

import (
	"strings"
	"testing"

	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/locales"
)

// A NUL byte (which PostgreSQL refuses in text), other control characters and bytes that are
// not UTF-8 may come in any text a person sends. They are removed before the flows see the
// text: every journey that stores what was typed works, and nobody gets the apology for a
// failure.
func TestControlCharactersInTextNeverFailAJourney(t *testing.T) {
	t.Parallel()
	bothDialects(t, func(t *testing.T, opts ...flowtest.Option) {
		w := newCoordWorld(t, opts...)
		h := w.h
		sorry := h.Catalog.For("it").T(locales.GenericErrorID)
		sorryFR := h.Catalog.For("fr").T(locales.GenericErrorID)
		noApology := func(what string, chats ...*flowtest.Chat) {
			t.Helper()
			for _, c := range chats {
				if all := flowtest.Texts(c.Last); strings.Contains(all, sorry) || strings.Contains(all, sorryFR) {
					t.Fatalf("%s: the bot apologised for a failure:\n%s", what, flowtest.Describe(c.Last))
				}
			}
		}

		// A beneficiary writes to the tutor with a NUL and a bell in the text.
		w.benMI.Send("/menu")
		w.benMI.Tap("Mon tutor")
		w.benMI.Send("Bonjour\x00, j'ai\x07 besoin d'aide \xff\xfe")
		noApology("relay", w.benMI)
		w.benMI.Expect("✓")
		relayed := flowtest.Texts(w.tutorMI.Inbox())
		if !strings.Contains(relayed, "Bonjour, j'ai besoin d'aide") || strings.ContainsAny(relayed, "\x00\x07") {
			t.Fatalf("the tutor got %q", relayed)
		}

		// The tutor answers, adds a step and a lab, all with control characters.
		w.tutorMI.Send("/reply " + w.ben.Code + " A\x00 vendredi\x1b")
		noApology("reply", w.tutorMI)
		if got := flowtest.Texts(w.benMI.Inbox()); !strings.Contains(got, "A vendredi") || strings.Contains(got, "\x00") {
			t.Fatalf("the beneficiary got %q", got)
		}
		w.tutorMI.Send("/step " + w.ben.Code + " add lavoro Preparare\x00 il CV")
		noApology("step", w.tutorMI)
		w.tutorMI.Expect("Preparare il CV")
		w.coordMI.Send("/lab add Teatro\x00 sociale")
		noApology("lab", w.coordMI)
		w.coordMI.Expect("Teatro sociale")

		// Text made of nothing but control characters is like an empty message.
		w.benMI.Send("/menu")
		w.benMI.Send("\x00\x00\x01")
		noApology("only NULs", w.benMI)
		if len(w.benMI.Last) == 0 {
			t.Fatal("no answer to a text of control characters")
		}
		// A button payload with a NUL is an old button, not a failure.
		w.benMI.Press("pl\x00:1")
		noApology("button", w.benMI)
	})
}
