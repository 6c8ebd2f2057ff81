package flows_test

import (
	"strings"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/notify"
)

// What the bot does not understand is not dropped: the menu answers it with "Send to tutor",
// one tap relays exactly that text with the code, a second tap or a made-up one sends nothing.
func TestUnknownTextCanGoToTheTutor(t *testing.T) {
	t.Parallel()
	for i, channel := range []string{bot.Telegram, bot.WhatsApp, bot.Webchat} {
		t.Run(channel, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			tutor, tchat := tutorOf(h)
			c := h.Chat(channel, "said-"+channel+string(rune('a'+i)))
			b := h.LinkBeneficiary(c, h.NewBeneficiary("MI", "fr", tutor.ID))
			said := "J'ai un problème avec mon propriétaire, il veut que je parte demain"
			c.Send(said)
			c.Expect("votre tutor", "112") // "il veut que je parte": an eviction
			send := expectButton(t, c, "Envoyer au tutor")
			if n := len(tchat.Inbox()); n != 0 {
				t.Fatalf("%d messages reached the tutor before the tap", n)
			}
			c.Tap("Envoyer au tutor")
			c.Expect("✓")
			got := tchat.Inbox()
			if len(got) != 1 || !strings.Contains(got[0].Text, said) || !strings.Contains(got[0].Text, b.Code) {
				t.Fatalf("tutor got %s", flowtest.Describe(got))
			}
			// The same button again, or one made up: nothing is sent.
			c.Press(send.Data)
			c.Expect("rien n'a été envoyé")
			c.Press(notify.Data(flows.ButtonSendSaid, "0123456789abcdef"))
			c.Expect("rien n'a été envoyé")
			if n := len(tchat.Inbox()); n != 0 {
				t.Fatalf("a stale or forged tap sent %d messages", n)
			}
			// A newer text replaces the kept one: the older button no longer works.
			c.Send("le chat du voisin est gentil")
			old := expectButton(t, c, "Envoyer au tutor")
			c.Send("il pleut beaucoup aujourd hui")
			c.Press(old.Data)
			c.Expect("rien n'a été envoyé")
			if n := len(tchat.Inbox()); n != 0 {
				t.Fatalf("an older button sent %d messages", n)
			}
		})
	}
}

// Text that looks urgent, in any of the ten languages, shows the emergency numbers at once; an
// ordinary text does not.
func TestUrgentTextShowsEmergencyNumbers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, tchat := tutorOf(h)
	cases := []struct{ lang, text string }{
		{"it", "il padrone mi ha dato lo sfratto per domani"},
		{"en", "The police stopped me at the station"},
		{"fr", "ma femme est à l'hôpital"},
		{"ar", "صاحب البيت يهددني"},
		{"ti", "ኣብ ሆስፒታል እየ ዘለኹ"},
		{"so", "waxaa la i geeyay isbitaal"},
		{"en", "someone attacked me yesterday"}, // violen* / attacked
		{"bn", "আমি হাসপাতালে আছি এখন হাসপাতাল"},
	}
	for _, tc := range cases {
		c := h.Telegram()
		h.LinkBeneficiary(c, h.NewBeneficiary("MI", tc.lang, tutor.ID))
		c.Send(tc.text)
		if !strings.Contains(flowtest.Texts(c.Last), "112") || !strings.Contains(flowtest.Texts(c.Last), "1522") {
			t.Fatalf("%s %q: no emergency numbers:\n%s", tc.lang, tc.text, flowtest.Describe(c.Last))
		}
		if len(c.Last) < 2 || len(c.Last[len(c.Last)-1].Buttons) == 0 {
			t.Fatalf("%s: the menu with Send should follow the numbers:\n%s", tc.lang, flowtest.Describe(c.Last))
		}
	}
	c := h.Telegram()
	h.LinkBeneficiary(c, h.NewBeneficiary("MI", "en", tutor.ID))
	c.Send("I would like to know about the weather tomorrow")
	expectNot(t, c, "1522")
	expectButton(t, c, "Send to tutor")
	if n := len(tchat.Inbox()); n != 0 {
		t.Fatalf("%d messages reached the tutor without a tap", n)
	}
}

// In "My tutor", menu words and /menu leave the conversation; everything else is relayed, an
// urgent text with the emergency numbers.
func TestMenuWordsLeaveTheTutorChat(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, tchat := tutorOf(h)
	for _, channel := range []string{bot.Telegram, bot.WhatsApp, bot.Webchat} {
		for _, leave := range []struct{ lang, word string }{{"en", "menu"}, {"en", "/menu"}, {"ar", "القائمة"}, {"fr", "Menu !"}} {
			c := h.Chat(channel, "mw-"+channel+"-"+leave.lang+strings.Trim(leave.word, "/! "))
			h.LinkBeneficiary(c, h.NewBeneficiary("MI", leave.lang, tutor.ID))
			c.Send("/tutor")
			c.Send(leave.word)
			if len(c.Last) != 1 || len(c.Last[0].AllButtons()) != 8 {
				t.Fatalf("%s %q did not show the menu:\n%s", channel, leave.word, flowtest.Describe(c.Last))
			}
			c.Send("plan")
			if n := len(tchat.Inbox()); n != 0 {
				t.Fatalf("%s %q: %d messages reached the tutor", channel, leave.word, n)
			}
		}
	}
	c, _ := member(h, "en", tutor.ID)
	c.Send("/tutor")
	c.Send("I need the menu of the canteen, the police came")
	c.Expect("Sent ✓", "112")
	if got := tchat.Inbox(); len(got) != 1 || !strings.Contains(got[0].Text, "menu of the canteen") {
		t.Fatalf("tutor got %s", flowtest.Describe(got))
	}
}

// What is kept for "Send to tutor" is removed with the person's data.
func TestKeptTextIsErasedWithThePerson(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, _ := tutorOf(h)
	c, _ := member(h, "en", tutor.ID)
	c.Send("my neighbour's dog is barking all night long")
	expectButton(t, c, "Send to tutor")
	key := "said:" + bot.Telegram + ":" + c.ID
	if _, found, err := h.Redis.GetState(h.Ctx(), key); err != nil || !found {
		t.Fatalf("the text is not kept (%v)", err)
	}
	c.Send("/privacy")
	c.Tap("Delete my data")
	c.Tap("Yes, delete")
	if _, found, err := h.Redis.GetState(h.Ctx(), key); err != nil || found {
		t.Fatalf("the kept text survived the erasure (%v)", err)
	}
}
