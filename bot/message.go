// Package bot holds what every channel shares: the channel-agnostic incoming and outgoing
// messages, the classified send errors, and the dispatcher that turns an inbound update into
// its effects exactly once, in order per chat.
package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Channels.
const (
	Telegram = "telegram"
	WhatsApp = "whatsapp"
	Webchat  = "webchat"
)

// Kind says what an inbound update is.
type Kind string

// Kinds of inbound updates.
const (
	KindText        Kind = "text"        // free text
	KindCommand     Kind = "command"     // /name args
	KindButton      Kind = "button"      // a pressed button: Data holds its payload
	KindUnsupported Kind = "unsupported" // a sticker, voice note, photo...: Media says which
	KindBlocked     Kind = "blocked"     // the user blocked the bot
	KindUnblocked   Kind = "unblocked"   // the user unblocked the bot
)

// Incoming is an inbound update from any channel. Adapters fill it from platform payloads;
// flows never see platform types.
type Incoming struct {
	Channel  string
	UpdateID string // unique per channel: dedup key (update_id, wamid, web message id)
	ChatID   string // where replies go
	UserID   string // the platform account: Telegram user id, wa_id, web session
	LangHint string // the platform's language code, if any
	Kind     Kind
	Text     string // the text; for a command, its arguments
	Command  string // for KindCommand, the command without slash or @bot suffix, lowercased
	Data     string // for KindButton, the button's payload
	Media    string // for KindUnsupported, what was sent (sticker, voice, photo, ...)
	Group    bool   // the update came from a group chat, not a private one
	At       time.Time
	// Attachment is the file that came with the update (a voice note, a photo, a document...)
	// when it is of a kind the bot can pass on (see media.go); the zero value otherwise. Such an
	// update is still KindUnsupported with Media naming it, until the conversations use it.
	Attachment MediaItem
}

// ChatKey names the chat across channels.
func (in Incoming) ChatKey() string { return in.Channel + ":" + in.ChatID }

// Validate checks the fields every update needs; its ids must be ones a platform could give
// (see checkID).
func (in Incoming) Validate() error {
	switch {
	case in.Channel != Telegram && in.Channel != WhatsApp && in.Channel != Webchat:
		return fmt.Errorf("incoming: unknown channel %q", in.Channel)
	case in.ChatID == "" || in.UserID == "":
		return fmt.Errorf("incoming: no chat or user")
	case in.Kind == "":
		return fmt.Errorf("incoming: no kind")
	}
	for _, id := range []struct{ what, v string }{{"update id", in.UpdateID}, {"chat id", in.ChatID}, {"user id", in.UserID}} {
		if err := checkID(id.what, id.v); err != nil {
			return err
		}
	}
	return checkMedia(in.Attachment)
}

// Button is a choice under a message: a payload the bot gets back when pressed, or a link.
type Button struct {
	Text string `json:"text"`
	Data string `json:"data,omitempty"`
	URL  string `json:"url,omitempty"`
}

// File is an image or document sent with a message.
type File struct {
	Name string `json:"name"`
	MIME string `json:"mime"`
	Data []byte `json:"data"`
}

// Template names the approved WhatsApp template that stands in for a message outside the
// 24-hour window: Kind maps to a configured template name, Params fill its body.
type Template struct {
	Kind   string   `json:"kind"`
	Params []string `json:"params,omitempty"`
}

// Labels are the recipient's words for the parts of a message a channel adds itself (the
// WhatsApp list button, "more" for a paginated list of choices).
type Labels struct {
	Choose string `json:"choose,omitempty"`
	More   string `json:"more,omitempty"`
}

// Outgoing is a message to send: text, rows of buttons, optionally an image or a document.
// Channels render it within their limits.
type Outgoing struct {
	Text     string     `json:"text"`
	Buttons  [][]Button `json:"buttons,omitempty"`
	Image    *File      `json:"image,omitempty"`
	Document *File      `json:"document,omitempty"`
	// Media is a file passed on from a person (a relayed voice note or photo): see media.go.
	Media    *OutMedia `json:"media,omitempty"`
	Template *Template `json:"template,omitempty"`
	Lang     string    `json:"lang,omitempty"`
	RTL      bool      `json:"rtl,omitempty"`
	Labels   Labels    `json:"labels,omitzero"`
	// Group names whom a relayed message is about (a beneficiary's code): relays waiting for
	// one chat go as one message, in which each group keeps one row of buttons, its latest.
	Group string `json:"group,omitempty"`
	// Commands, when set, replaces the command menu of this chat (Telegram setMyCommands with a
	// chat scope) instead of sending a message; channels without menus ignore it.
	Commands []Command `json:"commands,omitempty"`
	// Foreign lists the parts of Text written by a person in another language, in the order
	// they appear in Text: the outbox shows them translated when it can (see Foreign).
	Foreign []Foreign `json:"foreign,omitempty"`
}

// Command is an entry of a chat's command menu.
type Command struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// AllButtons lists the buttons row by row.
func (o Outgoing) AllButtons() []Button {
	var out []Button
	for _, row := range o.Buttons {
		out = append(out, row...)
	}
	return out
}

// Encode is the outbox payload of a message.
func (o Outgoing) Encode() (string, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return "", fmt.Errorf("encode outgoing: %w", err)
	}
	return string(b), nil
}

// DecodeOutgoing reads an outbox payload.
func DecodeOutgoing(payload string) (Outgoing, error) {
	var o Outgoing
	if err := json.Unmarshal([]byte(payload), &o); err != nil {
		return o, fmt.Errorf("decode outgoing: %w", err)
	}
	return o, nil
}

// Redact turns an identifier that could be a phone number or a platform account into a short
// opaque tag, so logs can follow one chat without revealing who it is.
func Redact(id string) string {
	sum := sha256.Sum256([]byte("insidebot-log:" + id))
	return hex.EncodeToString(sum[:4])
}
