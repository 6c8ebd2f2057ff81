package e2e

import (
	"encoding/json"
	"testing"

	"github.com/insideaut/insidebot/locales"
)

// TestTelegramEndToEnd drives the real binary over the emulated Bot API: a stranger's /start
// is answered with what the service is; an invited beneficiary's /start <code> is answered.
func TestTelegramEndToEnd(t *testing.T) {
	cat, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	h := Start(t)

	stranger := h.NewUser("en")
	stranger.SendCommand("/start")
	about := stranger.WaitForBotMessage(cat.For("en").T("start.about"))
	if about.Text != cat.For("en").T("start.about")+"\n\n"+cat.For("en").T("start.how_to_join") {
		t.Fatalf("answer to /start = %q", about.Text)
	}

	// A stranger writing in French is answered in French.
	french := h.NewUser("fr")
	french.SendText("bonjour")
	french.WaitForBotMessage(cat.For("fr").T("start.about"))

	// An invited beneficiary follows the deep link: /start <code>.
	var inv struct {
		Code            string `json:"code"`
		Link            string `json:"link"`
		BeneficiaryCode string `json:"beneficiary_code"`
	}
	if err := json.Unmarshal(h.Run("invite", "--role", "beneficiary", "--territory", "MI", "--lang", "en", "--json"), &inv); err != nil {
		t.Fatal(err)
	}
	if inv.Link != "https://t.me/TestNameBot?start="+inv.Code {
		t.Fatalf("the invite link must name the bot getMe reports: %q", inv.Link)
	}
	person := h.NewUser("en")
	person.SendCommand("/start " + inv.Code)
	answer := person.WaitForBotMessage()
	if answer.Text == "" {
		t.Fatal("empty answer to /start <code>")
	}
	// Whatever the onboarding asks first, a button under it works.
	if b, ok := answer.FirstButton(); ok {
		person.PressButton(answer, b.CallbackData)
		person.WaitForBotMessage()
	}
}
