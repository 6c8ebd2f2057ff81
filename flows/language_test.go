package flows_test

import (
	"testing"
)

func TestLanguageSwitchMidConversation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, b := member(h, "en", 0)
	c.Send("/menu")
	c.Tap("Housing")
	c.Expect("no housing offers")
	c.Tap("Back to menu")
	c.Tap("Language")
	expectButton(t, c, "✅ English")
	c.Tap("Italiano")
	c.Expect("Lingua cambiata", "Cosa vuoi fare?")
	expectButton(t, c, "Il mio piano")
	var hasMenu bool
	for _, m := range c.Last {
		for _, cmd := range m.Commands {
			if cmd.Command == "plan" && cmd.Description == "Il mio piano" {
				hasMenu = true
			}
		}
	}
	if !hasMenu {
		t.Fatal("the command menu was not set in the new language")
	}
	if reload(h, b.ID).Lang != "it" {
		t.Fatal("language not stored")
	}
	c.Tap("Lavoro")
	c.Expect("non ci sono offerte di lavoro")
	c.Send("qwerty")
	c.Expect("Sono un robot", "Il mio tutor")
	// Typing a language's name switches too.
	c.Send("english")
	c.Expect("Language changed")
	c.Send("Français")
	if reload(h, b.ID).Lang != "fr" {
		t.Fatal("typed language not stored")
	}
}
