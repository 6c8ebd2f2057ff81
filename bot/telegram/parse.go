package telegram

import (
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/insideaut/insidebot/bot"
)

// allowedUpdates() are the update types the bot asks Telegram for.
func allowedUpdates() []string {
	return []string{"message", "edited_message", "callback_query", "my_chat_member"}
}

// Parsed is an update read from Telegram.
type Parsed struct {
	In bot.Incoming
	// Dispatch is false for updates that need no handling (an edited message, a type the bot
	// does not use): they are confirmed without an answer.
	Dispatch bool
	// CallbackID is the pressed button's query id: it is always answered.
	CallbackID string
	// Skipped says why an update is not dispatched (for the debug log).
	Skipped string
}

// Parse turns a Telegram update into a channel-agnostic one.
func Parse(u tgbotapi.Update, now time.Time) Parsed {
	p := Parsed{In: bot.Incoming{Channel: bot.Telegram, UpdateID: strconv.Itoa(u.UpdateID), At: now}}
	switch {
	case u.Message != nil:
		parseMessage(&p, u.Message)
	case u.CallbackQuery != nil:
		parseCallback(&p, u.CallbackQuery)
	case u.MyChatMember != nil:
		parseMembership(&p, u.MyChatMember)
	case u.EditedMessage != nil:
		p.Skipped = "edited message"
	default:
		p.Skipped = "update type not used"
	}
	return p
}

func setPeople(p *Parsed, from *tgbotapi.User, chat *tgbotapi.Chat) bool {
	if from == nil || chat == nil {
		return false
	}
	p.In.UserID = strconv.FormatInt(from.ID, 10)
	p.In.ChatID = strconv.FormatInt(chat.ID, 10)
	p.In.LangHint = from.LanguageCode
	p.In.Group = chat.Type != "private"
	return true
}

func parseMessage(p *Parsed, m *tgbotapi.Message) {
	if !setPeople(p, m.From, m.Chat) {
		p.Skipped = "message without sender"
		return
	}
	if m.Date > 0 {
		p.In.At = time.Unix(int64(m.Date), 0).UTC()
	}
	if media := mediaOf(m); media != "" {
		p.In.Kind, p.In.Media, p.Dispatch = bot.KindUnsupported, media, true
		p.In.Attachment = attachmentOf(m)
		return
	}
	if m.Text == "" {
		p.Skipped = "service message"
		return
	}
	p.Dispatch = true
	if name, args, ok := command(m); ok {
		p.In.Kind, p.In.Command, p.In.Text = bot.KindCommand, name, args
		return
	}
	p.In.Kind, p.In.Text = bot.KindText, m.Text
}

// command reads "/name@bot args" when the text starts with a bot_command entity. It does not
// trust the entity's length (go-telegram-bot-api slices with it and can panic on a bad one).
func command(m *tgbotapi.Message) (name, args string, ok bool) {
	if len(m.Entities) == 0 || m.Entities[0].Offset != 0 || !m.Entities[0].IsCommand() || !strings.HasPrefix(m.Text, "/") {
		return "", "", false
	}
	head, rest, _ := strings.Cut(strings.TrimPrefix(m.Text, "/"), " ")
	if i := strings.IndexAny(head, "\n\t"); i >= 0 {
		rest = head[i+1:] + " " + rest
		head = head[:i]
	}
	head, _, _ = strings.Cut(head, "@")
	if head == "" {
		return "", "", false
	}
	return strings.ToLower(head), strings.TrimSpace(rest), true
}

func mediaOf(m *tgbotapi.Message) string {
	switch {
	case m.Sticker != nil:
		return "sticker"
	case m.Voice != nil:
		return "voice"
	case m.Audio != nil:
		return "audio"
	case len(m.Photo) > 0:
		return "photo"
	case m.Video != nil, m.VideoNote != nil, m.Animation != nil:
		return "video"
	case m.Document != nil:
		return "document"
	case m.Location != nil, m.Venue != nil:
		return "location"
	case m.Contact != nil:
		return "contact"
	}
	return ""
}

func parseCallback(p *Parsed, q *tgbotapi.CallbackQuery) {
	p.CallbackID = q.ID
	chat := &tgbotapi.Chat{ID: 0, Type: "private"}
	if q.Message != nil && q.Message.Chat != nil {
		chat = q.Message.Chat
	} else if q.From != nil {
		chat = &tgbotapi.Chat{ID: q.From.ID, Type: "private"}
	}
	if !setPeople(p, q.From, chat) || q.Data == "" {
		p.Skipped = "button without data"
		return
	}
	p.In.Kind, p.In.Data, p.Dispatch = bot.KindButton, q.Data, true
}

func parseMembership(p *Parsed, m *tgbotapi.ChatMemberUpdated) {
	chat := m.Chat
	if !setPeople(p, &m.From, &chat) {
		return
	}
	if p.In.Group {
		p.Skipped = "group membership"
		return
	}
	if m.Date > 0 {
		p.In.At = time.Unix(int64(m.Date), 0).UTC()
	}
	switch m.NewChatMember.Status {
	case "kicked":
		p.In.Kind, p.Dispatch = bot.KindBlocked, true
	case "member":
		p.In.Kind, p.Dispatch = bot.KindUnblocked, true
	default:
		p.Skipped = "membership " + m.NewChatMember.Status
	}
}
