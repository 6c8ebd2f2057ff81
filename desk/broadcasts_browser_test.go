package desk_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/insideaut/insidebot/bot/webchat/browsertest"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// A coordinator writes a broadcast on the desk in Chromium: the form, the draft with its
// warning, a French version, Send now and the report, each read at 1440 and at 390 pixels:
// every field labelled, every text AA, nothing wider than a phone, no message key.
func TestDeskBroadcastsInChromium(t *testing.T) {
	db := storagetest.SQLite(t)
	h := newHarness(t, db)
	coord := h.staff(storage.RoleCoordinator, "MI", "active", "it", "Giulia Ferri")
	for _, lang := range []string{"fr", "fr", "ar", "it", "en"} {
		h.listener("MI", lang)
	}
	c := browsertest.Launch(t, 1440, 900, browsertest.Lang("it"))
	c.Do(chromedp.EmulateViewport(1440, 900))
	c.Do(chromedp.Navigate(h.link(coord.ID)), chromedp.WaitVisible(chromedp.CSS("#sign-in")), chromedp.Click(chromedp.CSS("#sign-in")))
	c.WaitFor("Home", `document.querySelector('h1') !== null && location.pathname === '/desk/'`)
	checks := map[string]string{
		"nothing wider than the window":    `document.documentElement.scrollWidth <= window.innerWidth`,
		"no text below AA contrast":        contrastFailures + ` === ''`,
		"the page's own text is not a key": `!document.body.innerText.includes('desk.')`,
		"every field labelled":             `[...document.querySelectorAll('select, textarea, input:not([type=hidden])')].every(e => document.querySelector('label[for="' + e.id + '"]'))`,
	}
	check := func(where string) {
		t.Helper()
		for what, expr := range checks {
			c.WaitFor(what+" ("+where+")", expr)
		}
	}
	c.Do(chromedp.Click(chromedp.CSS(`a[href="/desk/broadcasts"]`)))
	c.WaitFor("the Broadcasts page", `location.pathname === '/desk/broadcasts' && document.querySelector('#broadcast-new') !== null`)
	c.Do(chromedp.Click(chromedp.CSS("#broadcast-new")))
	c.WaitFor("the new broadcast's form", `document.querySelector('#broadcast-text') !== null`)
	check("new, 1440 px")
	screenshot(c, "desk-broadcast-new-1440")
	c.Do(chromedp.SendKeys("#broadcast-text", "Festa di quartiere sabato alle 16 in via Padova: siete tutti invitati!"),
		chromedp.Click(chromedp.CSS("#broadcast-create")))
	c.WaitFor("the draft with its warning", `document.querySelector('#broadcast-warning') !== null`)
	check("draft, 1440 px")
	screenshot(c, "desk-broadcast-draft-1440")
	c.Do(chromedp.SendKeys("#version-fr", "Fête de quartier samedi à 16 h, via Padova : vous êtes tous invités !"),
		chromedp.Submit(chromedp.CSS("#version-fr")))
	c.WaitFor("the French version saved", `location.search.includes('ok=version_saved') && !document.querySelector('#broadcast-warning').textContent.includes('Français')`)
	c.Do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	check("draft, 390 px")
	screenshot(c, "desk-broadcast-draft-390")
	c.Do(chromedp.Click(chromedp.CSS("#broadcast-send")))
	c.WaitFor("the report", `document.querySelector('#broadcast-report') !== null && document.querySelector('#broadcast-send') === null`)
	check("sent, 390 px")
	screenshot(c, "desk-broadcast-sent-390")
	c.Do(chromedp.Navigate(h.srv.URL + "/desk/broadcasts"))
	c.WaitFor("the list", `document.querySelectorAll('table.broadcasts tbody tr').length === 1`)
	check("list, 390 px")
	screenshot(c, "desk-broadcasts-390")
	c.Do(chromedp.EmulateViewport(1440, 900))
	check("list, 1440 px")
	screenshot(c, "desk-broadcasts-1440")
	c.Do(chromedp.Click(chromedp.CSS("table.broadcasts tbody tr th a")))
	c.WaitFor("the sent broadcast", fmt.Sprintf(`document.querySelector('h1').textContent.includes(%q)`, "1"))
	check("sent, 1440 px")
	screenshot(c, "desk-broadcast-sent-1440")
}
