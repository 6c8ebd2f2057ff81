package domain

import "testing"

// An invite's links are those of the channels that are on; the web chat's is always there.
func TestInviteLinksOfTheConfiguredChannels(t *testing.T) {
	t.Parallel()
	cases := []struct {
		set               Links
		telegram, wa, web string
		qr                string
	}{
		{Links{BotUsername: "inside_aut_bot", WhatsAppNumber: "390212345678", PublicURL: "https://bot.example.org/"},
			"https://t.me/inside_aut_bot?start=AB12CD34", "https://wa.me/390212345678?text=AB12CD34", "https://bot.example.org/?invite=AB12CD34",
			"https://t.me/inside_aut_bot?start=AB12CD34"},
		{Links{WhatsAppNumber: "390212345678", PublicURL: "https://bot.example.org"},
			"", "https://wa.me/390212345678?text=AB12CD34", "https://bot.example.org/?invite=AB12CD34", "https://wa.me/390212345678?text=AB12CD34"},
		{Links{PublicURL: "http://127.0.0.1:8080"}, "", "", "http://127.0.0.1:8080/?invite=AB12CD34", "http://127.0.0.1:8080/?invite=AB12CD34"},
	}
	for _, tc := range cases {
		got := InviteLinks(tc.set, "AB12CD34")
		if got.TelegramLink != tc.telegram || got.WhatsAppLink != tc.wa || got.WebchatLink != tc.web || got.QRLink() != tc.qr {
			t.Errorf("%+v: %+v (QR %s)", tc.set, got, got.QRLink())
		}
	}
}
