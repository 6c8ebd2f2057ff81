package flows

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/notify"
)

// Button routes of the beneficiary's journeys (payload names; they count against the 64 bytes).
const (
	ButtonMenu     = "m"  // the main menu
	ButtonPlan     = "pl" // Data(ButtonPlan, page)
	ButtonHousing  = "hs" // housing leads, no filter
	ButtonJobs     = "jb" // job leads
	ButtonLabs     = "lb" // Data(ButtonLabs, page)
	ButtonLanguage = "lg" // the language picker
	ButtonPrivacy  = "pv" // the privacy menu
	ButtonHelp     = "hp" // help
)

// Limits every screen keeps so it renders on Telegram, WhatsApp and the web chat. A button
// label is cut only past maxLabelRunes, which Telegram and the web chat show whole; WhatsApp's
// renderer fits labels to its own limits (20 characters for a reply button, else a list whose
// rows show 24 characters and the whole label, up to 72, as their description). WhatsApp shows
// a body up to 1024 characters under buttons; a message offers at most ten choices.
const (
	maxLabelRunes = 64
	maxBodyRunes  = 1000
	maxLineRunes  = 60
	maxRelayRunes = 800
	maxUnderstand = 60
	buttonsPerRow = 2
)

// label fits a button text (from the catalogue or the data: a title, a name) in maxLabelRunes
// characters, on one line.
func label(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= maxLabelRunes {
		return s
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:maxLabelRunes-1]), unicode.IsSpace) + "…"
}

// clip shortens a line written by staff (a step or lead title) for a list.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:n-1]), unicode.IsSpace) + "…"
}

// btn is a button with a label that fits.
func btn(text, data string) bot.Button { return bot.Button{Text: label(text), Data: data} }

// grid lays buttons out n a row.
func grid(bs []bot.Button, n int) [][]bot.Button {
	var rows [][]bot.Button
	for len(bs) > 0 {
		k := min(n, len(bs))
		rows = append(rows, bs[:k])
		bs = bs[k:]
	}
	return rows
}

// screen answers with text and buttons. A text too long to sit above buttons on WhatsApp goes
// alone first, and the buttons follow under a short line.
func (c *Ctx) screen(ctx context.Context, text string, rows ...[]bot.Button) error {
	if len(rows) == 0 || utf8.RuneCountInString(text) <= maxBodyRunes {
		return c.Reply(ctx, bot.Outgoing{Text: text, Buttons: rows})
	}
	if err := c.Reply(ctx, bot.Outgoing{Text: text}); err != nil {
		return err
	}
	return c.Reply(ctx, bot.Outgoing{Text: c.T("menu.below"), Buttons: rows})
}

