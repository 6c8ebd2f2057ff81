package flows

import (
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/notify"
)

// foreign marks text, written by staff in Italian (a lead's details), as a part of the next reply that
// the outbox shows translated into the reader's language, with the original below, when a
// translation server is set. It returns text unchanged, to be written into the reply.
func (c *Ctx) foreign(text string) string {
	if strings.TrimSpace(text) != "" {
		c.foreignParts = append(c.foreignParts, notify.Foreign(text, notify.StaffLang))
	}
	return text
}

// foreignInline is foreign for a title in a sentence or a list: "translation (original)".
func (c *Ctx) foreignInline(text string) string {
	if strings.TrimSpace(text) != "" {
		c.foreignParts = append(c.foreignParts, notify.ForeignInline(text, notify.StaffLang))
	}
	return text
}

// takeForeign gives a reply the foreign parts marked for it: those its text holds, in order;
// the others stay for the next reply of the update.
func (c *Ctx) takeForeign(text string) []bot.Foreign {
	var took, rest []bot.Foreign
	at := 0
	for _, p := range c.foreignParts {
		if i := strings.Index(text[at:], p.Text); i >= 0 {
			took = append(took, p)
			at += i + len(p.Text)
			continue
		}
		rest = append(rest, p)
	}
	c.foreignParts = rest
	return took
}
