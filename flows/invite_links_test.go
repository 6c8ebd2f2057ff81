package flows_test

import (
	"context"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"

	"github.com/insideaut/insidebot/flows"
	"github.com/insideaut/insidebot/flows/flowtest"
)

// TestInviteLinksFollowTheChannels: the /invite answer lists a link for each channel that is
// on (the web chat's always, Telegram's deep link and WhatsApp's click-to-chat link only when
// configured), and its QR code is Telegram's link, else WhatsApp's, else the web chat's.
func TestInviteLinksFollowTheChannels(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		bot, whatsapp string
		has, hasNot   []string // with CODE for the invite code
		qr            string
	}{
		{name: "Telegram and WhatsApp", bot: "insidebot_test_bot", whatsapp: "390212345678",
			has: []string{"📱 Telegram: https://t.me/insidebot_test_bot?start=CODE", "🟢 WhatsApp: https://wa.me/390212345678?text=CODE",
				"💻 Chat web: https://insidebot.example/?invite=CODE", "Mostra il codice QR"},
			qr: "https://t.me/insidebot_test_bot?start=CODE"},
		{name: "WhatsApp only", whatsapp: "390212345678",
			has:    []string{"🟢 WhatsApp: https://wa.me/390212345678?text=CODE", "💻 Chat web: https://insidebot.example/?invite=CODE"},
			hasNot: []string{"t.me", "Telegram"}, qr: "https://wa.me/390212345678?text=CODE"},
		{name: "web chat only",
			has:    []string{"💻 Chat web: https://insidebot.example/?invite=CODE"},
			hasNot: []string{"t.me", "wa.me", "Telegram", "WhatsApp"}, qr: "https://insidebot.example/?invite=CODE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newStaffWorld(t, flowtest.WithSettings(func(s *flows.Settings) { s.BotUsername, s.WhatsAppNumber = tc.bot, tc.whatsapp }))
			out := w.do(asTutor, "/invite fr")
			if len(out) != 1 || out[0].Image == nil {
				t.Fatalf("answer = %s", flowtest.Describe(out))
			}
			m := inviteCode.FindStringSubmatch(out[0].Text)
			if m == nil {
				t.Fatalf("no code in %s", out[0].Text)
			}
			with := func(s string) string { return strings.ReplaceAll(s, "CODE", m[1]) }
			for _, s := range tc.has {
				expectIn(t, out, with(s))
			}
			expectNotIn(t, out, tc.hasNot...)
			if !qrShows(t, out[0].Image.Data, with(tc.qr)) {
				t.Fatalf("the QR code is not %s", with(tc.qr))
			}
			if tc.whatsapp == "" {
				return
			}
			// The click-to-chat link opens WhatsApp with the code as the message: sent as it
			// is, by someone known only by a business-scoped user id, it lets them in.
			wa := w.h.Chat(bot.WhatsApp, "IT.13491208655302741918")
			wa.Send(m[1])
			b, err := storage.BeneficiaryByCode(context.Background(), w.h.DB, "MI-002")
			if err != nil {
				t.Fatal(err)
			}
			if n := w.count(`SELECT COUNT(*) FROM identities WHERE channel = 'whatsapp' AND beneficiary_id = ?`, b.ID); n != 1 {
				t.Fatalf("%d WhatsApp identities after the code was sent: %s", n, flowtest.Describe(wa.Last))
			}
		})
	}
}
