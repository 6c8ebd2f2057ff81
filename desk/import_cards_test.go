package desk_test

import (
	"bytes"
	"encoding/base64"
	"html"
	"image/png"
	"net/http"
	"regexp"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/insideaut/insidebot/desk"
	"github.com/insideaut/insidebot/importer"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

var qrCard = regexp.MustCompile(`(?s)<li class="qr-card">\s*<img class="qr" src="data:image/png;base64,([^"]+)".*?<strong class="qr-code">([^<]+)</strong>` +
	`(?: · <span class="qr-name">([^<]+)</span>)?</p>\s*<p class="qr-invite"><code>([^<]+)</code></p>\s*<p class="qr-howto" lang="([^"]+)" dir="(\w+)">([^<]+)</p>`)

// After a beneficiaries import the answer carries one printable card per new person: their
// code and name, the QR code of their invite's Telegram link, the invite code, and how to use
// it in the person's own language. The cards exist only in that answer: the page opened again
// has none, and the print style sheet prints the cards alone.
func TestImportPrintableQRCards(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db, func(c *desk.Config) { c.Invites.BotUsername = "inside_aut_bot" })
		coord := h.staff(storage.RoleCoordinator, "MI", "active", "it", "Giulia Ferri")
		b := h.browser("it")
		b.signIn(h.link(coord.ID))
		p := b.upload(importer.Beneficiaries, "people.csv", "territory,lang,tutor_id,name\nMI,fr,,Amina Diallo\nMI,ar,,\n", true)
		rows := codeRow.FindAllStringSubmatch(p.body, -1)
		cards := qrCard.FindAllStringSubmatch(p.body, -1)
		if p.status != http.StatusOK || len(rows) != 2 || len(cards) != 2 {
			t.Fatalf("%d: %d codes and %d cards\n%s", p.status, len(rows), len(cards), p.body)
		}
		want := []struct{ name, lang, dir string }{{"Amina Diallo", "fr", "ltr"}, {"", "ar", "rtl"}}
		for i, c := range cards {
			img, err := base64.StdEncoding.DecodeString(html.UnescapeString(c[1]))
			if err != nil {
				t.Fatal(err)
			}
			code, invite := c[2], html.UnescapeString(c[4])
			if code != rows[i][1] || invite != rows[i][2] || c[3] != want[i].name || c[5] != want[i].lang || c[6] != want[i].dir {
				t.Fatalf("card %d: %q %q %q %s %s, want the table's %q %q and %+v", i, code, invite, c[3], c[5], c[6], rows[i][1], rows[i][2], want[i])
			}
			if got, want := html.UnescapeString(c[7]), h.cat.For(want[i].lang).T("desk.qrcards.howto", "Invite", invite); got != want {
				t.Fatalf("card %d says %q, want %q", i, got, want)
			}
			qr, err := qrcode.Encode("https://t.me/inside_aut_bot?start="+invite, qrcode.Medium, 256)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(img, qr) {
				t.Fatalf("card %d's QR code is not the one of its invite's Telegram link", i)
			}
			if cfg, err := png.DecodeConfig(bytes.NewReader(img)); err != nil || cfg.Width != 256 {
				t.Fatalf("card %d's image: %+v %v", i, cfg, err)
			}
		}
		if again := b.get("/desk/import"); strings.Contains(again.body, `class="qr-card"`) || strings.Contains(again.body, rows[0][2]) {
			t.Fatal("the cards are shown again")
		}
		css := b.get("/desk/static/desk.css").body
		if !regexp.MustCompile(`(?s)@media print \{[^}]*\.no-print[^}]*display: none`).MatchString(css) ||
			!strings.Contains(p.body, `<section class="panel no-print" aria-labelledby="import-form-title">`) {
			t.Fatal("printing the page would not print the cards alone")
		}
	})
}
