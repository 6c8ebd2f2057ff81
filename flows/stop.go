package flows

import (
	"context"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
)

// STOP and START: a beneficiary who writes STOP, in any of the supported languages, gets no
// more announcements at once and is told how to resume; START resumes them. They work anywhere,
// even in the middle of a form or an open conversation with the tutor, which stays as it was.
//
// The words are in the catalogue, language by language (stop.words and stop.start_words in
// locales/active.*.toml, suggested by the translators of each language): a word of any language
// works for everyone, typed alone in a message (compared after foldWord: case, accents, final
// punctuation and Arabic-script letter variants do not matter).

// typedWords are the words of a catalogue entry (comma-separated) in every language, folded.
func typedWords(cat *locales.Catalog, id string) map[string]bool {
	out := map[string]bool{}
	for _, lang := range locales.Languages() {
		if !cat.Has(lang.Code, id) {
			continue
		}
		for _, w := range strings.Split(cat.For(lang.Code).T(id), ",") {
			if f := foldWord(w); f != "" {
				out[f] = true
			}
		}
	}
	return out
}

// IsStopWord tells whether a text asks to stop announcements (for other journeys that read
// free text, such as a broadcast reply).
func (e *Engine) IsStopWord(text string) bool { return e.stopWords[foldWord(text)] }

// IsStartWord tells whether a text asks to resume announcements.
func (e *Engine) IsStartWord(text string) bool { return e.startWords[foldWord(text)] }

func (e *Engine) stopRoutes() []Route {
	return []Route{
		{Match: func(c *Ctx) bool { return c.In.Kind == bot.KindText && e.IsStopWord(c.In.Text) }, Roles: domain.RoleBeneficiary,
			Action: "stop", Handle: e.stopAnnouncements},
		{Match: func(c *Ctx) bool { return c.In.Kind == bot.KindText && e.IsStartWord(c.In.Text) }, Roles: domain.RoleBeneficiary,
			Action: "start-announcements", Handle: e.startAnnouncements},
		{Command: "stop", Roles: domain.RoleBeneficiary, Handle: e.stopAnnouncements},
	}
}

// stopAnnouncements ends announcements at once (if not already) and says how to resume.
func (e *Engine) stopAnnouncements(ctx context.Context, c *Ctx) error {
	if err := e.domain.StopAnnouncements(ctx, c.Tx, c.Now, c.Actor); err != nil {
		return err
	}
	return c.ReplyText(ctx, "stop.done")
}

// startAnnouncements resumes announcements: START is also the consent to them.
func (e *Engine) startAnnouncements(ctx context.Context, c *Ctx) error {
	if err := e.domain.StartAnnouncements(ctx, c.Tx, c.Now, c.Actor); err != nil {
		return err
	}
	return c.ReplyText(ctx, "stop.resumed")
}
