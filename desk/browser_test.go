package desk_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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

// chromium is a headless Chromium driven through chromedp.
type chromium struct {
	t   *testing.T
	ctx context.Context
}

func startChromium(t *testing.T, width, height int64) *chromium {
	t.Helper()
	if _, err := os.Stat(browsertest.ChromiumPath); err != nil {
		t.Fatalf("Chromium is needed for the desk's browser test and is missing (%v): make test installs it, or apt-get install chromium", err)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(browsertest.ChromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "it"), chromedp.Flag("accept-lang", "it"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(int(width), int(height)))
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	c := &chromium{t: t, ctx: ctx}
	c.do(chromedp.EmulateViewport(width, height))
	return c
}

func (c *chromium) do(steps ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		c.t.Fatalf("browser: %v", err)
	}
}

func (c *chromium) eval(expr string) string {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr))
	if err != nil {
		c.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return string(v)
}

// waitFor waits until a JavaScript expression is true.
func (c *chromium) waitFor(what, expr string) {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for c.eval("!!("+expr+")") != "true" {
		if time.Now().After(deadline) {
			c.t.Fatalf("waited for %s; page: %s", what, c.eval(`location.href + ' ' + document.body.innerText`))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *chromium) screenshot(name string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		c.t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		c.t.Fatal(err)
	}
	path := filepath.Join(screenshotDir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		c.t.Fatal(err)
	}
	c.t.Logf("screenshot %s", path)
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

	c := startChromium(t, 1440, 900)
	c.do(chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#sign-in")))
	if got := c.eval(`document.body.innerText`); !strings.Contains(got, "Marco Bassi") {
		t.Fatalf("the sign-in page does not say who signs in: %s", got)
	}
	c.screenshot("desk-sign-in-1440")
	c.do(chromedp.Click(chromedp.CSS("#sign-in")))
	home := h.cat.For("it").T("desk.home.title")
	c.waitFor("Home", fmt.Sprintf(`document.querySelector('h1') && document.querySelector('h1').textContent === %q`, home))
	if loc := c.eval(`location.pathname + location.search`); loc != `"/desk/"` {
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
		c.waitFor(what+" at 1440 px", expr)
	}
	// The keyboard: the first Tab shows the skip link, visibly focused; Enter moves to the content.
	c.do(chromedp.KeyEvent("\t"))
	c.waitFor("the skip link focused and on screen", `document.activeElement.classList.contains('skip') &&
		document.activeElement.getBoundingClientRect().top >= 0 && getComputedStyle(document.activeElement).outlineStyle !== 'none'`)
	c.screenshot("desk-home-1440-skip-link")
	c.do(chromedp.KeyEvent("\r"))
	c.waitFor("the skip link leads to the content", `location.hash === '#main'`)
	c.screenshot("desk-home-1440")
	if fails := c.eval(contrastFailures); fails != `""` {
		t.Fatalf("text below AA contrast: %s", fails)
	}

	c.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	c.waitFor("nothing wider than a 390 px phone", `document.documentElement.scrollWidth <= window.innerWidth`)
	c.waitFor("Log out is a big enough target", `document.querySelector('.logout button').getBoundingClientRect().height >= 44`)
	c.waitFor("the figures stacked above the alerts", `document.querySelector('.panel + .panel').getBoundingClientRect().top >
		document.querySelector('.panel').getBoundingClientRect().bottom`)
	c.screenshot("desk-home-390")

	c.do(chromedp.Click(chromedp.CSS(".logout button")))
	out := h.cat.For("it").T("desk.msg.signed_out_title")
	c.waitFor("the signed-out page", fmt.Sprintf(`location.pathname === '/desk/signed-out' && document.querySelector('h1').textContent === %q`, out))
	c.do(chromedp.Navigate(h.srv.URL + "/desk/"))
	c.waitFor("Home refused after logging out", fmt.Sprintf(`document.querySelector('h1').textContent === %q`, h.cat.For("it").T("desk.msg.need_title")))
	c.do(chromedp.Navigate(link))
	c.waitFor("the used link refused", fmt.Sprintf(`document.querySelector('h1').textContent === %q`, h.cat.For("it").T("desk.msg.link_used_title")))
	c.screenshot("desk-link-used-390")

	// Right to left: a coordinator who reads Arabic gets the page mirrored.
	coord := h.staff(storage.RoleCoordinator, "MI", "active", "ar", "Giulia Ferri")
	c.do(chromedp.Navigate(h.link(coord.ID)), chromedp.WaitVisible(chromedp.CSS("#sign-in")), chromedp.Click(chromedp.CSS("#sign-in")))
	c.waitFor("Home in Arabic", fmt.Sprintf(`document.querySelector('h1') && document.querySelector('h1').textContent === %q`, h.cat.For("ar").T("desk.home.title")))
	c.waitFor("mirrored: the brand on the right, the numbers on the right of their labels", `document.documentElement.dir === 'rtl' &&
		document.querySelector('.brand').getBoundingClientRect().right > window.innerWidth / 2 &&
		document.querySelector('.figure .num').getBoundingClientRect().left > document.querySelector('.figure dt').getBoundingClientRect().left`)
	c.waitFor("nothing wider than the phone in Arabic", `document.documentElement.scrollWidth <= window.innerWidth`)
	c.screenshot("desk-home-ar-390")
}