// menuRow is the row that leads back to the main menu.
// withPager adds, under rows, the previous and next buttons of a paged screen; dataFor gives
// a page's button payload.
func (c *Ctx) withPager(rows [][]bot.Button, page, pages int, dataFor func(page int) string) [][]bot.Button {
	var nav []bot.Button
	if page > 0 {
		nav = append(nav, btn(c.T("menu.previous"), dataFor(page-1)))
	}
	if page < pages-1 {
		nav = append(nav, btn(c.T("menu.next"), dataFor(page+1)))
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	return rows
}

func (c *Ctx) menuRow() []bot.Button {
	return []bot.Button{btn(c.T("menu.back_menu"), notify.Data(ButtonMenu))}
}

// member runs h for a beneficiary who finished onboarding; one who has not agreed to the
// service yet is brought back to where onboarding stopped. Opening a screen closes an open
// conversation with the tutor.
func (e *Engine) member(h HandlerFunc) HandlerFunc {
	return func(ctx context.Context, c *Ctx) error {
		if c.Actor.Beneficiary == nil {
			return c.Unknown(ctx)
		}
		if !c.Actor.Beneficiary.ConsentServiceAt.Valid {
			return e.resumeOnboarding(ctx, c)
		}
		c.ClearStep()
		return h(ctx, c)
	}
}

func (e *Engine) menuRoutes() []Route {
	return []Route{
		{Command: "menu", Roles: domain.RoleBeneficiary, Help: "menu.cmd_menu", Handle: e.member(e.showMenu)},
		{Button: ButtonMenu, Roles: domain.RoleBeneficiary, Handle: e.member(e.showMenu)},
		{Fallback: true, Roles: domain.RoleBeneficiary, Action: "fallback", Handle: e.beneficiaryFallback},
		{Media: true, Roles: domain.RoleBeneficiary, Action: "media", Handle: e.beneficiaryMedia},
	}
}

// menuMessage is the main menu, after a one-line hint when hintID is set.
func (e *Engine) menuMessage(c *Ctx, hintID string) bot.Outgoing {
	text := c.T("menu.title")
	if hintID != "" {
		text = c.T(hintID) + "\n\n" + text
	}
	items := []bot.Button{
		btn(c.T("menu.plan"), notify.Data(ButtonPlan, 0)),
		btn(c.T("menu.housing"), notify.Data(ButtonHousing)),
		btn(c.T("menu.jobs"), notify.Data(ButtonJobs)),
		btn(c.T("menu.labs"), notify.Data(ButtonLabs, 0)),
		btn(c.T("menu.tutor"), notify.Data(notify.ButtonMyTutor)),
		btn(c.T("menu.language"), notify.Data(ButtonLanguage)),
		btn(c.T("menu.privacy"), notify.Data(ButtonPrivacy)),
		btn(c.T("menu.help"), notify.Data(ButtonHelp)),
	}
	return bot.Outgoing{Text: text, Buttons: grid(items, buttonsPerRow)}
}

func (e *Engine) showMenu(ctx context.Context, c *Ctx) error {
	return c.Reply(ctx, e.menuMessage(c, ""))
}

// beneficiaryFallback answers whatever a beneficiary sent that no route takes: free text is
// understood as well as it can be (a word for a screen, a language's name); anything else, an
// unknown or not-allowed command, or a stale button, gets a one-line hint and the menu. It
// never acts on what it did not understand.
func (e *Engine) beneficiaryFallback(ctx context.Context, c *Ctx) error {
	if c.Actor.Beneficiary == nil {
		return e.aboutService(ctx, c)
	}
	if c.In.Kind == bot.KindText {
		if lang := typedLanguage(c.In.Text); lang != "" {
			return e.setLanguage(ctx, c, lang)
		}
	}
	if !c.Actor.Beneficiary.ConsentServiceAt.Valid {
		return e.resumeOnboarding(ctx, c)
	}
	c.ClearStep()
	if c.In.Kind == bot.KindText {
		// What looks urgent gets the emergency numbers at once, whatever else it says.
		if e.looksUrgent(c.In.Text) {
			if err := e.emergencyFirst(ctx, c); err != nil {
				return err
			}
			return e.offerText(ctx, c, "")
		}
		if h := e.understand(c); h != nil {
			return h(ctx, c)
		}
	}
	hint := "menu.hint_unknown"
	switch {
	case c.In.Kind == bot.KindButton:
		hint = "menu.hint_stale"
	case c.In.Kind == bot.KindText && onlySymbols(c.In.Text):
		hint = "menu.hint_emoji"
	case c.In.Kind == bot.KindText:
		return e.offerText(ctx, c, "menu.hint_text")
	}
	return c.Reply(ctx, e.menuMessage(c, hint))
}

// offerText answers a text the bot did not understand with the menu and, when it can go to
// the tutor, "Send to tutor" (said.go).
func (e *Engine) offerText(ctx context.Context, c *Ctx, hintID string) error {
	if utf8.RuneCountInString(strings.TrimSpace(c.In.Text)) > maxRelayRunes {
		if hintID == "" {
			hintID = "menu.hint_text"
		}
		return c.Reply(ctx, e.menuMessage(c, hintID))
	}
	return e.offerToTutor(ctx, c, hintID, "relay.offer")
}

// beneficiaryMedia answers a voice note, a photo, a video or a document: in the conversation
// with the tutor it goes to them; anywhere else it is kept for "Send to tutor" with the menu.
// Something that is not a file the bot passes on (a sticker, a location) gets what can be
// sent.
func (e *Engine) beneficiaryMedia(ctx context.Context, c *Ctx) error {
	if c.State.Step == StepTutorChat {
		if ok, err := e.tutorChatReady(ctx, c); err != nil || !ok {
			return err
		}
		if !c.In.Attachment.Present() {
			return c.screen(ctx, c.T("relay.unsupported"), c.menuRow())
		}
		c.SetStep(StepTutorChat, nil) // the conversation stays open another StateTTL
		return e.relayFile(ctx, c, c.In)
	}
	if !c.Actor.Beneficiary.ConsentServiceAt.Valid {
		return e.resumeOnboarding(ctx, c)
	}
	if e.media == nil || !c.In.Attachment.Present() || !c.Actor.Beneficiary.TutorID.Valid {
		return c.Reply(ctx, e.menuMessage(c, "menu.hint_media"))
	}
	if err := media.CheckDeclared(c.In.Attachment); err != nil {
		return e.fileRefused(ctx, c, err, c.menuRow())
	}
	c.ClearStep()
	return e.offerToTutor(ctx, c, "", "relay.offer_media")
}

// understand maps a short free text to a screen by the words of menu.words.* in the person's
// language, English and Italian ("plan", "casa", "help"...). Nil when nothing fits.
func (e *Engine) understand(c *Ctx) HandlerFunc {
	text := foldWord(c.In.Text)
	if text == "" || utf8.RuneCountInString(text) > maxUnderstand {
		return nil
	}
	// Words keep their combining marks: Bengali vowel signs (া ি ো) are marks, not letters.
	tokens := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.IsMark(r) })
	targets := []struct {
		key string
		h   HandlerFunc
	}{
		{"plan", e.planFirstPage},
		{"housing", e.housingList},
		{"jobs", e.jobsList},
		{"labs", e.labsFirstPage},
		{"tutor", e.openTutorChat},
		{"language", e.languagePicker},
		{"privacy", e.privacyMenu},
		{"help", e.showHelp},
		{"menu", e.showMenu},
		{"hello", e.greet},
	}
	langs := []*locales.Localizer{c.L, e.cat.For("en"), e.cat.For("it")}
	for _, t := range targets {
		for _, l := range langs {
			for _, w := range strings.Split(l.T("menu.words."+t.key), ",") {
				w = foldWord(w)
				if w == "" {
					continue
				}
				if w == text || (!strings.Contains(w, " ") && contains(tokens, w)) || (strings.Contains(w, " ") && strings.Contains(" "+strings.Join(tokens, " ")+" ", " "+w+" ")) {
					return t.h
				}
			}
		}
	}
	return nil
}

