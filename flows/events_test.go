package flows_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

func event(c *flowtest.Chat, kind bot.Kind, n int) []bot.Outgoing {
	return c.Do(bot.Incoming{Channel: c.Channel, UpdateID: fmt.Sprintf("ev-%s-%d", c.ID, n), ChatID: c.ID, UserID: c.ID, Kind: kind})
}

func TestBlockedTellsTheTutorOnceAndUnblockedWelcomesBack(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, tchat := tutorOf(h)
	c, b := member(h, "en", tutor.ID)
	if got := event(c, bot.KindBlocked, 1); len(got) != 0 {
		t.Fatalf("answered a chat that blocked the bot: %s", flowtest.Describe(got))
	}
	ident, _ := storage.IdentityByExternal(h.Ctx(), h.DB, c.Channel, c.ID)
	if !ident.UnreachableAt.Valid {
		t.Fatal("not marked unreachable")
	}
	alerts := tchat.Inbox()
	if len(alerts) != 1 || !strings.Contains(alerts[0].Text, b.Code) || !strings.Contains(alerts[0].Text, "bloccato") {
		t.Fatalf("tutor alert = %s", flowtest.Describe(alerts))
	}
	// The outbox reports the same (a 403): nothing more happens.
	if err := h.DB.InTx(h.Ctx(), func(tx *storage.Tx) error {
		return h.Engine.IdentityUnreachable(h.Ctx(), tx, ident.ID, h.Clock.Now())
	}); err != nil {
		t.Fatal(err)
	}
	event(c, bot.KindBlocked, 2)
	if n := len(tchat.Inbox()); n != 0 {
		t.Fatalf("%d more alerts", n)
	}
	event(c, bot.KindUnblocked, 3)
	c.Expect("Welcome back")
	expectMenu(t, c)
	ident, _ = storage.IdentityByExternal(h.Ctx(), h.DB, c.Channel, c.ID)
	if ident.UnreachableAt.Valid {
		t.Fatal("still unreachable")
	}
}

func TestBlockingOneOfTwoAccountsRaisesNoAlert(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, tchat := tutorOf(h)
	c, b := member(h, "en", tutor.ID)
	if _, err := storage.LinkIdentity(h.Ctx(), h.DB, storage.NewIdentity{Channel: bot.WhatsApp, ExternalID: "39340", ChatID: "39340", BeneficiaryID: b.ID}, h.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	event(c, bot.KindBlocked, 1)
	if n := len(tchat.Inbox()); n != 0 {
		t.Fatal("alert although the beneficiary is still reachable on WhatsApp")
	}
}

func TestBlockedByStrangersAndStaffAndMissingIdentities(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, tchat := tutorOf(h)
	stranger := h.Telegram()
	if got := event(stranger, bot.KindBlocked, 1); len(got) != 0 {
		t.Fatal("answered a stranger who blocked the bot")
	}
	if n := count(h, `SELECT COUNT(*) FROM identities WHERE external_id = ?`, stranger.ID); n != 0 {
		t.Fatal("stored a stranger")
	}
	event(tchat, bot.KindBlocked, 2)
	ident, _ := storage.IdentityByExternal(h.Ctx(), h.DB, tchat.Channel, tchat.ID)
	if !ident.UnreachableAt.Valid || ident.StaffID.Int64 != tutor.ID {
		t.Fatalf("staff identity %+v", ident)
	}
	if err := h.DB.InTx(h.Ctx(), func(tx *storage.Tx) error {
		return h.Engine.IdentityUnreachable(h.Ctx(), tx, 987654, h.Clock.Now())
	}); err != nil {
		t.Fatalf("a missing identity: %v", err)
	}
}
