package flows_test

import (
	"strings"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

func TestTutorRelayBothWays(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, tchat := tutorOf(h)
	c := h.Chat(bot.WhatsApp, "393401112233") // a phone number as the platform id
	b := h.LinkBeneficiary(c, h.NewBeneficiary("MI", "en", tutor.ID))
	c.Send("/menu")
	c.Tap("My tutor")
	c.Expect("Write your message here")
	c.Send("Hello, can we meet on Friday?")
	if len(c.Last) != 1 || !strings.HasPrefix(c.Last[0].Text, "Sent ✓") {
		t.Fatalf("the bot should only acknowledge: %s", flowtest.Describe(c.Last))
	}
	expectButton(t, c, "Back to menu")
	c.Send("plan") // a word that would open a screen is a message while the conversation is open
	c.Expect("Sent ✓")
	alerts := tchat.Inbox()
	if len(alerts) != 2 || !strings.Contains(alerts[0].Text, b.Code) || !strings.Contains(alerts[0].Text, "Hello, can we meet on Friday?") {
		t.Fatalf("tutor inbox = %s", flowtest.Describe(alerts))
	}
	for _, a := range alerts {
		if strings.Contains(a.Text, c.ID) || strings.Contains(strings.ToLower(a.Text), "whatsapp") {
			t.Fatalf("the tutor saw the phone number or the platform: %q", a.Text)
		}
	}
	if as := alertsOf(h, tutor.ID); len(as) != 2 || as[0].Kind != storage.AlertMessage {
		t.Fatalf("alerts %+v", as)
	}
	// Relays: waiting together for the tutor, they go as one message, buttons per person.
	var kinds []string
	if err := h.DB.Select(h.Ctx(), &kinds, `SELECT kind FROM outbox WHERE chat_id = ? ORDER BY id`, tchat.ID); err != nil {
		t.Fatal(err)
	}
	if len(kinds) != 2 || kinds[0] != storage.KindRelay || kinds[1] != storage.KindRelay || alerts[0].Group != b.Code {
		t.Fatalf("relays queued as %v, group %q", kinds, alerts[0].Group)
	}
	c.Media("sticker") // not a file the bot passes on: it says what can be sent
	c.Expect("voice notes", "PDF")
	long := strings.Repeat("a", 900)
	c.Send(long)
	c.Expect("too long")
	if len(tchat.Inbox()) != 0 {
		t.Fatal("a sticker or an over-long text reached the tutor")
	}

	// The tutor answers: it arrives in the same chat, with a button to answer back.
	if err := h.DB.InTx(h.Ctx(), func(tx *storage.Tx) error {
		_, err := h.Domain.MessageFromTutor(h.Ctx(), tx, h.Clock.Now(), tutor.ID, b, "Yes, Friday at 10 at the office.")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	got := c.Inbox()
	if len(got) != 1 || !strings.Contains(got[0].Text, "Friday at 10 at the office") {
		t.Fatalf("reply = %s", flowtest.Describe(got))
	}
	c.Last = got
	c.Tap("Answer")
	c.Expect("Write your message here")
	c.Send("Thank you!")
	c.Expect("Sent ✓")
	if n := len(tchat.Inbox()); n != 1 {
		t.Fatalf("%d messages reached the tutor", n)
	}
	// Back to menu closes the conversation: text is the bot's to answer again.
	c.Tap("Back to menu")
	expectMenu(t, c)
	c.Send("plan")
	c.Expect("Your plan has no steps yet")
	if n := len(tchat.Inbox()); n != 0 {
		t.Fatalf("%d messages reached the tutor after closing", n)
	}
}

func TestNoTutorYet(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, _ := member(h, "en", 0)
	c.Send("/tutor")
	c.Expect("You have no tutor yet")
	c.Send("hello?")
	expectNot(t, c, "Sent ✓")
}
