package desk_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/insideaut/insidebot/bot/webchat/browsertest"
	"github.com/insideaut/insidebot/desk"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// A coordinator uses the Staff page in Chromium at 1440 and 390 pixels (every text AA, every
// field labelled, nothing wider than a phone, no message key): they invite an operator with the
// form and get the card with the QR code; printed, the page shows that card alone.
func TestStaffInChromium(t *testing.T) {
	db := storagetest.SQLite(t)
	h := newHarness(t, db, func(c *desk.Config) { c.Invites.BotUsername = "inside_aut_bot" })
	coord := h.staff(storage.RoleCoordinator, "MI", "active", "it", "Giulia Ferri")
	luca := h.staff(storage.RoleTutor, "MI", "active", "it", "Luca Neri")
	h.staff(storage.RoleTutor, "MI", "active", "it", "Sara Verdi")
	caseload(t, h, luca)
	checks := map[string]string{
		"nothing wider than the window":    `document.documentElement.scrollWidth <= window.innerWidth`,
		"no text below AA contrast":        contrastFailures + ` === ''`,
		"the page's own text is not a key": `!document.body.innerText.includes('desk.')`,
		"every field labelled": `[...document.querySelectorAll('select, input:not([type=hidden]), textarea')].every(e =>
			document.querySelector('label[for="' + e.id + '"]'))`,
	}
	look := func(c *browsertest.Page, page string) {
		t.Helper()
		for what, expr := range checks {
			c.WaitFor(what+" ("+page+")", expr)
		}
	}

	c := browsertest.Launch(t, 1440, 900, browsertest.Lang("it"))
	c.Do(chromedp.EmulateViewport(1440, 900))
	c.Do(chromedp.Navigate(h.link(coord.ID)), chromedp.WaitVisible(chromedp.CSS("#sign-in")), chromedp.Click(chromedp.CSS("#sign-in")))
	c.WaitFor("Home", `document.querySelector('h1') !== null && location.pathname === '/desk/'`)
	c.Do(chromedp.Navigate(h.srv.URL + "/desk/staff"))
	c.WaitFor("the staff list", `document.querySelectorAll('#staff-list tbody tr').length === 3`)
	look(c, "Staff, 1440 px")
	screenshot(c, "desk-staff-1440")

	c.Do(chromedp.Click(chromedp.CSS("#invite-role-operator")), chromedp.SetValue(chromedp.CSS("#invite-name"), "Omar Haddad"),
		chromedp.SetValue(chromedp.CSS("#invite-centre"), "CAS Via Corelli"), chromedp.Click(chromedp.CSS("#invite-submit")))
	c.WaitFor("the invite's card with its QR code", fmt.Sprintf(`document.querySelector('#invite-code') !== null &&
		document.querySelector('#invited img.qr').naturalWidth === 256 && document.querySelector('.notice').textContent === %q`,
		h.cat.For("it").T("desk.staff.invited", "Role", h.cat.For("it").T("desk.staff.role_operator"))))
	look(c, "Staff with an invite, 1440 px")
	screenshot(c, "desk-staff-invited-1440")
	c.Do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	look(c, "Staff with an invite, 390 px")
	screenshot(c, "desk-staff-invited-390")

	c.Do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	c.WaitFor("printed: the card alone", `getComputedStyle(document.querySelector('#invited')).display !== 'none' &&
		[...document.querySelectorAll('.top, .no-print, .notice')].every(e => getComputedStyle(e).display === 'none')`)
	screenshot(c, "desk-staff-invited-print")

	// An import's cards: on screen after the upload; printed, the cards alone.
	c.Do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return err
	}), chromedp.EmulateViewport(1440, 900))
	csv := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(csv, []byte("territory,lang,tutor_id,name\nMI,fr,,Amina Diallo\nMI,ar,,Yonas Tesfaye\nMI,ti,,\nMI,it,,Sara Haile\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.Do(chromedp.Navigate(h.srv.URL+"/desk/import"), chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{csv}),
		chromedp.Click(chromedp.CSS("#import-submit")))
	c.WaitFor("four cards with their QR codes", `document.querySelectorAll('.qr-card img.qr').length === 4 &&
		[...document.querySelectorAll('.qr-card img.qr')].every(i => i.naturalWidth === 256)`)
	look(c, "an import's cards, 1440 px")
	screenshot(c, "desk-import-cards-1440")
	c.Do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	c.WaitFor("printed: the cards alone, three to a row", `[...document.querySelectorAll('.top, .no-print')].every(e => getComputedStyle(e).display === 'none') &&
		getComputedStyle(document.querySelector('.qr-cards')).gridTemplateColumns.split(' ').length === 3`)
	screenshot(c, "desk-import-cards-print")
}
