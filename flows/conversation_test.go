package flows_test

import (
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// The conversation between a beneficiary and their tutor is kept both ways, in order: what the
// beneficiary writes in "My tutor" (and after "Answer"), what the tutor sends with the alert's
// Reply and with /reply. The alert about a message refers to it. Erasure leaves none of it.
func TestConversationIsRecordedBothWays(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, tchat := tutorOf(h)
	c := h.Chat(bot.WhatsApp, "393401112299")
	b := h.LinkBeneficiary(c, h.NewBeneficiary("MI", "en", tutor.ID))

	c.Send("/tutor")
	c.Send("My landlord wants me out tomorrow")
	c.Expect("Sent ✓")
	alerts := tchat.Inbox()
	tchat.Last = alerts
	tchat.Tap("Rispondi")
	tchat.Send("Ti chiamo tra un'ora")
	c.Last = c.Inbox()
	c.Expect("Ti chiamo tra un'ora")
	c.Tap("Answer")
	c.Send("Thank you")
	tchat.Inbox()
	open := alertsOf(h, tutor.ID) // the Reply closed the first message's alert
	tchat.Send("/reply " + b.Code + " Domani alle 10 in ufficio")
	c.Last = c.Inbox()
	c.Expect("Domani alle 10 in ufficio")

	msgs, err := storage.ConversationOf(h.Ctx(), h.DB, b.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ dir, body string }{
		{storage.ToPerson, "Domani alle 10 in ufficio"},
		{storage.ToTutor, "Thank you"},
		{storage.ToPerson, "Ti chiamo tra un'ora"},
		{storage.ToTutor, "My landlord wants me out tomorrow"},
	}
	if len(msgs) != len(want) {
		t.Fatalf("%d messages recorded: %+v", len(msgs), msgs)
	}
	for i, w := range want {
		m := msgs[i]
		if m.Direction != w.dir || m.Body != w.body || m.StaffID.Int64 != tutor.ID || m.MediaKind.Valid {
			t.Errorf("message %d (newest first) = %+v, want %s %q by staff %d", i, m, w.dir, w.body, tutor.ID)
		}
		if i > 0 && m.CreatedAt.After(msgs[i-1].CreatedAt) {
			t.Errorf("message %d is newer than the one after it", i)
		}
	}
	// The alert about the second message refers to it.
	if len(open) != 1 || open[0].Kind != storage.AlertMessage || open[0].RefID.Int64 != msgs[1].ID {
		t.Fatalf("alerts %+v, want one referring to message %d", open, msgs[1].ID)
	}
	if t.Failed() {
		t.FailNow()
	}

	// Erasure takes the conversation with it.
	c.Send("/privacy")
	c.Tap("Delete my data")
	c.Tap("Yes, delete")
	c.Expect("your data is deleted")
	if n := count(h, `SELECT COUNT(*) FROM conversation_messages WHERE beneficiary_id = ?`, b.ID); n != 0 {
		t.Fatalf("%d conversation messages left after erasure", n)
	}
}
