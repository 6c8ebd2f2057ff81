package telegram

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/media"
)

// Sender delivers queued messages on Telegram (bot.Sender). A message may take several calls
// (a long text in parts, a photo and its text): the parts already delivered are remembered for
// a while, so a retry after a failure half-way does not repeat them.
type Sender struct {
	client   *Client
	log      *slog.Logger
	progress progress
	menuWarn atomic.Bool
	media    *media.Store // passed-on files (media.go); nil: none in this process
}

// NewSender builds the Telegram sender.
func NewSender(c *Client, log *slog.Logger) *Sender {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sender{client: c, log: log, progress: progress{m: map[string]progressEntry{}}}
}

// Channel is "telegram".
func (s *Sender) Channel() string { return bot.Telegram }

// Send delivers one queued message and returns the id of its last Telegram message.
func (s *Sender) Send(ctx context.Context, to bot.Recipient, out bot.Outgoing) (string, error) {
	chatID, err := strconv.ParseInt(to.ChatID, 10, 64)
	if err != nil {
		return "", &bot.SendError{Class: bot.Permanent, Reason: "not a Telegram chat id"}
	}
	if len(out.Commands) > 0 {
		return "", s.setCommands(ctx, chatID, out.Commands)
	}
	key := progressKey(to.ChatID, out)
	switch {
	case out.Media != nil:
		return s.sendMedia(ctx, chatID, key, out)
	case out.Image != nil:
		id, err := s.run(ctx, key, s.withFile(chatID, out, out.Image, true))
		if isServerError(err) && s.progress.done(key) == 0 {
			// This server takes no photos (the emulator): the text carries what the picture
			// shows (a QR code's link is in it).
			if out.Text == "" {
				return "", &bot.SendError{Class: bot.Permanent, Code: 500, Reason: "telegram: the server does not accept images"}
			}
			s.log.Warn("sendPhoto refused by the server: sending the text alone", "chat", bot.Redact(to.ChatID))
			return s.run(ctx, key+":text", s.texts(chatID, out.Text, out.Buttons))
		}
		return id, err
	case out.Document != nil:
		id, err := s.run(ctx, key, s.withFile(chatID, out, out.Document, false))
		if isServerError(err) && s.progress.done(key) == 0 {
			body, ok := textContents(out.Document)
			text := out.Text
			if text != "" {
				text += "\n\n"
			}
			text += body
			if !ok || bot.UTF16Len(text) > maxText {
				return "", &bot.SendError{Class: bot.Permanent, Code: 500, Reason: "telegram: the server does not accept files"}
			}
			s.log.Warn("sendDocument refused by the server: sending its contents as text", "chat", bot.Redact(to.ChatID))
			return s.run(ctx, key+":text", s.texts(chatID, text, out.Buttons))
		}
		return id, err
	}
	if out.Text == "" {
		return "", &bot.SendError{Class: bot.Permanent, Reason: "empty message"}
	}
	return s.run(ctx, key, s.texts(chatID, out.Text, out.Buttons))
}

// step is one Bot API call of a message; it returns the Telegram message id.
type step func(ctx context.Context) (int, error)

// run performs the steps not yet done for key, in order.
func (s *Sender) run(ctx context.Context, key string, steps []step) (string, error) {
	last := 0
	for i := s.progress.done(key); i < len(steps); i++ {
		id, err := steps[i](ctx)
		if err != nil {
			return "", err
		}
		last = id
		s.progress.set(key, i+1)
	}
	s.progress.forget(key)
	return strconv.Itoa(last), nil
}

// texts sends a text in parts of at most 4096, the buttons under the last.
func (s *Sender) texts(chatID int64, text string, buttons [][]bot.Button) []step {
	parts := bot.SplitText(text, maxText)
	steps := make([]step, len(parts))
	for i, part := range parts {
		msg := tgbotapi.NewMessage(chatID, part)
		msg.DisableWebPagePreview = true
		if i == len(parts)-1 {
			msg.ReplyMarkup = keyboard(buttons)
		}
		steps[i] = func(ctx context.Context) (int, error) { return s.client.send(ctx, msg) }
	}
	return steps
}

// withFile sends an image or a document with the text as its caption, or, when the text is too
// long for a caption, the file first and the text after it.
func (s *Sender) withFile(chatID int64, out bot.Outgoing, f *bot.File, image bool) []step {
	data := tgbotapi.FileBytes{Name: f.Name, Bytes: f.Data}
	caption, rest := out.Text, ""
	if bot.UTF16Len(caption) > maxCaption {
		caption, rest = "", out.Text
	}
	var first tgbotapi.Chattable
	markup := keyboard(out.Buttons)
	if rest != "" {
		markup = nil
	}
	if image {
		p := tgbotapi.NewPhoto(chatID, data)
		p.Caption, p.ReplyMarkup = caption, markup
		first = p
	} else {
		d := tgbotapi.NewDocument(chatID, data)
		d.Caption, d.ReplyMarkup = caption, markup
		first = d
	}
	steps := []step{func(ctx context.Context) (int, error) { return s.client.send(ctx, first) }}
	if rest != "" {
		steps = append(steps, s.texts(chatID, rest, out.Buttons)...)
	}
	return steps
}

// setCommands replaces one chat's command menu. A server that does not implement it (the
// emulator) is not an error: the menu is a convenience, the commands work without it.
func (s *Sender) setCommands(ctx context.Context, chatID int64, cmds []bot.Command) error {
	cfg := tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(chatID), botCommands(cmds)...)
	_, err := s.client.request(ctx, callTimeout, cfg)
	if isServerError(err) {
		if s.menuWarn.CompareAndSwap(false, true) {
			s.log.Warn("setMyCommands refused by the server: chat menus are not set (logged once)", "err", err)
		}
		return nil
	}
	return err
}

func botCommands(cmds []bot.Command) []tgbotapi.BotCommand {
	out := make([]tgbotapi.BotCommand, len(cmds))
	for i, c := range cmds {
		out[i] = tgbotapi.BotCommand{Command: c.Command, Description: truncate(c.Description, 256)}
	}
	return out
}

// progress remembers how many steps of a message were delivered, for an hour.
type progress struct {
	mu sync.Mutex
	m  map[string]progressEntry
}

type progressEntry struct {
	n  int
	at time.Time
}

const progressTTL = time.Hour

func progressKey(chatID string, out bot.Outgoing) string {
	payload, _ := out.Encode()
	sum := sha256.Sum256([]byte(chatID + "\x00" + payload))
	return hex.EncodeToString(sum[:12])
}

func (p *progress) done(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.m[key]
	if !ok || time.Since(e.at) > progressTTL {
		return 0
	}
	return e.n
}

func (p *progress) set(key string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.m) > 1000 {
		for k, e := range p.m {
			if time.Since(e.at) > progressTTL {
				delete(p.m, k)
			}
		}
	}
	p.m[key] = progressEntry{n: n, at: time.Now()}
}

func (p *progress) forget(key string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.m, key)
}
