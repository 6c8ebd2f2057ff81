package desk

import (
	"html/template"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/importer"
)

// The printable QR cards of an import: one card per new beneficiary (code, name, the QR code
// of their invite link, the invite code, and how to use it in their own language), in the very
// answer to the upload, which the print style sheet turns into pages of cards. The invite codes
// are stored only hashed, so they exist in clear nowhere else: there is no address to fetch
// the cards from later, and nothing to guess.

// importCard is one printable card.
type importCard struct {
	Code, Name, Invite string
	Link               string // the link the QR code opens
	QR                 template.URL
	Lang, Dir, HowTo   string // the person's language, its direction, and how to use the card in it
}

// importCards are the cards of the people an import created, at most maxQRCards of them;
// left is how many have none.
func (d *Desk) importCards(created []importer.Created) (cards []importCard, left int, err error) {
	for i, c := range created {
		if i == maxQRCards {
			return cards, len(created) - i, nil
		}
		u := domain.InviteLinks(d.cfg.Invites, c.InviteCode)
		qr, err := qrImage(u.QRLink())
		if err != nil {
			return nil, 0, err
		}
		l := d.cfg.Catalog.For(c.Lang)
		dir := "ltr"
		if l.RTL() {
			dir = "rtl"
		}
		cards = append(cards, importCard{Code: c.Code, Name: c.Name, Invite: c.InviteCode, Link: u.QRLink(), QR: qr,
			Lang: l.Lang(), Dir: dir, HowTo: l.T("desk.qrcards.howto", "Invite", c.InviteCode)})
	}
	return cards, 0, nil
}
