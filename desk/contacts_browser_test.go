package desk_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/insideaut/insidebot/bot/webchat/browsertest"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// A coordinator keeps Milano's contacts in Chromium: a wrong phone number comes back with its
// contact marked and a notice, a right one is saved, then confirmed; at 1440 and 390 pixels, in
// Italian and mirrored in Arabic, every text AA, every field labelled, nothing wider than a phone.
func TestContactsInChromium(t *testing.T) {
	db := storagetest.SQLite(t)
	h := newHarness(t, db)
	coord := h.staff(storage.RoleCoordinator, "MI", "active", "it", "Giulia Ferri")
	it := h.cat.For("it")
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
	notice := func(c *browsertest.Page, what, text string) {
		t.Helper()
		c.WaitFor(what, fmt.Sprintf(`document.querySelector('.notice') !== null && document.querySelector('.notice').textContent.trim() === %q`, text))
	}

	c := browsertest.Launch(t, 1440, 900, browsertest.Lang("it"))
	c.Do(chromedp.EmulateViewport(1440, 900))
	c.Do(chromedp.Navigate(h.link(coord.ID)), chromedp.WaitVisible(chromedp.CSS("#sign-in")), chromedp.Click(chromedp.CSS("#sign-in")))
	c.WaitFor("Home", `location.pathname === '/desk/'`)
	c.Do(chromedp.Navigate(h.srv.URL + "/desk/contacts"))
	c.WaitFor("Milano's contacts, five and a blank one", `location.pathname === '/desk/contacts/MI' && document.querySelectorAll('fieldset.contact').length === 6`)
	look(c, "Contacts, 1440 px")
	screenshot(c, "desk-contacts-1440")

	c.Do(chromedp.SetValue(chromedp.CSS("#phone0"), "chiama lo 02"), chromedp.Click(chromedp.CSS("#contacts-save")))
	notice(c, "the wrong phone number said", it.T("desk.contacts.err_phone", "Row", 1))
	c.WaitFor("its contact marked, as typed", `document.querySelector('fieldset.contact-bad #phone0') !== null && document.querySelector('#phone0').value === 'chiama lo 02'`)
	look(c, "Contacts with a mistake, 1440 px")
	screenshot(c, "desk-contacts-mistake-1440")

	c.Do(chromedp.SetValue(chromedp.CSS("#phone0"), "+39 02 1234 5678"), chromedp.SetValue(chromedp.CSS("#url0"), "https://inside.example/milano"),
		chromedp.Click(chromedp.CSS("#contacts-save")))
	notice(c, "saved", it.T("desk.contacts.ok_contacts_saved"))
	c.Do(chromedp.Click(chromedp.CSS("#contacts-confirm")))
	notice(c, "confirmed", it.T("desk.contacts.ok_contacts_confirmed"))
	c.WaitFor("who confirmed", `document.querySelector('#contacts-state').textContent.includes('Giulia Ferri')`)
	c.Do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	look(c, "Contacts confirmed, 390 px")
	screenshot(c, "desk-contacts-390")

	ar := h.staff(storage.RoleCoordinator, "MI", "active", "ar", "Samira Haddad")
	c.Do(chromedp.Navigate(h.link(ar.ID)), chromedp.WaitVisible(chromedp.CSS("#sign-in")), chromedp.Click(chromedp.CSS("#sign-in")))
	c.WaitFor("Home in Arabic", `location.pathname === '/desk/'`)
	c.Do(chromedp.Navigate(h.srv.URL + "/desk/contacts/MI"))
	c.WaitFor("Contacts mirrored", `document.documentElement.dir === 'rtl' && document.querySelectorAll('fieldset.contact').length === 6`)
	look(c, "Contacts in Arabic, 390 px")
	screenshot(c, "desk-contacts-ar-390")
}
