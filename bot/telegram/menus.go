package telegram

import (
	"context"
	"log/slog"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/insideaut/insidebot/bot"
)

// Menu is the command menu shown in one language. Lang "" is the menu for languages without
// one of their own.
type Menu struct {
	Lang     string
	Commands []bot.Command
}

// SetDefaultMenus sets the command menu of every private chat, per language (staff get their
// own per chat, through Outgoing.Commands). Failures are logged once, never fatal: the
// commands work without a menu, and the emulator does not implement setMyCommands.
func (c *Client) SetDefaultMenus(ctx context.Context, menus []Menu, log *slog.Logger) {
	scope := tgbotapi.NewBotCommandScopeAllPrivateChats()
	failed := 0
	var firstErr error
	for _, m := range menus {
		var cfg tgbotapi.Chattable
		lang := telegramLang(m.Lang)
		if len(m.Commands) == 0 {
			cfg = tgbotapi.NewDeleteMyCommandsWithScopeAndLanguage(scope, lang)
		} else {
			cfg = tgbotapi.NewSetMyCommandsWithScopeAndLanguage(scope, lang, botCommands(m.Commands)...)
		}
		if _, err := c.request(ctx, callTimeout, cfg); err != nil {
			failed++
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	if failed > 0 && log != nil {
		log.Warn("command menus not set", "failed", failed, "of", len(menus), "err", firstErr)
	}
}

// telegramLang is the two-letter code Telegram's language_code uses ("fa-AF" is "fa").
func telegramLang(code string) string {
	base, _, _ := strings.Cut(code, "-")
	return strings.ToLower(base)
}
