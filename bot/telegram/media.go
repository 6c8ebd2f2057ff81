package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/media"
)

// mediaTimeout bounds a call that moves a file (an upload, a download): longer than a text's.
const mediaTimeout = 30 * time.Second

// maxPhotoBytes is the largest photo sendPhoto takes; a larger one goes as a document.
const maxPhotoBytes = 10 << 20

// fileEndpoint is where the Bot API at endpoint serves files: the same host, under /file/
// (https://api.telegram.org/file/bot<token>/<path>; an emulator or a self-hosted server in
// the same shape).
func fileEndpoint(endpoint string) string {
	if i := strings.LastIndex(endpoint, "/bot%s/%s"); i >= 0 {
		return endpoint[:i] + "/file/bot%s/%s"
	}
	return tgbotapi.FileEndpoint
}

// Fetch downloads a file by its file_id (media.Fetcher): getFile, then the file itself from
// the configured endpoint. A file over limit is a *media.Rejection, found from getFile's size
// before any download when Telegram tells it. Errors never carry the token (it is in the URL).
func (c *Client) Fetch(ctx context.Context, fileID string, limit int64) (media.Fetched, error) {
	resp, err := c.request(ctx, callTimeout, tgbotapi.FileConfig{FileID: fileID})
	if err != nil {
		var se *bot.SendError
		if errors.As(err, &se) && strings.Contains(strings.ToLower(se.Reason), "file is too big") {
			return media.Fetched{}, &media.Rejection{Reason: media.TooLarge}
		}
		return media.Fetched{}, err
	}
	var f tgbotapi.File
	if err := json.Unmarshal(resp.Result, &f); err != nil || f.FilePath == "" {
		return media.Fetched{}, &bot.SendError{Class: bot.Retryable, Reason: "getFile: answer without a file path"}
	}
	if int64(f.FileSize) > limit {
		return media.Fetched{}, &media.Rejection{Reason: media.TooLarge, Size: int64(f.FileSize)}
	}
	ctx, cancel := context.WithTimeout(ctx, mediaTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf(c.files, c.api.Token, f.FilePath), nil)
	if err != nil {
		return media.Fetched{}, &bot.SendError{Class: bot.Permanent, Reason: "file download: not a valid URL"}
	}
	res, err := c.http.Do(req)
	if err != nil {
		return media.Fetched{}, classify(&transportError{method: "file download", err: stripURL(err)}, 0)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return media.Fetched{}, classify(&tgbotapi.Error{Code: res.StatusCode, Message: "file download: " + http.StatusText(res.StatusCode)}, res.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, limit+1))
	if err != nil {
		return media.Fetched{}, classify(&transportError{method: "file download", err: stripURL(err)}, 0)
	}
	if int64(len(data)) > limit {
		return media.Fetched{}, &media.Rejection{Reason: media.TooLarge, Size: int64(len(data))}
	}
	return media.Fetched{Data: data}, nil
}

// sendWithin runs a method that answers with a message id (a Message, or copyMessage's
// MessageId), within timeout.
func (c *Client) sendWithin(ctx context.Context, timeout time.Duration, cfg tgbotapi.Chattable) (int, error) {
	resp, err := c.request(ctx, timeout, cfg)
	if err != nil {
		return 0, err
	}
	var m struct {
		MessageID int `json:"message_id"`
	}
	if err := json.Unmarshal(resp.Result, &m); err != nil {
		return 0, &bot.SendError{Class: bot.Retryable, Reason: "unreadable answer from the Bot API"}
	}
	return m.MessageID, nil
}

// WithMedia gives the sender the transit store it reads passed-on files from. Without it, a
// message with a transit item waits (retryable) for a process that has one.
func (s *Sender) WithMedia(st *media.Store) *Sender {
	s.media = st
	return s
}

// sendMedia delivers a message with a passed-on file: a copy of the original message when it
// is on Telegram (copyMessage; by its file_id if the message is gone), otherwise an upload of
// the transit item (sendVoice, sendAudio, sendPhoto, sendVideo or sendDocument). The text and
// the file's caption go as its caption when they fit, the buttons under it; otherwise the text
// follows with the buttons. A delivered transit item is deleted.
func (s *Sender) sendMedia(ctx context.Context, chatID int64, key string, out bot.Outgoing) (string, error) {
	m := out.Media
	if err := m.Check(); err != nil {
		return "", &bot.SendError{Class: bot.Permanent, Reason: err.Error()}
	}
	caption, rest := joinCaption(out.Text, m.Caption, m.Kind != bot.MediaVideoNote)
	markup := keyboard(out.Buttons)
	if rest != "" {
		markup = nil
	}
	var steps []step
	if m.Copy != nil {
		if rest != "" {
			// The copy keeps the original caption when it is given none: only the text follows.
			rest = out.Text
		}
		steps = append(steps, s.copyStep(chatID, m, caption, markup))
	} else {
		steps = append(steps, s.uploadStep(chatID, m, caption, markup))
	}
	if strings.TrimSpace(rest) != "" {
		steps = append(steps, s.texts(chatID, rest, out.Buttons)...)
	}
	id, err := s.run(ctx, key, steps)
	if err == nil && m.Transit != "" && s.media != nil {
		if derr := s.media.Delivered(ctx, m.Transit); derr != nil {
			s.log.Warn("delivered file not deleted: the purge will", "err", derr)
		}
	}
	return id, err
}

