package outbox

import (
	"context"
	"strings"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/translate"
)

// Translator turns a text into another language, giving the original back (Translated false)
// whenever it cannot, within its own short timeout: *translate.Client is one.
type Translator interface {
	Translate(ctx context.Context, text, from, to string) translate.Result
}

// DefaultTranslateBudget is the most one message waits for all its translations together.
const DefaultTranslateBudget = 3 * time.Second

// translateForeign shows a message's foreign parts (bot.Foreign) translated into the language
// they are meant for, marked, with the original kept. It runs as the message goes out, after
// its claim and outside any transaction, so a slow or absent translation server holds no
// lock and no other message: each part that is not translated in time (or at all: no server,
// a language it lacks, an error, counted by the client) stays as it was queued.
func (s *Service) translateForeign(ctx context.Context, out bot.Outgoing) bot.Outgoing {
	parts := out.Foreign
	out.Foreign = nil
	if len(parts) == 0 || s.cfg.Translator == nil {
		return out
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.TranslateBudget)
	defer cancel()
	var b strings.Builder
	rest, marker := out.Text, ""
	for _, p := range parts {
		i := strings.Index(rest, p.Text)
		if strings.TrimSpace(p.Text) == "" || i < 0 {
			continue
		}
		to := p.To
		if to == "" {
			to = out.Lang
		}
		r := s.cfg.Translator.Translate(ctx, p.Text, p.From, to)
		if !r.Translated || sameText(r.Text, p.Text) {
			continue
		}
		before := rest[:i]
		b.WriteString(before)
		if p.Inline {
			b.WriteString(r.Text + " (" + p.Text + ")")
			if p.Marker != "" {
				marker = p.Marker
			}
		} else {
			if text := b.String(); text != "" && !strings.HasSuffix(text, "\n") {
				b.WriteString("\n")
			}
			if p.Marker != "" {
				b.WriteString(p.Marker + "\n")
			}
			b.WriteString(r.Text + "\n\n" + p.Text)
		}
		rest = rest[i+len(p.Text):]
	}
	b.WriteString(rest)
	out.Text = b.String()
	if marker != "" {
		out.Text += "\n\n" + marker
	}
	return out
}

// sameText tells a "translation" that changed nothing (the text was already in the language).
func sameText(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}
