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

// translateForeign shows a message's foreign parts translated (TranslateForeign) as it goes
// out: after its claim and outside any transaction, so a slow or absent translation server
// holds no lock and no other message.
func (s *Service) translateForeign(ctx context.Context, out bot.Outgoing) bot.Outgoing {
	return TranslateForeign(ctx, s.cfg.Translator, s.cfg.TranslateBudget, out)
}

// TranslateForeign shows the foreign parts of out (bot.Foreign) translated into the language
// they are meant for, marked, with the original kept, waiting budget at most for them all.
// Each part that is not translated in time (or at all: no translator, a language the server
// lacks, an error, which the translator counts) stays as it was queued. The message it
// returns has no foreign parts left.
func TranslateForeign(ctx context.Context, tr Translator, budget time.Duration, out bot.Outgoing) bot.Outgoing {
	parts := out.Foreign
	out.Foreign = nil
	if len(parts) == 0 || tr == nil {
		return out
	}
	if budget <= 0 {
		budget = DefaultTranslateBudget
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	var b strings.Builder
	rest, marker := out.Text, ""
	for _, p := range parts {
		if ctx.Err() != nil {
			break // the budget is spent: the rest goes as written
		}
		i := strings.Index(rest, p.Text)
		if strings.TrimSpace(p.Text) == "" || i < 0 {
			continue
		}
		to := p.To
		if to == "" {
			to = out.Lang
		}
		r := tr.Translate(ctx, p.Text, p.From, to)
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
