// Package browsertest drives the web chat page in Debian's headless Chromium (through
// chromedp) at a phone's size, for tests: pick a demo persona, press the page's buttons and
// the bot's, type, wait for the bot's messages and read them as the page shows them, take
// screenshots. A test fails, never skips, when Chromium is missing: `make test` installs it.
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is Debian's Chromium, which `make test` installs (scripts/services.sh).
const ChromiumPath = "/usr/bin/chromium"

// The phone the page is checked on: 360 × 740 CSS pixels, as the cheap Android phones many
// beneficiaries use.
const phoneWidth, phoneHeight = 360, 740

// waitLimit is how long a step waits for the page.
const waitLimit = 30 * time.Second

// Page is the web chat open in a fresh headless Chromium at a phone's size.
type Page struct {
	t   *testing.T
	ctx context.Context
}

// Option changes the browser.
type Option func(*options)

type options struct{ lang string }

// Lang sets the browser's language (navigator.language and Accept-Language), such as "ar".
func Lang(code string) Option { return func(o *options) { o.lang = code } }

// Open starts Chromium (failing the test when it is missing) at a phone's size and opens url.
func Open(t *testing.T, url string, opt ...Option) *Page {
	t.Helper()
	p := Launch(t, phoneWidth, phoneHeight, opt...)
	p.Do(chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#composer")))
	return p
}

// Reload loads the page again, as a person coming back to it.
func (p *Page) Reload() {
	p.t.Helper()
	p.Do(chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#composer")))
}

// ReloadTo loads the page again and waits until expr (JavaScript) is true: for a page that
// shows something else than the composer (after "Delete my data").
func (p *Page) ReloadTo(what, expr string) {
	p.t.Helper()
	p.Do(chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("body")))
	p.WaitFor(what, expr)
}

// Do runs browser actions, failing the test on an error.
func (p *Page) Do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("browser: %v", err)
	}
}

// Eval runs a JavaScript expression and returns its value as JSON.
func (p *Page) Eval(expr string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return string(v)
}

// WaitFor waits until a JavaScript expression is true.
func (p *Page) WaitFor(what, expr string) {
	p.t.Helper()
	deadline := time.Now().Add(waitLimit)
	// A page still loading may lack what expr reads: an exception is "not yet".
	for p.Eval("(() => { try { return !!("+expr+"); } catch (e) { return false; } })()") != "true" {
		if time.Now().After(deadline) {
			p.Screenshot("timeout")
			p.t.Fatalf("waited %s for %s; page: %s", waitLimit, what, p.Eval(`document.body.innerText`))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// PickPersona chooses, in the demo's switcher, the first person of a role ("coordinator",
// "tutor", "newcomer") or the beneficiary speaking a language ("beneficiary-ar"), and waits
// for the page to be theirs.
func (p *Page) PickPersona(which string) {
	p.t.Helper()
	p.WaitFor("the persona switcher", `document.querySelectorAll('#persona option').length > 1`)
	role, lang, _ := strings.Cut(which, "-")
	sel := fmt.Sprintf(`#persona option[data-role=%q]`, role)
	if lang != "" {
		sel = fmt.Sprintf(`#persona option[data-role=%q][data-lang=%q]`, role, lang)
	}
	key := p.Eval(fmt.Sprintf(`(() => { const o = document.querySelector(%q); if (!o) return '';
		const s = document.querySelector('#persona'); s.value = o.value; s.dispatchEvent(new Event('change')); return o.value; })()`, sel))
	if key == `""` {
		p.t.Fatalf("no persona %s in the switcher: %s", which, p.Eval(`document.querySelector('#persona').innerText`))
	}
	p.WaitFor("a session of "+which, `localStorage.getItem('insidebot.webchat.token') && JSON.parse(localStorage.getItem('insidebot.webchat.personas') || '{}')[`+key+`]`)
	p.WaitFor("the page in the person's language", `document.documentElement.lang === (document.querySelector('#persona option:checked').dataset.lang || document.documentElement.lang)`)
}

// Press taps an element.
func (p *Page) Press(css string) {
	p.t.Helper()
	p.Do(chromedp.WaitVisible(chromedp.CSS(css)), chromedp.Click(chromedp.CSS(css)))
}

// TypeAndSend types a message and sends it with the send button.
func (p *Page) TypeAndSend(text string) {
	p.t.Helper()
	p.Do(chromedp.SendKeys(chromedp.CSS("#text"), text), chromedp.Click(chromedp.CSS("#send")))
	p.WaitFor("the message on the page", fmt.Sprintf(`[...document.querySelectorAll('.msg.me')].some(m => m.textContent.includes(%q))`, text))
}

// BotMessage is a bot message as the page shows it (Text without the name screen readers hear
// before it).
type BotMessage struct {
	Text    string   `json:"text"`
	Dir     string   `json:"dir"`
	Lang    string   `json:"lang"`
	Buttons []string `json:"buttons"`
}

// WaitBotMessages waits for at least n bot messages and returns them all.
func (p *Page) WaitBotMessages(n int) []BotMessage {
	p.t.Helper()
	p.WaitFor(fmt.Sprintf("%d bot message(s)", n), fmt.Sprintf(`document.querySelectorAll('.msg.bot').length >= %d`, n))
	raw := p.Eval(`[...document.querySelectorAll('.msg.bot')].map(m => ({text: (() => { const c = m.querySelector('.text').cloneNode(true);
		c.querySelectorAll('.sr-only').forEach(s => s.remove()); return c.textContent; })(),
		dir: m.getAttribute('dir'), lang: m.getAttribute('lang') || '',
		buttons: [...m.querySelectorAll('.buttons button')].map(b => b.textContent)}))`)
	var msgs []BotMessage
	if err := json.Unmarshal([]byte(raw), &msgs); err != nil {
		p.t.Fatalf("messages %s: %v", raw, err)
	}
	return msgs
}

// PressFirstButton presses the first button under the last bot message, if it has any, waits
// for the answer and returns the bot's messages then (msgs when there was no button).
func (p *Page) PressFirstButton(msgs []BotMessage) []BotMessage {
	p.t.Helper()
	last := msgs[len(msgs)-1]
	if len(last.Buttons) == 0 {
		return msgs
	}
	return p.PressButton(last.Buttons[0])
}

// PressButton presses the button with this label under the last bot message that has one, and
// waits for the bot's answer.
func (p *Page) PressButton(label string) []BotMessage {
	p.t.Helper()
	before := p.WaitBotMessages(1)
	found := p.Eval(fmt.Sprintf(`(() => { const b = [...document.querySelectorAll('.msg.bot .buttons button')].reverse()
		.find(b => b.textContent === %q); if (!b) return false; b.click(); return true; })()`, label))
	if found != "true" {
		p.Screenshot("no-button")
		p.t.Fatalf("no button %q under the bot's messages", label)
	}
	return p.WaitBotMessages(len(before) + 1)
}

// Screenshot saves the page as name.png in the test's artifact directory.
func (p *Page) Screenshot(name string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Errorf("screenshot: %v", err)
		return
	}
	path := filepath.Join(p.t.ArtifactDir(), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Errorf("screenshot: %v", err)
		return
	}
	p.t.Logf("screenshot %s", path)
}
