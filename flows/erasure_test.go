package flows_test

import (
	"testing"
	"time"

	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// The second purge of an erasure waits for the goodbye to be delivered, then removes it with
// everything else that still names the chat; a person who joined again with a new code in the
// meantime keeps their new conversation.
func TestSecondPurgeWaitsForTheGoodbyeAndSparesANewStart(t *testing.T) {
	t.Parallel()
	bothDialects(t, secondPurge)
}

func secondPurge(t *testing.T, opts ...flowtest.Option) {
	h := newHarness(t, opts...)
	tutor, tchat := tutorOf(h)
	c, b := member(h, "en", tutor.ID)
	gone, _ := member(h, "fr", tutor.ID)
	c.Send("/privacy")
	c.Tap("Delete my data")
	yes := expectButton(t, c, "Yes, delete")
	gone.Send("/privacy")
	fr := h.Catalog.For("fr")
	gone.Tap(fr.T("privacy.erase"))
	gone.Tap(fr.T("privacy.erase_yes"))

	c.PressUnread(yes.Data) // the goodbye waits in the outbox, undelivered
	purges := func() int { return count(h, `SELECT COUNT(*) FROM erasure_purges`) }
	if n := purges(); n != 2 {
		t.Fatalf("%d second purges planned, want 2", n)
	}
	gone.Inbox() // the other person's goodbye is delivered
	tchat.Inbox()

	// At its time, the purge of the undelivered goodbye waits; the other one runs.
	h.Clock.Advance(storage.ErasurePurgeAfter + time.Second)
	h.RunScheduler()
	if n := purges(); n != 1 {
		t.Fatalf("%d second purges left, want 1 (the one waiting for its goodbye)", n)
	}
	if n := count(h, `SELECT COUNT(*) FROM outbox WHERE chat_key = ?`, storage.ChatKey(c.Channel, c.ID)); n == 0 {
		t.Fatal("the undelivered goodbye was purged")
	}
	if n := count(h, `SELECT COUNT(*) FROM outbox WHERE chat_key = ?`, storage.ChatKey(gone.Channel, gone.ID)); n != 0 {
		t.Fatalf("%d messages of an erased chat left after its second purge", n)
	}

	// The person joins again with a new code before the goodbye was even delivered.
	goodbye := c.Inbox()
	if len(goodbye) != 1 {
		t.Fatalf("goodbye = %s", flowtest.Describe(goodbye))
	}
	again := h.NewBeneficiary("MI", "en", tutor.ID)
	c.Send("/start " + h.Invite("beneficiary", again.ID, 0))
	c.Tap("English")
	h.Clock.Advance(storage.ErasurePurgeRetry + time.Second)
	h.RunScheduler()
	if n := purges(); n != 0 {
		t.Fatalf("%d second purges left", n)
	}
	// The new conversation goes on: its state and its messages are the new person's.
	if reload(h, b.ID).Status != storage.BeneficiaryErased {
		t.Fatal("not erased")
	}
	c.Tap("I agree")
	c.Expect("research")
	if got := reload(h, again.ID); !got.ConsentServiceAt.Valid {
		t.Fatalf("the new start lost its conversation: %+v", got)
	}
}
