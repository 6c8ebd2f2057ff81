package bot

import "fmt"

// MediaKind says what a file a person sent or the bot passes on is.
type MediaKind string

// Kinds of media the bot can pass on between people (a tutor and a beneficiary), on every
// channel. Stickers, locations and contacts are not media in this sense.
const (
	MediaVoice     MediaKind = "voice"      // a voice note recorded in the app
	MediaAudio     MediaKind = "audio"      // an audio file
	MediaPhoto     MediaKind = "photo"      // a picture
	MediaVideoNote MediaKind = "video_note" // Telegram's round video message
	MediaVideo     MediaKind = "video"      // a video file
	MediaDocument  MediaKind = "document"   // a file sent as a document (a PDF)
)

// Known tells whether k is one of the kinds above.
func (k MediaKind) Known() bool {
	switch k {
	case MediaVoice, MediaAudio, MediaPhoto, MediaVideoNote, MediaVideo, MediaDocument:
		return true
	}
	return false
}

// MaxCaption is the longest caption an update's media item keeps, in UTF-16 units (Telegram's
// and WhatsApp's caption limit).
const MaxCaption = 1024

// MediaItem is a file that came with an inbound update: what it is, and the platform's
// reference to fetch it. The bytes stay on the platform (on the web chat: in the transit
// store) until a delivery needs them. It is comparable, like Incoming.
type MediaItem struct {
	Kind    MediaKind
	MIME    string // as the platform declared it, without parameters; "" when it did not say
	Size    int64  // in bytes; 0 when the platform did not say (WhatsApp's webhook does not)
	Caption string
	Name    string // a document's file name, as the sender's device gave it
	// Ref is how the platform names the file: a Telegram file_id, a WhatsApp media id, a
	// transit-store id for a web-chat upload.
	Ref string
	// MessageID is the platform's id of the message that carried the file: on Telegram, with
	// the update's ChatID, the source of a copyMessage.
	MessageID string
}

// Present tells whether the update carried a media item.
func (m MediaItem) Present() bool { return m.Kind != "" }

// OutMedia is a file an outgoing message passes on. Its bytes are found through exactly one
// reference: Copy, a message on the same platform to copy (Telegram copyMessage, nothing
// downloaded), or Transit, an item of the transit store (media.Store) that the sender reads,
// fetching it from its source platform first if needed, and deletes once delivered.
//
// A channel sends the file first, with the message's Text and the file's Caption joined as
// its caption where the kind takes one and they fit; otherwise the text (with the buttons)
// follows as a message of its own.
type OutMedia struct {
	Kind    MediaKind   `json:"kind"`
	MIME    string      `json:"mime,omitempty"`
	Name    string      `json:"name,omitempty"`
	Caption string      `json:"caption,omitempty"`
	Copy    *CopySource `json:"copy,omitempty"`
	Transit string      `json:"transit,omitempty"`
}

// CopySource is a message with a file on the same platform as the recipient.
type CopySource struct {
	Channel   string `json:"channel"`           // only Telegram copies today
	ChatID    string `json:"chat_id"`           // where the message is
	MessageID string `json:"message_id"`        // which one
	FileID    string `json:"file_id,omitempty"` // the file itself, sent by id if the message is gone
}

// Check tells what is wrong with a media attachment, if anything.
func (m *OutMedia) Check() error {
	switch {
	case !m.Kind.Known():
		return fmt.Errorf("media: unknown kind %q", m.Kind)
	case (m.Copy == nil) == (m.Transit == ""):
		return fmt.Errorf("media: exactly one of copy and transit must be set")
	case m.Copy != nil && (m.Copy.Channel != Telegram || m.Copy.ChatID == "" || m.Copy.MessageID == ""):
		return fmt.Errorf("media: a copy needs a Telegram chat and message")
	}
	return nil
}

// cleanMedia is an update's media item made safe to store, like its text (Clean). An item no
// platform would send (an unknown kind, a reference with a control character) is dropped: the
// update stays, as a message the bot cannot use.
func cleanMedia(m MediaItem) MediaItem {
	if !m.Present() || checkMedia(m) != nil {
		return MediaItem{}
	}
	m.MIME = CleanText(m.MIME)
	m.Name = CleanText(m.Name)
	m.Caption = CleanText(m.Caption)
	if UTF16Len(m.Caption) > MaxCaption {
		m.Caption = m.Caption[:UTF16Prefix(m.Caption, MaxCaption)]
	}
	if m.Size < 0 {
		m.Size = 0
	}
	return m
}

// checkMedia refuses a media item no platform sends: an unknown kind or an impossible
// reference.
func checkMedia(m MediaItem) error {
	if !m.Present() {
		return nil
	}
	if !m.Kind.Known() {
		return fmt.Errorf("incoming: unknown media kind %q", m.Kind)
	}
	if err := checkID("media reference", m.Ref); err != nil {
		return err
	}
	if m.MessageID != "" {
		return checkID("media message id", m.MessageID)
	}
	return nil
}
