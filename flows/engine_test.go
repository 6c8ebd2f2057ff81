package flows_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

func TestUnknownPersonLearnsHowToJoinAndNothingIsStored(t *testing.T) {
	t.Parallel()
	h := flowtest.New(t)
	c := h.Telegram()
	c.LangHint = "it"
	c.Media("sticker")
	c.Expect("insidebot", "codice")
	var n int
	if err := h.DB.Get(context.Background(), &n, `SELECT COUNT(*) FROM identities`); err != nil || n != 0 {
		t.Fatalf("identities stored for a stranger: %d %v", n, err)
	}
	if strings.Contains(flowtest.Texts(c.Last), "start.") {
		t.Fatal("a message id reached the person")
	}
}

// TestStatementsPerUpdate counts the SQL round trips of one update through the dispatcher, as
// a person's and a tutor's everyday commands make them (the "work per update"):
// statements and transactions (each a BEGIN and a COMMIT besides), the outbox's delivery
// not included.
func TestStatementsPerUpdate(t *testing.T) {
	t.Parallel()
	h := flowtest.New(t)
	tutor := h.NewStaff(storage.RoleTutor, "MI", "Marco")
	person := h.Telegram()
	h.LinkBeneficiary(person, h.NewBeneficiary("MI", "en", tutor.ID))
	staff := h.Telegram()
	h.LinkStaff(staff, tutor)
	for _, tc := range []struct {
		who          string
		chat         *flowtest.Chat
		command      string
		maxStmts     int64
		maxTransacts int64
	}{
		{"beneficiary", person, "menu", 5, 1}, // was 8 before one read of the sender and "last seen" per minute
		{"tutor", staff, "mine", 8, 1},        // was 10
	} {
		for i := range 3 { // the first of a chat, then the steady state
			in := bot.Incoming{Channel: tc.chat.Channel, UpdateID: fmt.Sprintf("stmts-%s-%d", tc.who, i), ChatID: tc.chat.ID, UserID: tc.chat.ID,
				Kind: bot.KindCommand, Command: tc.command, At: h.Clock.Now()}
			before := h.DB.Counts()
			h.Dispatch(in)
			n := h.DB.Counts().Sub(before)
			t.Logf("%s /%s #%d: %d statements in %d transactions (%d round trips)", tc.who, tc.command, i+1, n.Statements, n.Transactions, n.RoundTrips())
			if i > 0 && (n.Statements > tc.maxStmts || n.Transactions > tc.maxTransacts) {
				t.Errorf("%s /%s: %d statements in %d transactions, want at most %d in %d", tc.who, tc.command, n.Statements, n.Transactions, tc.maxStmts, tc.maxTransacts)
			}
			h.Drain(tc.chat.Channel, tc.chat.ID)
			h.Clock.Advance(10 * time.Second)
		}
	}
}
