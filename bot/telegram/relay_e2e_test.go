package telegram

import (
	"context"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// pendingFor is what the outbox holds for a chat, oldest first, marked delivered.
func pendingFor(t *testing.T, h *flowtest.Harness, chatID string) []bot.Outgoing {
	t.Helper()
	return h.Drain(bot.Telegram, chatID)
}

// End to end on Telegram: a beneficiary's voice note (the Bot API's update, through the
// receiver, the dispatcher and the conversations) reaches the tutor's Telegram chat as a
// copyMessage of that very message, with the code and the Reply button, and nothing is
// downloaded; the tutor's voice note back goes the same way to the beneficiary.
func TestVoiceNoteFromBeneficiaryReachesTheTutor(t *testing.T) {
	f := newFakeAPI(t)
	h := flowtest.New(t)
	client := f.client(t)
	recv := NewReceiver(client, h.Dispatcher, h.Clock, nil)
	sender := NewSender(client, nil).WithMedia(h.Media)

	tutor := h.NewStaff(storage.RoleTutor, "MI", "Giulia")
	tchat := h.Chat(bot.Telegram, "777")
	h.LinkStaff(tchat, tutor)
	bchat := h.Chat(bot.Telegram, "42") // the sender of testdata/voice.json
	b := h.LinkBeneficiary(bchat, h.NewBeneficiary("MI", "en", tutor.ID))
	bchat.Send("/tutor")
	bchat.Expect("Write your message here")

	ctx := context.Background()
	if err := recv.Handle(ctx, loadUpdate(t, "voice.json")); err != nil {
		t.Fatal(err)
	}
	if got := pendingFor(t, h, "42"); len(got) != 1 || !strings.Contains(got[0].Text, "Sent ✓") {
		t.Fatalf("beneficiary got %s", flowtest.Describe(got))
	}
	alerts := pendingFor(t, h, "777")
	if len(alerts) != 1 || alerts[0].Media == nil {
		t.Fatalf("tutor's outbox %s", flowtest.Describe(alerts))
	}
	if _, err := sender.Send(ctx, bot.Recipient{ChatID: "777", IdentityID: 1}, alerts[0]); err != nil {
		t.Fatal(err)
	}
	cp := f.callsOf("copyMessage")
	if len(cp) != 1 {
		t.Fatalf("%d copyMessage calls", len(cp))
	}
	p := cp[0].Params
	if p.Get("chat_id") != "777" || p.Get("from_chat_id") != "42" || p.Get("message_id") != "13" ||
		!strings.Contains(p.Get("caption"), b.Code) || !strings.HasPrefix(reply0(t, cp[0]), "ao:") {
		t.Fatalf("copyMessage %v", p)
	}
	if len(f.callsOf("getFile")) != 0 || f.downloads != 0 {
		t.Fatal("a Telegram-to-Telegram relay downloaded the file")
	}

	// The tutor answers with a voice note after /reply <code>: copied to the beneficiary.
	tchat.Send("/reply " + b.Code)
	answer := loadUpdate(t, "voice.json")
	answer.UpdateID, answer.Message.MessageID = 1013, 99
	answer.Message.From.ID, answer.Message.Chat.ID = 777, 777
	if err := recv.Handle(ctx, answer); err != nil {
		t.Fatal(err)
	}
	if got := pendingFor(t, h, "777"); len(got) != 1 || !strings.Contains(got[0].Text, b.Code) {
		t.Fatalf("tutor got %s", flowtest.Describe(got))
	}
	back := pendingFor(t, h, "42")
	if len(back) != 1 || back[0].Media == nil {
		t.Fatalf("beneficiary's outbox %s", flowtest.Describe(back))
	}
	if _, err := sender.Send(ctx, bot.Recipient{ChatID: "42", IdentityID: 2}, back[0]); err != nil {
		t.Fatal(err)
	}
	cp = f.callsOf("copyMessage")
	if len(cp) != 2 || cp[1].Params.Get("chat_id") != "42" || cp[1].Params.Get("from_chat_id") != "777" || cp[1].Params.Get("message_id") != "99" ||
		!strings.Contains(cp[1].Params.Get("caption"), "Your tutor sent you a file") {
		t.Fatalf("copyMessage back %v", cp)
	}
}
