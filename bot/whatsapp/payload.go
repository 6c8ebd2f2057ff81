package whatsapp

import (
	"strconv"
	"time"

	"github.com/insideaut/insidebot/bot"
)

// The shapes of the webhook's POST body (only the fields insidebot reads; others are ignored).

type webhookPayload struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Changes []struct {
			Field string      `json:"field"`
			Value changeValue `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type changeValue struct {
	MessagingProduct string `json:"messaging_product"`
	Metadata         struct {
		PhoneNumberID string `json:"phone_number_id"`
	} `json:"metadata"`
	Messages []inMessage `json:"messages"`
	Statuses []inStatus  `json:"statuses"`
}

type inMessage struct {
	From      string `json:"from"`
	ID        string `json:"id"`
	Timestamp string `json:"timestamp"`
	Type      string `json:"type"`
	Text      *struct {
		Body string `json:"body"`
	} `json:"text"`
	Interactive *struct {
		Type        string `json:"type"`
		ButtonReply *struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"button_reply"`
		ListReply *struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"list_reply"`
	} `json:"interactive"`
	Button *struct {
		Payload string `json:"payload"`
		Text    string `json:"text"`
	} `json:"button"`
	Audio *struct {
		Voice bool `json:"voice"`
	} `json:"audio"`
}

type inStatus struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Timestamp   string `json:"timestamp"`
	RecipientID string `json:"recipient_id"`
	Errors      []struct {
		Code  int    `json:"code"`
		Title string `json:"title"`
	} `json:"errors"`
}

// unixTime reads a webhook timestamp (seconds, as a string); def when it is missing or bad.
func unixTime(s string, def time.Time) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return def
	}
	return time.Unix(n, 0).UTC()
}

// mediaNames are the channel-agnostic names of what the bot cannot read.
func mediaName(m inMessage) string {
	switch m.Type {
	case "image":
		return "photo"
	case "audio":
		if m.Audio != nil && m.Audio.Voice {
			return "voice"
		}
		return "audio"
	case "contacts":
		return "contact"
	}
	return m.Type // video, document, sticker, location, unsupported, ...
}

// toIncoming turns a webhook message into an update. ok is false for what needs no answer:
// a reaction to a message, a system notice.
func toIncoming(m inMessage, now time.Time) (bot.Incoming, bool) {
	in := bot.Incoming{Channel: bot.WhatsApp, UpdateID: m.ID, ChatID: m.From, UserID: m.From, At: unixTime(m.Timestamp, now)}
	switch m.Type {
	case "reaction", "system", "request_welcome":
		return in, false
	case "text":
		in.Kind = bot.KindText
		if m.Text != nil {
			in.Text = m.Text.Body
		}
		return in, true
	case "interactive":
		if i := m.Interactive; i != nil {
			switch {
			case i.Type == "button_reply" && i.ButtonReply != nil:
				in.Kind, in.Data = bot.KindButton, i.ButtonReply.ID
				return in, true
			case i.Type == "list_reply" && i.ListReply != nil:
				in.Kind, in.Data = bot.KindButton, i.ListReply.ID
				return in, true
			}
		}
	case "button":
		// A quick-reply button of a template: its payload is what the bot set.
		if m.Button != nil && m.Button.Payload != "" {
			in.Kind, in.Data = bot.KindButton, m.Button.Payload
			return in, true
		}
		if m.Button != nil {
			in.Kind, in.Text = bot.KindText, m.Button.Text
			return in, true
		}
	}
	in.Kind, in.Media = bot.KindUnsupported, mediaName(m)
	return in, true
}
