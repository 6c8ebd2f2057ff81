package flows

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
)

// Never drop what a person says: free text (or a file) a beneficiary sends that the bot does
// not understand is kept for a moment, and the menu that answers it carries "💬 Send to tutor".
// One tap relays exactly what was kept, with the person's code; the tap names what it sends
// by a random token, so an old, repeated or made-up tap finds nothing and sends nothing.
//
// What is kept lives in Redis only (conversation state, saidTTL), under a key that names the
// chat, so an erasure of the person removes it (storage.ErasePersonRedis).

// ButtonSendSaid is the "Send to tutor" button: Data(ButtonSendSaid, token).
const ButtonSendSaid = "sy"

// saidTTL is how long a text the bot did not understand is kept for the tap.
const saidTTL = 15 * time.Minute

// said is what a beneficiary sent that the bot kept for the tap.
type said struct {
	Token string         `json:"t"`
	Text  string         `json:"x,omitempty"`
	File  *bot.MediaItem `json:"f,omitempty"` // a file, from the chat the update came from
}

// saidKey is the Redis state key of what a chat said last; its parts name the chat.
func saidKey(in bot.Incoming) string { return "said:" + in.ChatKey() }

// keepSaid keeps the text or the file of the update for the tap and returns the button that
// sends it.
func (e *Engine) keepSaid(ctx context.Context, c *Ctx) (bot.Button, error) {
	tok := make([]byte, 8)
	if _, err := rand.Read(tok); err != nil {
		return bot.Button{}, fmt.Errorf("said token: %w", err)
	}
	s := said{Token: hex.EncodeToString(tok)}
	if c.In.Attachment.Present() {
		f := c.In.Attachment
		s.File = &f
	} else {
		s.Text = strings.TrimSpace(c.In.Text)
	}
	b, err := json.Marshal(s)
	if err != nil {
		return bot.Button{}, fmt.Errorf("said: %w", err)
	}
	if err := e.redis.SetState(ctx, saidKey(c.In), b, saidTTL); err != nil {
		return bot.Button{}, err
	}
	return btn(c.T("relay.send"), notify.Data(ButtonSendSaid, s.Token)), nil
}

// takeSaid finds and forgets what the chat said, when token names it.
func (e *Engine) takeSaid(ctx context.Context, c *Ctx, token string) (said, bool, error) {
	raw, found, err := e.redis.GetState(ctx, saidKey(c.In))
	if err != nil || !found {
		return said{}, false, err
	}
	var s said
	if json.Unmarshal(raw, &s) != nil || s.Token == "" || subtle.ConstantTimeCompare([]byte(s.Token), []byte(token)) != 1 {
		return said{}, false, nil
	}
	if err := e.redis.DeleteState(ctx, saidKey(c.In)); err != nil {
		return said{}, false, err
	}
	return s, true, nil
}

// offerToTutor answers what the bot did not understand: the hint, "I can send this to your
// tutor", and the menu with the Send button on top. Without a tutor, only the hint and the
// menu.
func (e *Engine) offerToTutor(ctx context.Context, c *Ctx, hintID, offerID string) error {
	out := e.menuMessage(c, hintID)
	b := c.Actor.Beneficiary
	if b == nil || !b.TutorID.Valid {
		return c.Reply(ctx, out)
	}
	send, err := e.keepSaid(ctx, c)
	if err != nil {
		return err
	}
	if hintID != "" {
		out.Text = c.T(hintID) + "\n" + c.T(offerID) + "\n\n" + c.T("menu.title")
	} else {
		out.Text = c.T(offerID) + "\n\n" + c.T("menu.title")
	}
	out.Buttons = append([][]bot.Button{{send}}, out.Buttons...)
	return c.Reply(ctx, out)
}

// sendSaid relays what was kept, once.
func (e *Engine) sendSaid(ctx context.Context, c *Ctx) error {
	s, ok, err := e.takeSaid(ctx, c, c.Args().Str(0))
	if err != nil {
		return err
	}
	if !ok {
		return c.screen(ctx, c.T("relay.stale"), c.menuRow())
	}
	b := c.Actor.Beneficiary
	if !b.TutorID.Valid {
		return c.screen(ctx, c.T("mytutor.none"), []bot.Button{btn(c.T("menu.help"), notify.Data(ButtonHelp)), c.menuRow()[0]})
	}
	if s.File != nil {
		in := c.In
		in.Attachment = *s.File
		return e.relayFile(ctx, c, in)
	}
	return e.relayText(ctx, c, s.Text)
}

// looksUrgent tells whether a text has a word of the urgent lists (eviction, police, hospital,
// violence, suicide) of any of the languages: "sfratto", "police", "ሆስፒታል". A list's word
// ending in * matches any ending ("evict*": evicted, eviction); several words match as a
// phrase.
func (e *Engine) looksUrgent(text string) bool {
	tokens := wordTokens(foldWord(text))
	if len(tokens) == 0 {
		return false
	}
	joined := " " + strings.Join(tokens, " ") + " "
	for _, list := range e.urgentWords {
		for _, w := range list {
			switch {
			case strings.Contains(w, " "):
				if strings.Contains(joined, " "+w+" ") {
					return true
				}
			case strings.HasSuffix(w, "*"):
				stem := strings.TrimSuffix(w, "*")
				for _, t := range tokens {
					if strings.HasPrefix(t, stem) {
						return true
					}
				}
			case contains(tokens, w):
				return true
			}
		}
	}
	return false
}

// loadUrgentWords reads the urgent lists of every language, folded and split into words as
// typed text is.
func (e *Engine) loadUrgentWords() [][]string {
	var out [][]string
	for _, id := range []string{"urgent.eviction", "urgent.police", "urgent.hospital", "urgent.violence", "urgent.suicide"} {
		for _, lang := range locales.Languages() {
			if !e.cat.Has(lang.Code, id) {
				continue
			}
			var list []string
			for _, w := range strings.Split(e.cat.For(lang.Code).T(id), ",") {
				star := strings.HasSuffix(strings.TrimSpace(w), "*")
				t := strings.Join(wordTokens(foldWord(strings.TrimSuffix(strings.TrimSpace(w), "*"))), " ")
				if t == "" {
					continue
				}
				if star && !strings.Contains(t, " ") {
					t += "*"
				}
				list = append(list, t)
			}
			out = append(out, list)
		}
	}
	return out
}

// wordTokens splits folded text into words; words keep their combining marks (Bengali vowel
// signs are marks, not letters).
func wordTokens(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.IsMark(r) })
}

// emergencyFirst sends the emergency numbers at once, before the answer to an urgent text.
func (e *Engine) emergencyFirst(ctx context.Context, c *Ctx) error {
	return c.Reply(ctx, bot.Outgoing{Text: c.T("help.emergency")})
}

// saidRoutes are the Send button's.
func (e *Engine) saidRoutes() []Route {
	return []Route{
		{Button: ButtonSendSaid, Roles: domain.RoleBeneficiary, Action: "tutor-message", Handle: e.member(e.sendSaid)},
	}
}