// joinCaption is the caption of a file: the message's text, then the file's own caption. When
// the kind takes no caption or the two do not fit, the caption is empty and rest holds them.
func joinCaption(text, own string, takesCaption bool) (caption, rest string) {
	joined := strings.TrimSpace(text)
	if own = strings.TrimSpace(own); own != "" {
		if joined != "" {
			joined += "\n\n"
		}
		joined += own
	}
	if !takesCaption || bot.UTF16Len(joined) > maxCaption {
		return "", joined
	}
	return joined, ""
}

// copyStep copies the original message; if Telegram no longer has it (the person deleted
// it), the file is sent by its file_id, which outlives the message.
func (s *Sender) copyStep(chatID int64, m *bot.OutMedia, caption string, markup any) step {
	return func(ctx context.Context) (int, error) {
		from, err1 := strconv.ParseInt(m.Copy.ChatID, 10, 64)
		msg, err2 := strconv.Atoi(m.Copy.MessageID)
		if err1 != nil || err2 != nil {
			return 0, &bot.SendError{Class: bot.Permanent, Reason: "copy: not a Telegram chat and message id"}
		}
		cfg := tgbotapi.CopyMessageConfig{BaseChat: tgbotapi.BaseChat{ChatID: chatID, ReplyMarkup: markup},
			FromChatID: from, MessageID: msg, Caption: caption}
		id, err := s.client.sendWithin(ctx, mediaTimeout, cfg)
		var se *bot.SendError
		if err != nil && m.Copy.FileID != "" && errors.As(err, &se) && se.Class == bot.Permanent &&
			strings.Contains(strings.ToLower(se.Reason), "message to copy not found") {
			return s.client.sendWithin(ctx, mediaTimeout, fileConfig(chatID, m.Kind, m.MIME, 0, tgbotapi.FileID(m.Copy.FileID), caption, markup))
		}
		return id, err
	}
}

// uploadStep reads the transit item (fetching it from its source first if needed) and uploads
// it.
func (s *Sender) uploadStep(chatID int64, m *bot.OutMedia, caption string, markup any) step {
	return func(ctx context.Context) (int, error) {
		if s.media == nil {
			return 0, &bot.SendError{Class: bot.Retryable, Reason: "media: no transit store in this process"}
		}
		item, data, err := s.media.Load(ctx, m.Transit)
		if err != nil {
			return 0, media.SendError(err)
		}
		file := tgbotapi.FileBytes{Name: fileName(item.Name, item.MIME, item.Kind), Bytes: data}
		return s.client.sendWithin(ctx, mediaTimeout, fileConfig(chatID, item.Kind, item.MIME, len(data), file, caption, markup))
	}
}

// fileConfig is the Bot API method that sends a file of a kind: a voice note in OGG as a voice
// message (sendVoice), other audio as audio, a photo (up to 10 MB) as a photo, a video or video
// note as a video, anything else as a document.
func fileConfig(chatID int64, kind bot.MediaKind, mimeType string, size int, file tgbotapi.RequestFileData, caption string, markup any) tgbotapi.Chattable {
	switch {
	case kind == bot.MediaVoice && (mimeType == "audio/ogg" || mimeType == ""):
		c := tgbotapi.NewVoice(chatID, file)
		c.Caption, c.ReplyMarkup = caption, markup
		return c
	case kind == bot.MediaVoice || kind == bot.MediaAudio:
		c := tgbotapi.NewAudio(chatID, file)
		c.Caption, c.ReplyMarkup = caption, markup
		return c
	case kind == bot.MediaPhoto && size <= maxPhotoBytes:
		c := tgbotapi.NewPhoto(chatID, file)
		c.Caption, c.ReplyMarkup = caption, markup
		return c
	case kind == bot.MediaVideo || kind == bot.MediaVideoNote:
		c := tgbotapi.NewVideo(chatID, file)
		c.Caption, c.ReplyMarkup = caption, markup
		return c
	}
	c := tgbotapi.NewDocument(chatID, file)
	c.Caption, c.ReplyMarkup = caption, markup
	return c
}

// fileName is the name a file is uploaded with: its own, or one its type suggests.
func fileName(name, mimeType string, kind bot.MediaKind) string {
	if name = strings.TrimSpace(name); name != "" {
		return name
	}
	ext := map[string]string{"audio/ogg": ".ogg", "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "image/jpeg": ".jpg",
		"image/png": ".png", "video/mp4": ".mp4", "application/pdf": ".pdf"}[mimeType]
	return string(kind) + ext
}
