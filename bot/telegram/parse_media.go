package telegram

import (
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/insideaut/insidebot/bot"
)

// attachmentOf is the file of a message that can be passed on: a voice note, an audio file,
// a photo (its largest size), a video note, a video or a document. Stickers, animations,
// locations and contacts have none. Telegram does not declare a photo's type: it is always a
// JPEG; nor a video note's: always an MP4.
func attachmentOf(m *tgbotapi.Message) bot.MediaItem {
	it := bot.MediaItem{Caption: m.Caption, MessageID: strconv.Itoa(m.MessageID)}
	switch {
	case m.Voice != nil:
		it.Kind, it.Ref, it.MIME, it.Size = bot.MediaVoice, m.Voice.FileID, m.Voice.MimeType, int64(m.Voice.FileSize)
	case m.Audio != nil:
		it.Kind, it.Ref, it.MIME, it.Size, it.Name = bot.MediaAudio, m.Audio.FileID, m.Audio.MimeType, int64(m.Audio.FileSize), m.Audio.FileName
	case len(m.Photo) > 0:
		p := largest(m.Photo)
		it.Kind, it.Ref, it.MIME, it.Size = bot.MediaPhoto, p.FileID, "image/jpeg", int64(p.FileSize)
	case m.VideoNote != nil:
		it.Kind, it.Ref, it.MIME, it.Size = bot.MediaVideoNote, m.VideoNote.FileID, "video/mp4", int64(m.VideoNote.FileSize)
	case m.Video != nil:
		it.Kind, it.Ref, it.MIME, it.Size, it.Name = bot.MediaVideo, m.Video.FileID, m.Video.MimeType, int64(m.Video.FileSize), m.Video.FileName
	case m.Document != nil && m.Animation == nil:
		it.Kind, it.Ref, it.MIME, it.Size, it.Name = bot.MediaDocument, m.Document.FileID, m.Document.MimeType, int64(m.Document.FileSize), m.Document.FileName
	default:
		return bot.MediaItem{}
	}
	if it.Ref == "" {
		return bot.MediaItem{}
	}
	return it
}

// largest is the biggest size of a photo (Telegram lists several, small to large; the order
// is not promised, so the area decides).
func largest(sizes []tgbotapi.PhotoSize) tgbotapi.PhotoSize {
	best := sizes[0]
	for _, s := range sizes[1:] {
		if s.Width*s.Height > best.Width*best.Height || (s.Width*s.Height == best.Width*best.Height && s.FileSize > best.FileSize) {
			best = s
		}
	}
	return best
}
