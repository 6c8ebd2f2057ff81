package flows

import (
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/notify"
)

// untranslatedLines tell, in a broadcast's preview, who would read the text as written for
// want of a version in their language: with a translation server, those it translates for
// (an automatic translation, with the text below) and the others (the Italian text), each
// language with how many people, and how to add versions (domain.Reach.Untranslated, the
// desk's warning too). texts are the versions written so far.
func (e *Engine) untranslatedLines(c *Ctx, reach domain.Reach, texts map[string]string) []string {
	auto, italian := reach.Untranslated(texts, e.tr.Knows)
	native := func(code string) string {
		if l, ok := e.cat.Lang(code); ok {
			return l.Native
		}
		return code
	}
	var lines []string
	if len(auto) > 0 {
		lines = append(lines, c.T("autotranslate.preview_auto", "ByLang", notify.CountsByKey(auto, native)))
	}
	if len(italian) > 0 {
		lines = append(lines, c.T("autotranslate.preview_italian", "ByLang", notify.CountsByKey(italian, native),
			"Button", c.T("broadcast.btn_translate")))
	}
	return lines
}
