package desk_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/insideaut/insidebot/bot/webchat/browsertest"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// screenshotDir is where the desk's screenshots go (build/ is not committed).
const screenshotDir = "../build/screenshots"

// screenshot saves the whole page into build/screenshots/.
func screenshot(p *browsertest.Page, name string) {
	p.SaveScreenshot(filepath.Join(screenshotDir, name+".png"))
}

// contrastFailures lists the visible texts whose contrast with their background is below
// WCAG AA (4.5:1, or 3:1 for large text).
const contrastFailures = `(() => {
  const lum = c => { const m = c.match(/[\d.]+/g).map(Number); const ch = m.slice(0, 3).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]; };
  const bg = el => { for (; el; el = el.parentElement) { const b = getComputedStyle(el).backgroundColor;
    const m = b.match(/[\d.]+/g); if (m && (m.length < 4 || Number(m[3]) > 0)) return b; } return 'rgb(255, 255, 255)'; };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const r = el.getBoundingClientRect();
    if (!own || r.width === 0 || r.height === 0 || r.bottom < 0) continue;
    const s = getComputedStyle(el), a = lum(s.color), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const large = parseFloat(s.fontSize) >= 24 || (parseFloat(s.fontSize) >= 18.66 && Number(s.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) out.push(el.tagName + ' "' + el.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2));
  }
  return out.join('; ');
})()`

