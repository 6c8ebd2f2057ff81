package webchat_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"strings"
	"sync"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/webchat/browsertest"
)

// richBot answers /start with everything a message can carry, a pressed button with its
// payload, and text with an echo; every answer in the language given.
func richBot(t *testing.T, h *harness, lang string, rtl bool) {
	var buf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 120, 60))
	for x := range 120 {
		for y := range 60 {
			img.Set(x, y, color.RGBA{R: 11, G: 110, B: 79, A: 255})
		}
	}
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	h.rec.answer = func(ctx context.Context, in bot.Incoming) error {
		mu.Lock()
		defer mu.Unlock()
		out := bot.Outgoing{Lang: lang, RTL: rtl}
		switch in.Kind {
		case bot.KindCommand:
			out.Text = "Your plan has 3 steps. The office is at https://example.org/map, open 9-13."
			if rtl {
				out.Text = "خطتك فيها ٣ خطوات. المكتب في https://example.org/map ، مفتوح ٩-١٣."
			}
			out.Buttons = [][]bot.Button{
				{{Text: "🏠 Home", Data: "pl:housing"}, {Text: "💼 Work", Data: "pl:work"}},
				{{Text: "📄 Documents and a long label that wraps", Data: "pl:documents"}},
				{{Text: "🗺️ Map", URL: "https://example.org/map"}},
			}
			out.Image = &bot.File{Name: "map.png", MIME: "image/png", Data: buf.Bytes()}
			out.Document = &bot.File{Name: "plan.txt", MIME: "text/plain", Data: []byte("step 1\n")}
		case bot.KindButton:
			out.Text = "pressed " + in.Data
		default:
			out.Text = "echo: " + in.Text
		}
		_, err := h.ch.Sender().Send(ctx, bot.Recipient{ChatID: in.ChatID}, out)
		return err
	}
	// The harness delivers through the Sender directly: nothing to flush.
}

// checkRendering asserts what a person sees of the rich message on a phone.
func checkRendering(t *testing.T, p *browsertest.Page, dir string) {
	t.Helper()
	msgs := p.WaitBotMessages(1)
	m := msgs[0]
	if m.Dir != dir || len(m.Buttons) != 3 {
		t.Fatalf("rich message = %+v, want dir %s and 3 buttons", m, dir)
	}
	checks := map[string]string{
		"two rows of buttons and a row with a link": `document.querySelectorAll('.msg.bot .row').length === 3`,
		"buttons side by side in a row":             `document.querySelectorAll('.msg.bot .row')[0].children.length === 2`,
		"every button at least 44 px tall": `[...document.querySelectorAll('.msg.bot .row > *')].every(b =>
			b.getBoundingClientRect().height >= 44)`,
		"the URL button is a link opening elsewhere": `(() => { const a = document.querySelector('.msg.bot .row > a');
			return a && a.href === 'https://example.org/map' && a.target === '_blank' && a.rel.includes('noopener'); })()`,
		"the address in the text is a link":   `document.querySelector('.msg.bot .text a[href="https://example.org/map"]') !== null`,
		"the image is shown inline":           `(() => { const i = document.querySelector('.msg.bot img'); return i && i.complete && i.naturalWidth === 120; })()`,
		"the document is a download link":     `(() => { const a = document.querySelector('.msg.bot a.file'); return a && a.download === 'plan.txt' && a.textContent.includes('plan.txt'); })()`,
		"nothing wider than the phone":        `document.documentElement.scrollWidth <= window.innerWidth`,
		"the text box is labelled":            `document.querySelector('label[for=text]').textContent.length > 0`,
		"new messages are announced":          `document.querySelector('#log').getAttribute('role') === 'log'`,
		"the send button has a name":          `document.querySelector('#send').getAttribute('aria-label').length > 0`,
		"the page's own text is not a key":    `!document.body.innerText.includes('webchat.')`,
		"the bot's messages are on the start": `document.querySelector('.msg.bot').getBoundingClientRect()[document.documentElement.dir === 'rtl' ? 'right' : 'left'] > 0`,
	}
	for what, expr := range checks {
		p.WaitFor(what, expr)
	}
}

func TestPageRendersMessagesInChromium(t *testing.T) {
	h := newHarness(t)
	richBot(t, h, "en", false)
	p := browsertest.Open(t, h.srv.URL)
	p.Press("#start")
	checkRendering(t, p, "ltr")
	p.Screenshot("rich-ltr")

	msgs := p.PressButton("💼 Work")
	if last := msgs[len(msgs)-1]; last.Text != "pressed pl:work" {
		t.Fatalf("after pressing a button the bot said %q", last.Text)
	}
	if in := h.rec.last(); in.Kind != bot.KindButton || in.Data != "pl:work" {
		t.Fatalf("the press reached the bot as %+v", in)
	}
	// The person's own message, then its answer, in order on the page.
	p.TypeAndSend("hello there")
	p.WaitFor("the echo", `[...document.querySelectorAll('.msg')].map(m => m.textContent).join('|').includes('hello there|Assistant: echo: hello there')`)

	// Reloading shows the same conversation, the person's messages in place.
	p.Reload()
	p.WaitFor("the conversation after a reload", `[...document.querySelectorAll('.msg')].map(m => m.className.includes('me') ? 'me' : 'bot').join(',') === 'me,bot,me,bot,me,bot'`)
}

func TestPageRetriesASendWithTheSameID(t *testing.T) {
	h := newHarness(t)
	richBot(t, h, "en", false)
	h.rec.refuse = 2 // the bot is away twice: 503, the page waits and sends again
	p := browsertest.Open(t, h.srv.URL)
	p.TypeAndSend("are you there?")
	p.WaitFor("the answer after the retries", `document.querySelectorAll('.msg.bot').length === 1`)
	h.rec.mu.Lock()
	defer h.rec.mu.Unlock()
	if len(h.rec.got) != 3 || h.rec.got[0].UpdateID != h.rec.got[2].UpdateID || h.rec.handled != 1 {
		t.Fatalf("%d attempts (handled %d), want 3 with one id and one handled: %+v", len(h.rec.got), h.rec.handled, h.rec.got)
	}
}

func TestPageMirrorsForRightToLeft(t *testing.T) {
	h := newHarness(t)
	richBot(t, h, "ar", true)
	p := browsertest.Open(t, h.srv.URL, browsertest.Lang("ar"))
	if dir := p.Eval(`document.documentElement.dir`); dir != `"rtl"` {
		t.Fatalf("an Arabic browser gets a page with dir %s", dir)
	}
	p.Press("#start")
	checkRendering(t, p, "rtl")
	if side := p.Eval(`(() => { const b = document.querySelector('.msg.bot').getBoundingClientRect(),
		m = document.querySelector('.msg.me').getBoundingClientRect(); return b.right > m.right; })()`); side != "true" {
		t.Fatal("right to left: the bot's messages should be on the right, the person's on the left")
	}
	if !strings.Contains(p.Eval(`document.querySelector('.msg.bot').getAttribute('lang')`), "ar") {
		t.Fatal("the Arabic message has no lang=ar")
	}
	p.Screenshot("rich-rtl")
}
