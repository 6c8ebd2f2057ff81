package outbox

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// Relays waiting for one chat (what beneficiaries wrote to their tutor) go as one message, so
// that one person writing fast does not hold back another's message behind the chat's pace.
const (
	maxCoalesce      = 50   // relays in one message
	maxCoalesceRunes = 3500 // and its text, within one Telegram or WhatsApp text message
	maxCoalesceRows  = 5    // rows of buttons: the latest relays' people
)

// coalesce claims the relays that follow m in its chat and joins them to it: their texts in
// order, and one row of buttons for each person (the latest). Relays beyond the limits are put
// back in line, first for the next message.
func (s *Service) coalesce(ctx context.Context, m storage.OutboxMessage, out bot.Outgoing, now time.Time) ([]storage.OutboxMessage, bot.Outgoing) {
	msgs := []storage.OutboxMessage{m}
	more, err := storage.ClaimFollowing(ctx, s.cfg.DB, m, maxCoalesce-1, now)
	if err != nil {
		s.cfg.Log.Warn("relays not joined", "outbox", m.ID, "err", err)
		return msgs, out
	}
	outs := []bot.Outgoing{out}
	runes := utf8.RuneCountInString(out.Text)
	var rest []storage.OutboxMessage
	for i, f := range more {
		o, err := bot.DecodeOutgoing(f.Payload)
		n := utf8.RuneCountInString(o.Text) + 2
		if err != nil || runes+n > maxCoalesceRunes {
			rest = more[i:]
			break
		}
		runes += n
		msgs = append(msgs, f)
		outs = append(outs, o)
	}
	if len(rest) > 0 {
		s.finish(rest, "", storage.Outcome{Result: storage.OutcomeDeferred, Next: now})
	}
	return msgs, joinRelays(outs)
}

// joinRelays makes one message of several relays.
func joinRelays(outs []bot.Outgoing) bot.Outgoing {
	if len(outs) == 1 {
		return outs[0]
	}
	joined := outs[len(outs)-1]
	texts := make([]string, len(outs))
	var order []string
	var foreign []bot.Foreign
	rows := map[string][][]bot.Button{}
	for i, o := range outs {
		texts[i] = o.Text
		foreign = append(foreign, o.Foreign...)
		if _, seen := rows[o.Group]; seen {
			order = remove(order, o.Group)
		}
		order = append(order, o.Group)
		rows[o.Group] = o.Buttons
	}
	if len(order) > maxCoalesceRows {
		order = order[len(order)-maxCoalesceRows:]
	}
	joined.Text = strings.Join(texts, "\n\n")
	joined.Foreign = foreign
	joined.Buttons = nil
	for _, g := range order {
		joined.Buttons = append(joined.Buttons, rows[g]...)
	}
	return joined
}

func remove(list []string, s string) []string {
	out := list[:0]
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}
