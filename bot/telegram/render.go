package telegram

import (
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/insideaut/insidebot/bot"
)

// Telegram's limits, counted as Telegram counts them (UTF-16 code units).
const (
	maxText    = 4096
	maxCaption = 1024
)

// Messages are sent as plain text: no parse mode, so nothing a person or a translator writes
// can break the message (MarkdownV2's escaping is a trap) and nothing needs escaping.

// keyboard renders rows of buttons as an inline keyboard; nil when there are none.
func keyboard(rows [][]bot.Button) any {
	var kb [][]tgbotapi.InlineKeyboardButton
	for _, row := range rows {
		var r []tgbotapi.InlineKeyboardButton
		for _, b := range row {
			switch {
			case b.URL != "":
				r = append(r, tgbotapi.NewInlineKeyboardButtonURL(b.Text, b.URL))
			case b.Data != "":
				r = append(r, tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data))
			}
		}
		if len(r) > 0 {
			kb = append(kb, r)
		}
	}
	if len(kb) == 0 {
		return nil
	}
	return tgbotapi.NewInlineKeyboardMarkup(kb...)
}

// textContents is a document's contents as text, when it is text.
func textContents(f *bot.File) (string, bool) {
	if f == nil || !utf8.Valid(f.Data) {
		return "", false
	}
	m := strings.ToLower(f.MIME)
	if !strings.HasPrefix(m, "text/") && m != "application/json" && m != "application/csv" {
		return "", false
	}
	return string(f.Data), true
}
