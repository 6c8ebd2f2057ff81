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
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/webchat/browsertest"
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/media/mediatest"
	"github.com/insideaut/insidebot/storage"
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

// A person invited in Arabic opens the invite link in an English browser: the page speaks
// Arabic; they choose French: the page follows, across a reload. Their tutor's voice note,
// photo and PDF show as a player, a picture and a link; phone numbers can be called. After
// "Delete my data" the page says the data was deleted and offers a new conversation, even
// after a reload.
func TestPageLanguageFilesPhonesAndErasure(t *testing.T) {
	var st *media.Store
	h := newHarness(t, withMedia(t, &st))
	ctx := context.Background()
	now := h.fh.Clock.Now()
	b, err := storage.CreateBeneficiary(ctx, h.fh.DB, storage.NewBeneficiary{Territory: "MI", Lang: "ar"}, now)
	if err != nil {
		t.Fatal(err)
	}
	code, _, err := storage.CreateInvite(ctx, h.fh.DB, storage.NewInvite{Role: "beneficiary", BeneficiaryID: b.ID, TTL: time.Hour}, now)
	if err != nil {
		t.Fatal(err)
	}
	put := func(kind bot.MediaKind, name string, data []byte) *bot.OutMedia {
		it, err := st.Put(ctx, media.Upload{Kind: kind, Name: name, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		return &bot.OutMedia{Kind: it.Kind, MIME: it.MIME, Name: name, Transit: it.ID}
	}
	var pngData bytes.Buffer
	_ = png.Encode(&pngData, image.NewRGBA(image.Rect(0, 0, 40, 30)))
	say := func(ctx context.Context, chat string, out bot.Outgoing) error {
		_, err := h.ch.Sender().Send(ctx, bot.Recipient{ChatID: chat}, out)
		return err
	}
	h.rec.answer = func(ctx context.Context, in bot.Incoming) error {
		switch {
		case in.Kind == bot.KindCommand && in.Command == "start":
			if _, err := storage.LinkIdentity(ctx, h.fh.DB, storage.NewIdentity{Channel: "webchat", ExternalID: in.ChatID, ChatID: in.ChatID, BeneficiaryID: b.ID}, now); err != nil {
				return err
			}
			return say(ctx, in.ChatID, bot.Outgoing{Lang: "ar", RTL: true, Text: "أهلاً"})
		case in.Text == "français":
			if _, err := h.fh.DB.Exec(ctx, `UPDATE beneficiaries SET lang = 'fr' WHERE id = ?`, b.ID); err != nil {
				return err
			}
			return say(ctx, in.ChatID, bot.Outgoing{Lang: "fr", Text: "Urgence : 112. Traite : 800 290 290. Bureau : +39 02 1234 5678. " +
				"Rendez-vous le 12/03/2026 à 10:30, code MI-007, loyer 450 €."})
		case in.Text == "files":
			for _, m := range []*bot.OutMedia{put(bot.MediaVoice, "", mediatest.OggOpus(3000)), put(bot.MediaPhoto, "lettre.png", pngData.Bytes()),
				put(bot.MediaDocument, "contrat.pdf", mediatest.PDF(2000))} {
				if err := say(ctx, in.ChatID, bot.Outgoing{Lang: "fr", Text: "🎤 Votre tuteur", Media: m}); err != nil {
					return err
				}
			}
			return nil
		case in.Text == "delete my data":
			// As erasure does: the person's identities and web-chat session go.
			if _, err := h.fh.DB.Exec(ctx, `DELETE FROM identities WHERE beneficiary_id = ?`, b.ID); err != nil {
				return err
			}
			_, err := h.fh.DB.Exec(ctx, `DELETE FROM webchat_sessions WHERE chat_id = ?`, in.ChatID)
			return err
		}
		return nil
	}

	p := browsertest.Open(t, h.srv.URL+"/?invite="+code, browsertest.Lang("en"))
	p.WaitFor("the invite's language", `document.documentElement.lang === 'ar' && document.documentElement.dir === 'rtl' &&
		document.querySelector('#text').placeholder !== 'Write a message…'`)
	p.WaitBotMessages(1)

	p.TypeAndSend("français")
	p.WaitFor("the person's language", `document.documentElement.lang === 'fr' && document.documentElement.dir === 'ltr' &&
		document.querySelector('#text').placeholder === 'Écrivez un message…'`)
	phones := map[string]string{
		"an emergency number":              `document.querySelector('.msg.bot a[href="tel:112"]') !== null`,
		"a free number with spaces":        `document.querySelector('.msg.bot a[href="tel:800290290"]')?.textContent === '800 290 290'`,
		"an international number":          `document.querySelector('.msg.bot a[href="tel:+390212345678"]') !== null`,
		"nothing else is a number to call": `[...document.querySelectorAll('.msg.bot a[href^="tel:"]')].length === 3`,
	}
	for what, expr := range phones {
		p.WaitFor(what, expr)
	}
	p.ReloadTo("the person's language after a reload", `document.documentElement.lang === 'fr' &&
		document.querySelector('#text').placeholder === 'Écrivez un message…' && document.querySelectorAll('.msg.bot').length === 2`)

	p.TypeAndSend("files")
	files := map[string]string{
		"the voice note as a player": `(() => { const a = document.querySelector('.msg.bot audio'); return a && a.controls && a.src.startsWith('blob:'); })()`,
		"the photo inline":           `(() => { const i = document.querySelector('.msg.bot .media img'); return i && i.complete && i.naturalWidth === 40; })()`,
		"the PDF as a link":          `(() => { const a = document.querySelector('.msg.bot .media a.file'); return a && a.download === 'contrat.pdf' && a.href.startsWith('blob:'); })()`,
	}
	for what, expr := range files {
		p.WaitFor(what, expr)
	}
	p.Screenshot("files-fr")

	p.TypeAndSend("delete my data")
	deleted := `!document.querySelector('#erased').hidden && document.querySelector('#composer').hidden &&
		document.querySelector('#erased p').textContent === 'Vos données ont été supprimées. Vous pouvez commencer une nouvelle conversation quand vous voulez.' &&
		!document.body.innerText.includes('Pas de connexion')`
	p.WaitFor("the data-deleted notice", deleted)
	p.Screenshot("erased-fr")
	p.ReloadTo("the notice after a reload", deleted)
	p.Press("#erased-new")
	p.WaitFor("a new conversation", `document.querySelector('#erased').hidden && !document.querySelector('#composer').hidden &&
		document.querySelectorAll('.msg').length === 0 && !document.querySelector('#empty').hidden`)
}
