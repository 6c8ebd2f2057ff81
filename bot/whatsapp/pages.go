package whatsapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// choiceList is a list of more than ten choices, shown nine at a time with a "more" row. It is
// stored per chat (the latest one wins) so the "more" row, handled here and never by the
// flows, can show the next page.
type choiceList struct {
	Token   string       `json:"token"`
	Body    string       `json:"body"`
	Choices []bot.Button `json:"choices"`
	Labels  bot.Labels   `json:"labels"`
	Lang    string       `json:"lang,omitempty"`
	RTL     bool         `json:"rtl,omitempty"`
}

// page is page k (from 0) of the list as a message of at most ten choices, the last of them
// "more" unless the rest fits. A page past the end is the first page.
func (l choiceList) page(k int) bot.Outgoing {
	start := k * pageRows
	if k < 0 || start >= len(l.Choices) {
		k, start = 0, 0
	}
	rest := l.Choices[start:]
	var rows [][]bot.Button
	if len(rest) <= maxRows {
		for _, b := range rest {
			rows = append(rows, []bot.Button{b})
		}
	} else {
		for _, b := range rest[:pageRows] {
			rows = append(rows, []bot.Button{b})
		}
		more := l.Labels.More
		if more == "" {
			more = "▶"
		}
		rows = append(rows, []bot.Button{{Text: more, Data: moreID(l.Token, k+1)}})
	}
	return bot.Outgoing{Text: l.Body, Buttons: rows, Labels: l.Labels, Lang: l.Lang, RTL: l.RTL}
}

func moreID(token string, page int) string { return moreIDPrefix + token + ":" + strconv.Itoa(page) }

// parseMoreID reads a "more" row's id.
func parseMoreID(id string) (token string, page int, ok bool) {
	rest, ok := strings.CutPrefix(id, moreIDPrefix)
	if !ok {
		return "", 0, false
	}
	token, p, ok := strings.Cut(rest, ":")
	n, err := strconv.Atoi(p)
	if !ok || err != nil || token == "" || n < 0 {
		return "", 0, false
	}
	return token, n, true
}

// showPage answers a "more" row: the next page of the chat's list goes to the outbox, in one
// transaction with the update's id (a redelivery shows nothing twice). A "more" of an older
// list shows the current list's first page. handled is false when the chat has no list at all
// (it was forgotten): the press then goes to the flows as the stale button it is.
func (c *Channel) showPage(ctx context.Context, in bot.Incoming) (handled bool, err error) {
	token, k, ok := parseMoreID(in.Data)
	if !ok {
		return false, nil
	}
	lock, err := c.redis.WaitLock(ctx, "chat:"+in.ChatKey(), 30*time.Second, 10*time.Second)
	if err != nil {
		return true, fmt.Errorf("%w: chat lock: %w", bot.ErrRetryLater, err)
	}
	defer func() {
		if err := lock.Release(context.WithoutCancel(ctx)); err != nil {
			c.log.Warn("release chat lock", "err", err)
		}
	}()
	stored, err := storage.ChoiceListOf(ctx, c.db, in.ChatID)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return true, fmt.Errorf("%w: %w", bot.ErrRetryLater, err)
	}
	var l choiceList
	if err := json.Unmarshal([]byte(stored.Payload), &l); err != nil {
		c.log.Error("stored list of choices unreadable", "chat", bot.Redact(in.ChatID), "err", err)
		return false, nil
	}
	if token != stored.Token {
		k = 0
	}
	payload, err := l.page(k).Encode()
	if err != nil {
		return true, err
	}
	now := c.clock.Now()
	err = c.db.InTx(ctx, func(tx *storage.Tx) error {
		first, err := storage.MarkProcessed(ctx, tx, bot.WhatsApp, in.UpdateID, now)
		if err != nil || !first {
			return err
		}
		var identityID int64
		ident, err := storage.IdentityByExternal(ctx, tx, bot.WhatsApp, in.UserID)
		switch {
		case err == nil:
			identityID = ident.ID
			if err := storage.TouchIdentity(ctx, tx, ident.ID, now); err != nil {
				return err
			}
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		if _, err := storage.Enqueue(ctx, tx, storage.NewOutboxMessage{IdentityID: identityID, Channel: bot.WhatsApp,
			ChatID: in.ChatID, Priority: storage.PriorityInteractive, Kind: "reply", Payload: payload}, now); err != nil {
			return err
		}
		tx.AfterCommit(c.wake)
		return nil
	})
	if err != nil {
		return true, fmt.Errorf("%w: next page: %w", bot.ErrRetryLater, err)
	}
	return true, nil
}