func (e *Engine) greet(ctx context.Context, c *Ctx) error {
	return c.Reply(ctx, e.menuMessage(c, "menu.hello"))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// onlySymbols tells whether a text has no letters or digits (emoji, punctuation).
func onlySymbols(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return false
		}
	}
	return true
}

// arabicFold maps the letter forms people type interchangeably in Arabic-script languages (Arabic,
// Urdu, Dari, Pashto) to one form, so "أوقف" and "اوقف", "ي" and "ی", Pashto "ړ" and the "ر" of a
// Dari keyboard compare equal; and Tigrinya's "ኣ" with the Amharic "አ".
var arabicFold = strings.NewReplacer(
	"أ", "ا", "إ", "ا", "آ", "ا", "ٱ", "ا",
	"ي", "ی", "ى", "ی", "ې", "ی", "ۍ", "ی", "ئ", "ی",
	"ك", "ک", "ة", "ه", "ۀ", "ه", "ہ", "ه", "ھ", "ه", "ں", "ن",
	"ړ", "ر", "ږ", "ژ", "ښ", "ش", // Pashto typed on a Dari keyboard
	"አ", "ኣ", // Tigrinya typed the Amharic way
	"ـ", "",
)

// foldWord folds typed text for matching words: trimmed, lowercased, without final punctuation,
// accents and Arabic-script variants folded ("arrêt" = "arret", "أوقف" = "اوقف"), inner spaces
// collapsed. Both the word lists and the typed text go through it.
func foldWord(s string) string {
	s = norm.NFD.String(normalizeWord(s))
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) || r == '\u200c' || r == '\u200d' || r == '\u200e' || r == '\u200f' {
			return -1
		}
		return r
	}, s)
	s = arabicFold.Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// civilDate renders a YYYY-MM-DD date in the person's language.
func (e *Engine) civilDate(l *locales.Localizer, d string) string {
	t, err := time.ParseInLocation(civil.Layout, d, e.set.Location)
	if err != nil {
		return d
	}
	return l.Date(t)
}
