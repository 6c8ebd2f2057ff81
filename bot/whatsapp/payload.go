package whatsapp

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// The shapes of the webhook's POST body (only the fields insidebot reads; others are ignored).
// The body is read element by element (see decode.go): a message, status or contact that is
// not of these shapes is dropped alone.

// inContact is who sent a change's messages: a phone number (wa_id), a business-scoped user
// id, or both.
type inContact struct {
	WaID         string `json:"wa_id"`
	UserID       string `json:"user_id"`
	ParentUserID string `json:"parent_user_id"`
	Profile      struct {
		Name     string `json:"name"`
		Username string `json:"username"`
	} `json:"profile"`
}

type inMessage struct {
	From       string `json:"from"`         // the phone number; absent for a user known only by user id
	FromUserID string `json:"from_user_id"` // the business-scoped user id (BSUID)
	ID         string `json:"id"`
	Timestamp  string `json:"timestamp"`
	Type       string `json:"type"`
	Text       *struct {
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
	// The files of image, audio, video and document messages, read leniently (media.go): a
	// file of a shape the bot cannot use leaves a message it answers as such, not a dropped one.
	Image    json.RawMessage `json:"image"`
	Audio    json.RawMessage `json:"audio"`
	Video    json.RawMessage `json:"video"`
	Document json.RawMessage `json:"document"`
}

type inStatus struct {
	ID              string `json:"id"`
	Status          string `json:"status"`
	Timestamp       string `json:"timestamp"`
	RecipientID     string `json:"recipient_id"`      // the phone number, when the message went to one
	RecipientUserID string `json:"recipient_user_id"` // the user id
	Errors          []struct {
		Code  int    `json:"code"`
		Title string `json:"title"`
	} `json:"errors"`
}

// Webhook timestamps Meta gives fall between 2009 (before WhatsApp) and 2100: another one is a
// forged value that no database column of time could hold.
const (
	oldestTimestamp = 1230768000
	latestTimestamp = 4102444800
)

// unixTime reads a webhook timestamp (seconds, as a string); def when it is missing or not a
// time Meta would give.
func unixTime(s string, def time.Time) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < oldestTimestamp || n >= latestTimestamp {
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
		if f, ok := fileOf(m); ok && f.Voice {
			return "voice"
		}
		return "audio"
	case "contacts":
		return "contact"
	}
	return m.Type // video, document, sticker, location, unsupported, ...
}

// toIncoming turns a webhook message from the account key names into an update. ok is false
// for what needs no answer: a reaction to a message, a system notice.
func toIncoming(m inMessage, key storage.WhatsAppKey, now time.Time) (bot.Incoming, bool) {
	in := bot.Incoming{Channel: bot.WhatsApp, UpdateID: m.ID, ChatID: key.ChatID, UserID: key.ExternalID, At: unixTime(m.Timestamp, now)}
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
	in.Attachment = attachmentOf(m)
	return in, true
}