// A tutor opens the link from the bot in Chromium, presses the button, lands on Home at a clean
// address, reaches everything by keyboard, reads it at 1440 and at 390 pixels, and logs out.
func TestDeskInChromium(t *testing.T) {
	db := storagetest.SQLite(t)
	h := newHarness(t, db)
	tutor := h.staff(storage.RoleTutor, "MI", "active", "it", "Marco Bassi")
	people := caseload(t, h, tutor)
	ctx := context.Background()
	for i, kind := range []string{storage.AlertStepOverdue, storage.AlertLeadInterest, storage.AlertRSVPNo, storage.AlertInactive} {
		if _, err := storage.CreateAlert(ctx, db, tutor.ID, people[i%2].ID, kind, 0, t0.Add(time.Duration(4+i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	h.clock.Set(t0.Add(9 * time.Hour))
	link := h.link(tutor.ID)

	c := browsertest.Launch(t, 1440, 900, browsertest.Lang("it"))
	c.Do(chromedp.EmulateViewport(1440, 900))
	c.Do(chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#sign-in")))
	if got := c.Eval(`document.body.innerText`); !strings.Contains(got, "Marco Bassi") {
		t.Fatalf("the sign-in page does not say who signs in: %s", got)
	}
	screenshot(c, "desk-sign-in-1440")
	c.Do(chromedp.Click(chromedp.CSS("#sign-in")))
	home := h.cat.For("it").T("desk.home.title")
	c.WaitFor("Home", fmt.Sprintf(`document.querySelector('h1') && document.querySelector('h1').textContent === %q`, home))
	if loc := c.Eval(`location.pathname + location.search`); loc != `"/desk/"` {
		t.Fatalf("after signing in the address is %s, want /desk/ without the token", loc)
	}
	checks := map[string]string{
		"the alerts, newest first": fmt.Sprintf(`document.querySelectorAll('.alert').length === 7 &&
			document.querySelector('.alert .alert-what').textContent === %q`, h.cat.For("it").T("desk.alert.inactive")),
		"the caseload's figures":           `document.querySelectorAll('.figure').length === 3`,
		"the name and role":                `document.querySelector('.who-id').textContent.includes('Marco Bassi')`,
		"nothing wider than the window":    `document.documentElement.scrollWidth <= window.innerWidth`,
		"no text below AA contrast":        contrastFailures + ` === ''`,
		"the page's own text is not a key": `!document.body.innerText.includes('desk.')`,
	}
	for what, expr := range checks {
		c.WaitFor(what+" at 1440 px", expr)
	}
	// The keyboard: the first Tab shows the skip link, visibly focused; Enter moves to the content.
	c.Do(chromedp.KeyEvent("\t"))
	c.WaitFor("the skip link focused and on screen", `document.activeElement.classList.contains('skip') &&
		document.activeElement.getBoundingClientRect().top >= 0 && getComputedStyle(document.activeElement).outlineStyle !== 'none'`)
	screenshot(c, "desk-home-1440-skip-link")
	c.Do(chromedp.KeyEvent("\r"))
	c.WaitFor("the skip link leads to the content", `location.hash === '#main'`)
	screenshot(c, "desk-home-1440")
	if fails := c.Eval(contrastFailures); fails != `""` {
		t.Fatalf("text below AA contrast: %s", fails)
	}

	c.Do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	c.WaitFor("nothing wider than a 390 px phone", `document.documentElement.scrollWidth <= window.innerWidth`)
	c.WaitFor("Log out is a big enough target", `document.querySelector('.logout button').getBoundingClientRect().height >= 44`)
	c.WaitFor("the figures stacked above the alerts", `document.querySelector('.panel + .panel').getBoundingClientRect().top >
		document.querySelector('.panel').getBoundingClientRect().bottom`)
	screenshot(c, "desk-home-390")

	c.Do(chromedp.Click(chromedp.CSS(".logout button")))
	out := h.cat.For("it").T("desk.msg.signed_out_title")
	c.WaitFor("the signed-out page", fmt.Sprintf(`location.pathname === '/desk/signed-out' && document.querySelector('h1').textContent === %q`, out))
	c.Do(chromedp.Navigate(h.srv.URL + "/desk/"))
	c.WaitFor("Home refused after logging out", fmt.Sprintf(`document.querySelector('h1').textContent === %q`, h.cat.For("it").T("desk.msg.need_title")))
	c.Do(chromedp.Navigate(link))
	c.WaitFor("the used link refused", fmt.Sprintf(`document.querySelector('h1').textContent === %q`, h.cat.For("it").T("desk.msg.link_used_title")))
	screenshot(c, "desk-link-used-390")

	// Right to left: a coordinator who reads Arabic gets the page mirrored.
	coord := h.staff(storage.RoleCoordinator, "MI", "active", "ar", "Giulia Ferri")
	c.Do(chromedp.Navigate(h.link(coord.ID)), chromedp.WaitVisible(chromedp.CSS("#sign-in")), chromedp.Click(chromedp.CSS("#sign-in")))
	c.WaitFor("Home in Arabic", fmt.Sprintf(`document.querySelector('h1') && document.querySelector('h1').textContent === %q`, h.cat.For("ar").T("desk.home.title")))
	c.WaitFor("mirrored: the brand on the right, the numbers on the right of their labels", `document.documentElement.dir === 'rtl' &&
		document.querySelector('.brand').getBoundingClientRect().right > window.innerWidth / 2 &&
		document.querySelector('.figure .num').getBoundingClientRect().left > document.querySelector('.figure dt').getBoundingClientRect().left`)
	c.WaitFor("nothing wider than the phone in Arabic", `document.documentElement.scrollWidth <= window.innerWidth`)
	screenshot(c, "desk-home-ar-390")
}

// A coordinator reads People and a person's page in Chromium, at 1440 and at 390 pixels: every
// text AA, nothing wider than a phone (the table scrolls inside its frame), no message key.
func TestDeskPeopleInChromium(t *testing.T) {
	db := storagetest.SQLite(t)
	h := newHarness(t, db)
	tutor := h.staff(storage.RoleTutor, "MI", "active", "it", "Marco Bassi")
	people := caseload(t, h, tutor)
	ctx := context.Background()
	for i, m := range []storage.NewConversationMessage{
		{BeneficiaryID: people[0].ID, StaffID: tutor.ID, Direction: storage.ToTutor, Body: "Ho trovato una stanza in via Padova, posso andare a vederla domani?"},
		{BeneficiaryID: people[0].ID, StaffID: tutor.ID, Direction: storage.ToPerson, Body: "Sì! Ti accompagno io alle 10."},
		{BeneficiaryID: people[0].ID, StaffID: tutor.ID, Direction: storage.ToTutor, MediaKind: "voice"},
	} {
		if _, err := storage.AppendConversation(ctx, db, m, t0.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	h.clock.Set(t0.Add(9 * time.Hour))
	coord := h.staff(storage.RoleCoordinator, "MI", "active", "it", "Giulia Ferri")
	c := browsertest.Launch(t, 1440, 900, browsertest.Lang("it"))
	c.Do(chromedp.EmulateViewport(1440, 900))
	c.Do(chromedp.Navigate(h.link(coord.ID)), chromedp.WaitVisible(chromedp.CSS("#sign-in")), chromedp.Click(chromedp.CSS("#sign-in")))
	c.WaitFor("Home", `document.querySelector('h1') !== null && location.pathname === '/desk/'`)
	c.Do(chromedp.Navigate(h.srv.URL + "/desk/people"))
	c.WaitFor("People with three rows", `document.querySelectorAll('table.people tbody tr').length === 3`)
	checks := map[string]string{
		"nothing wider than the window":    `document.documentElement.scrollWidth <= window.innerWidth`,
		"no text below AA contrast":        contrastFailures + ` === ''`,
		"the page's own text is not a key": `!document.body.innerText.includes('desk.')`,
		"every filter labelled":            `[...document.querySelectorAll('select, input:not([type=hidden])')].every(e => document.querySelector('label[for="' + e.id + '"]'))`,
	}
	for what, expr := range checks {
		c.WaitFor(what+" (People, 1440 px)", expr)
	}
	screenshot(c, "desk-people-1440")
	c.Do(chromedp.Click(chromedp.CSS("table.people tbody tr th a")))
	c.WaitFor("the person's page", fmt.Sprintf(`location.pathname === '/desk/people/%s' && document.querySelectorAll('.talk-msg').length === 3`, people[0].Code))
	for what, expr := range checks {
		c.WaitFor(what+" (a person, 1440 px)", expr)
	}
	c.WaitFor("the plan beside the conversation", `document.querySelector('.person .panel + .panel').getBoundingClientRect().top ===
		document.querySelector('.person .panel').getBoundingClientRect().top`)
	screenshot(c, "desk-person-1440")

	c.Do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	for what, expr := range checks {
		c.WaitFor(what+" (a person, 390 px)", expr)
	}
	screenshot(c, "desk-person-390")
	c.Do(chromedp.Navigate(h.srv.URL + "/desk/people"))
	c.WaitFor("People at 390 px", `document.querySelectorAll('table.people tbody tr').length === 3`)
	for what, expr := range checks {
		c.WaitFor(what+" (People, 390 px)", expr)
	}
	screenshot(c, "desk-people-390")

	c.Do(chromedp.Navigate(h.srv.URL + "/desk/figures"))
	c.WaitFor("the chart drawn", `document.querySelector('img.chart').complete && document.querySelector('img.chart').naturalWidth > 0`)
	for what, expr := range checks {
		c.WaitFor(what+" (Figures, 390 px)", expr)
	}
	screenshot(c, "desk-figures-390")
	c.Do(chromedp.EmulateViewport(1440, 900))
	c.WaitFor("the chart beside the words", `document.querySelector('img.chart').getBoundingClientRect().left > window.innerWidth / 2`)
	screenshot(c, "desk-figures-1440")
}

// A tutor adds a step on a person's page in Chromium and the person's chat gets the chat's own
// notice, in their language; the person's page with its forms, Leads, a lead's form and (for a
// coordinator) the audit log are read at 1440 and at 390 pixels.
func TestDeskChangesInChromium(t *testing.T) {
	db := storagetest.SQLite(t)
	h := newHarness(t, db)
	tutor := h.staff(storage.RoleTutor, "MI", "active", "it", "Marco Bassi")
	people := caseload(t, h, tutor)
	chat := h.reachable(people[0])
	ctx := context.Background()
	h.clock.Set(t0.Add(9 * time.Hour))
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
	c.Do(chromedp.Navigate(h.link(tutor.ID)), chromedp.WaitVisible(chromedp.CSS("#sign-in")), chromedp.Click(chromedp.CSS("#sign-in")))
	c.WaitFor("Home", `document.querySelector('h1') !== null && location.pathname === '/desk/'`)
	c.WaitFor("Reply and Done under each alert", `document.querySelectorAll('.alert .alert-actions form').length === document.querySelectorAll('.alert').length * 2`)
	look(c, "Home with actions, 1440 px")
	screenshot(c, "desk-home-actions-1440")

	c.Do(chromedp.Navigate(h.srv.URL + "/desk/people/" + people[0].Code))
	c.WaitFor("the add-step form", `document.querySelector('#add-step') !== null`)
	c.Do(chromedp.SetValue(chromedp.CSS("#step-key"), "spid"), chromedp.SetValue(chromedp.CSS("#step-due"), "2026-12-15"),
		chromedp.Click(chromedp.CSS("#add-step")))
	c.WaitFor("the step added, said on the page", fmt.Sprintf(`document.querySelector('.notice') !== null &&
		document.querySelector('.notice').textContent === %q && document.body.innerText.includes(%q)`,
		h.cat.For("it").T("desk.act.ok.step_added"), h.cat.For("it").T("steps.spid.title")))
	fr := h.cat.For("fr")
	if got := h.outbox(chat.ID); len(got) != 1 || !strings.HasPrefix(got[0], fr.T("step.notice_added", "Title", fr.T("steps.spid.title"))) {
		t.Fatalf("the person's chat got %q", got)
	}
	c.Eval(`document.querySelectorAll('.step-edit').forEach(d => d.open = true)`)
	look(c, "a person with forms, 1440 px")
	screenshot(c, "desk-person-forms-1440")
	c.Do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	look(c, "a person with forms, 390 px")
	screenshot(c, "desk-person-forms-390")

	c.Do(chromedp.Navigate(h.srv.URL + "/desk/leads/new?kind=housing"))
	c.WaitFor("the lead form", `document.querySelector('#lead-save') !== null`)
	c.Do(chromedp.SetValue(chromedp.CSS("#lead-title"), "Stanza in Via Padova"), chromedp.SetValue(chromedp.CSS("#lead-rent"), "450"),
		chromedp.SetValue(chromedp.CSS("#lead-contact"), "Caritas, via San Bernardino 4"), chromedp.Click(chromedp.CSS("#lead-save")))
	c.WaitFor("the lead published", fmt.Sprintf(`document.querySelector('.notice') !== null && document.querySelector('.notice').textContent === %q`,
		h.cat.For("it").T("desk.act.ok.lead_created")))
	look(c, "a lead, 390 px")
	screenshot(c, "desk-lead-390")
	c.Do(chromedp.Navigate(h.srv.URL + "/desk/leads"))
	c.WaitFor("Leads with one row", `document.querySelectorAll('table.leads tbody tr').length === 1`)
	look(c, "Leads, 390 px")
	screenshot(c, "desk-leads-390")
	c.Do(chromedp.EmulateViewport(1440, 900))
	look(c, "Leads, 1440 px")
	screenshot(c, "desk-leads-1440")

	coord := h.staff(storage.RoleCoordinator, "MI", "active", "it", "Giulia Ferri")
	lab, err := storage.CreateLabIn(ctx, db, "MI", "LabIn Lavoro", "", coord.ID, t0)
	if err != nil {
		t.Fatal(err)
	}
	module, err := storage.CreateModule(ctx, db, lab.ID, "Il curriculum", t0)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := storage.CreateSession(ctx, db, storage.NewSession{ModuleID: module.ID, Territory: "MI", StartsAt: t0.Add(26 * time.Hour),
		EndsAt: t0.Add(28 * time.Hour), Place: "CPIA, via Padova 36", Capacity: 12, CreatedBy: coord.ID}, t0)
	if err != nil {
		t.Fatal(err)
	}
	c.Do(chromedp.Navigate(h.link(coord.ID)), chromedp.WaitVisible(chromedp.CSS("#sign-in")), chromedp.Click(chromedp.CSS("#sign-in")))
	c.WaitFor("Home of the coordinator", `location.pathname === '/desk/'`)
	c.Do(chromedp.Navigate(h.srv.URL + "/desk/labs/sessions/" + strconv.FormatInt(sess.ID, 10)))
	c.WaitFor("the session's enrol form", `document.querySelector('#enrol') !== null`)
	c.Do(chromedp.SetValue(chromedp.CSS("#enrol-codes"), people[0].Code+" "+people[1].Code), chromedp.Click(chromedp.CSS("#enrol")))
	c.WaitFor("two enrolled", `document.querySelectorAll('.roster li').length === 2`)
	look(c, "a session, 1440 px")
	screenshot(c, "desk-session-1440")
	c.Do(chromedp.Navigate(h.srv.URL + "/desk/labs"))
	c.WaitFor("the week's sessions", `document.querySelectorAll('table.labs tbody tr').length === 1`)
	look(c, "Labs, 1440 px")
	screenshot(c, "desk-labs-1440")
	c.Do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	look(c, "Labs, 390 px")
	screenshot(c, "desk-labs-390")
	c.Do(chromedp.EmulateViewport(1440, 900))
	c.Do(chromedp.Navigate(h.srv.URL + "/desk/audit"))
	c.WaitFor("the audit log with the step and the lead", `document.body.innerText.includes('/step add') && document.body.innerText.includes('/lead add')`)
	// The audit log names actions by their codes (desk.login, /step add), in <code>.
	checks["the page's own text is not a key"] = `(() => { const b = document.body.cloneNode(true);
		b.querySelectorAll('code').forEach(c => c.remove()); return !b.textContent.includes('desk.'); })()`
	look(c, "the audit log, 1440 px")
	screenshot(c, "desk-audit-1440")
	c.Do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	look(c, "the audit log, 390 px")
	screenshot(c, "desk-audit-390")
}
