package desk

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"time"

	qrcode "github.com/skip2/go-qrcode"
)

// Invite QR codes: the link an invite code opens (domain.InviteURLs.QRLink), as a PNG inside
// the page itself (a data: URI, which the Content-Security-Policy's img-src allows). The codes
// are never stored in clear, so the page that shows them is the only place they can be read:
// no address serves them later.

const (
	// qrSize is the side of an invite's QR image, in pixels: sharp at the 4 cm a card prints
	// it at, and a few kilobytes each.
	qrSize = 256
	// defaultInviteTTL is how long invites last when the desk is not told (INVITE_TTL's default).
	defaultInviteTTL = 336 * time.Hour
	// maxQRCards is how many QR cards an import's result page prints; a larger import lists
	// its codes and says to print in parts (each card costs a PNG in the page).
	maxQRCards = 500
)

// qrImage is the QR code of a link as a data: URI for an <img>.
func qrImage(link string) (template.URL, error) {
	png, err := qrcode.Encode(link, qrcode.Medium, qrSize)
	if err != nil {
		return "", fmt.Errorf("invite QR code: %w", err)
	}
	// A data: URI of a PNG made here from a link: html/template would refuse it as a URL
	// otherwise.
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)), nil
}
