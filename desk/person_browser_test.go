package desk_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/insideaut/insidebot/bot/webchat/browsertest"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// In Chromium, at 390 and 1440 pixels: an operator's person page (read only, with its two
// forms) proposes a step; the tutor's page of the same person corrects nothing but withdraws
// an outcome with its tick box. Nothing is wider than the window, every field has its label,
// text meets AA contrast.
func TestDeskOperatorAndOutcomesInChromium(t *testing.T) {
	db := storagetest.SQLite(t)
	h := newHarness(t, db)
	w := newOperatorWorld(t, h)
	p := w.aurora[0]
	if _, err := storage.AddOutcome(context.Background(), db, storage.NewOutcome{BeneficiaryID: p.ID, Kind: "housing", Type: "own_rental",
		Detail: "yes", OccurredOn: "2026-11-20", CreatedBy: w.tutor.ID}, t0); err != nil {
		t.Fatal(err)
	}
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
	en := h.cat.For("en")
	path := h.srv.URL + "/desk/people/" + p.Code

	c := browsertest.Launch(t, 390, 844, browsertest.Lang("en"))
	c.Do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	c.Do(chromedp.Navigate(h.link(w.operator.ID)), chromedp.WaitVisible(chromedp.CSS("#sign-in")), chromedp.Click(chromedp.CSS("#sign-in")))
	c.WaitFor("the operator's Home", `location.pathname === '/desk/' && document.querySelectorAll('.figure').length === 3`)
	look(c, "an operator's Home, 390 px")
	c.Do(chromedp.Navigate(path))
	c.WaitFor("the propose form", `document.querySelector('#propose') !== null && document.querySelector('#note') !== null`)
	look(c, "an operator's person page, 390 px")
	c.Do(chromedp.SetValue(chromedp.CSS("#propose-area"), "work"), chromedp.SetValue(chromedp.CSS("#propose-title"), "Iscrizione al centro per l'impiego"),
		chromedp.Click(chromedp.CSS("#propose")))
	c.WaitFor("the proposal, said on the page", fmt.Sprintf(`document.querySelector('.notice') !== null && document.querySelector('.notice').textContent === %q`,
		en.T("desk.op.ok.proposed")))
	screenshot(c, "desk-operator-person-390")
	c.Do(chromedp.EmulateViewport(1440, 900))
	look(c, "an operator's person page, 1440 px")
	screenshot(c, "desk-operator-person-1440")

	c.Do(chromedp.Navigate(h.link(w.tutor.ID)), chromedp.WaitVisible(chromedp.CSS("#sign-in")), chromedp.Click(chromedp.CSS("#sign-in")))
	c.WaitFor("the tutor's Home", `location.pathname === '/desk/'`)
	c.Do(chromedp.Navigate(path))
	c.WaitFor("the outcome's forms", `document.querySelectorAll('.outcomes details').length === 2`)
	c.Eval(`document.querySelectorAll('.outcomes details').forEach(d => d.open = true)`)
	c.Do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	look(c, "an outcome's Correct and Withdraw, 390 px")
	screenshot(c, "desk-person-outcomes-390")
	c.Eval(`document.querySelector('.outcomes input[name=confirm]').click(); document.querySelector('.outcomes form[action$="/withdraw"]').requestSubmit()`)
	c.WaitFor("the withdrawal, said on the page", fmt.Sprintf(`document.querySelector('.notice') !== null &&
		document.querySelector('.notice').textContent === %q && document.querySelector('.outcome-history') !== null`, en.T("desk.outcome_edit.ok.withdrawn")))
	look(c, "the history, 390 px")
}
