package media

import (
	"errors"
	"fmt"
	"mime"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/locales"
)

// MaxBytes is the largest file passed on: Telegram's limit for a bot's download.
const MaxBytes = 20 << 20

// MaxMB is MaxBytes in megabytes, as people are told.
const MaxMB = MaxBytes >> 20

// Accepted lists the types passed on: voice notes and audio, photos, videos, PDF documents.
func Accepted() []string {
	return []string{"audio/ogg", "audio/mpeg", "audio/mp4", "image/jpeg", "image/png", "video/mp4", "application/pdf"}
}

// IsAccepted tells whether a type (parameters ignored) is one of Accepted.
func IsAccepted(mimeType string) bool {
	base := BaseType(mimeType)
	for _, a := range Accepted() {
		if a == base {
			return true
		}
	}
	return false
}

// BaseType is a media type without its parameters, lower case ("audio/ogg; codecs=opus" is
// "audio/ogg"); "" when it is not a media type.
func BaseType(mimeType string) string {
	if strings.TrimSpace(mimeType) == "" {
		return ""
	}
	t, _, err := mime.ParseMediaType(mimeType)
	if err != nil {
		return ""
	}
	return t
}

// Reason says why a file is not passed on.
type Reason string

// Reasons a file is refused.
const (
	TooLarge    Reason = "too_large"    // over MaxBytes
	NotAccepted Reason = "not_accepted" // not one of Accepted, by its declared type or its bytes
)

// Rejection is a file refused by the limits. The conversation layer answers it with
// Localize; errors.As finds it in any error of this package.
type Rejection struct {
	Reason Reason
	MIME   string // what the file declared or its bytes showed ("" when unknown)
	Size   int64  // its size, when known
}

func (r *Rejection) Error() string {
	switch r.Reason {
	case TooLarge:
		return fmt.Sprintf("media: file of %d bytes is over the %d MB limit", r.Size, MaxMB)
	default:
		t := r.MIME
		if t == "" {
			t = "unknown"
		}
		return fmt.Sprintf("media: type %s is not accepted", t)
	}
}

// MessageID is the catalogue message that tells a person why their file was not passed on
// and what can be sent.
func (r *Rejection) MessageID() string { return "media." + string(r.Reason) }

// Localize is that message in the person's language.
func (r *Rejection) Localize(l *locales.Localizer) string {
	return l.T(r.MessageID(), "MaxMB", MaxMB)
}

// AsRejection finds a Rejection in err.
func AsRejection(err error) (*Rejection, bool) {
	var r *Rejection
	ok := errors.As(err, &r)
	return r, ok
}

// CheckDeclared checks what a platform says of a file before anything is downloaded: its size
// when known, and its type when declared (a type the platform does not know,
// application/octet-stream, is left to the bytes).
func CheckDeclared(m bot.MediaItem) error {
	if m.Size > MaxBytes {
		return &Rejection{Reason: TooLarge, MIME: BaseType(m.MIME), Size: m.Size}
	}
	if t := BaseType(m.MIME); t != "" && t != "application/octet-stream" && !IsAccepted(t) {
		return &Rejection{Reason: NotAccepted, MIME: t, Size: m.Size}
	}
	if m.MIME != "" && BaseType(m.MIME) == "" {
		return &Rejection{Reason: NotAccepted, Size: m.Size}
	}
	return nil
}

// CheckBytes checks a file by its bytes: its size, and its type as the bytes show it
// (Sniff), whatever was declared. It returns the type to send it as: the sniffed one, or the
// declared one where the bytes cannot tell them apart (an MP4 container holds audio or
// video).
func CheckBytes(declared string, data []byte) (string, error) {
	if len(data) > MaxBytes {
		return "", &Rejection{Reason: TooLarge, Size: int64(len(data))}
	}
	sniffed := Sniff(data)
	if !IsAccepted(sniffed) {
		return "", &Rejection{Reason: NotAccepted, MIME: sniffed, Size: int64(len(data))}
	}
	d := BaseType(declared)
	if (sniffed == "video/mp4" && d == "audio/mp4") || (sniffed == "audio/mp4" && d == "video/mp4") {
		return d, nil
	}
	return sniffed, nil
}

// KindFor is the kind a file is sent as, given the kind it came as and its real type: a kind
// that does not fit the type (a "voice note" whose bytes are a PDF) gives way to the type's.
// A document stays a document (a photo sent as a file keeps its quality).
func KindFor(kind bot.MediaKind, mimeType string) bot.MediaKind {
	family, _, _ := strings.Cut(BaseType(mimeType), "/")
	switch {
	case kind == bot.MediaDocument:
		return kind
	case family == "audio" && (kind == bot.MediaVoice || kind == bot.MediaAudio):
		return kind
	case family == "image" && kind == bot.MediaPhoto:
		return kind
	case family == "video" && (kind == bot.MediaVideo || kind == bot.MediaVideoNote):
		return kind
	}
	switch {
	case BaseType(mimeType) == "audio/ogg":
		return bot.MediaVoice
	case family == "audio":
		return bot.MediaAudio
	case family == "image":
		return bot.MediaPhoto
	case family == "video":
		return bot.MediaVideo
	}
	return bot.MediaDocument
}
