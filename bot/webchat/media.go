package webchat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/storage"
)

// Web-chat files: a person's upload (POST /webchat/api/upload) becomes an update with a media
// item whose reference is the transit store's id; a file the bot passes on to a session is
// downloaded from GET /webchat/api/media/{id}, with the session's token, while it is in
// transit (24 hours). The page fetches it with the token and shows it from a blob.

// maxUploadBody is the largest upload request: the file and a few small fields.
const maxUploadBody = media.MaxBytes + 64<<10

// maxCaptionRunes bounds an upload's caption, as Telegram's and WhatsApp's.
const maxCaptionRunes = bot.MaxCaption

// transitID is what the download path takes: the store's 32 hex characters.
var transitID = regexp.MustCompile(`^[0-9a-f]{32}$`)

// upload takes a file from the page: POST /webchat/api/upload, multipart/form-data with "id"
// (as for send: a retry sends the same), an optional "caption" and the "file". It answers
// once the bot has handled it; 413 and 415 say the file is too big or of a kind not passed
// on, with the person's words for it in "message" (the page has its own).
func (c *Channel) upload(w http.ResponseWriter, r *http.Request) {
	s, ok := c.authenticate(w, r)
	if !ok || !c.allow(w, r, "upload", c.cfg.Limits.UploadPerIP, s.ChatID, c.cfg.Limits.UploadPerSession) {
		return
	}
	if c.cfg.Media == nil {
		writeError(w, http.StatusServiceUnavailable, "no_media", "files cannot be received here")
		return
	}
	person, ok := c.person(w, r, s)
	if !ok {
		return
	}
	if person.Erased() {
		refuseErased(w)
		return
	}
	f, code, msg := readUpload(w, r)
	if code != "" {
		status := http.StatusBadRequest
		if code == "too_large" {
			status = http.StatusRequestEntityTooLarge
		}
		writeError(w, status, code, msg)
		return
	}
	if !messageID.MatchString(f.id) {
		writeError(w, http.StatusBadRequest, "bad_id", "id must be 8 to 64 characters of A-Z, a-z, 0-9, _ and -, new for each message")
		return
	}
	ctx := context.WithoutCancel(r.Context())
	owner := int64(0)
	if ident, err := storage.IdentityByExternal(ctx, c.cfg.DB, storage.ChannelWebchat, s.ChatID); err == nil {
		owner = ident.BeneficiaryID.Int64
	}
	item, err := c.cfg.Media.Put(ctx, media.Upload{ID: media.UploadID("webchat", s.ChatID, f.id), Owner: owner, Name: f.name,
		Declared: f.mime, Data: f.data})
	if rej, refused := media.AsRejection(err); refused {
		status := http.StatusUnsupportedMediaType
		if rej.Reason == media.TooLarge {
			status = http.StatusRequestEntityTooLarge
		}
		writeError(w, status, string(rej.Reason), rej.Localize(c.cfg.Catalog.For(person.Lang)))
		return
	}
	if err != nil {
		c.log.Warn("web chat upload not stored", "chat", bot.Redact(s.ChatID), "err", err)
		writeRetry(w, http.StatusServiceUnavailable, "retry_later", "the file could not be stored, send it again", 0)
		return
	}
	in := bot.Incoming{Channel: bot.Webchat, UpdateID: s.ChatID[:16] + ":" + f.id, ChatID: s.ChatID, UserID: s.ChatID,
		LangHint: s.Lang, At: c.cfg.Clock.Now(), Kind: bot.KindUnsupported, Media: mediaName(item.Kind),
		Attachment: bot.MediaItem{Kind: item.Kind, MIME: item.MIME, Size: item.Size, Caption: f.caption, Name: f.name, Ref: item.ID}}
	c.dispatch(w, r, s, in)
}

// mediaName is what flows are told a file is (Incoming.Media), as the other channels say it.
func mediaName(k bot.MediaKind) string {
	if k == bot.MediaVideoNote {
		return "video"
	}
	return string(k)
}

type uploaded struct {
	id, caption, name, mime string
	data                    []byte
}

// readUpload reads the multipart body: the file at most media.MaxBytes, the fields small.
func readUpload(w http.ResponseWriter, r *http.Request) (f uploaded, code, msg string) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return f, "bad_upload", "send multipart/form-data with id, an optional caption, and file"
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			code, msg := uploadError(err)
			return f, code, msg
		}
		switch p.FormName() {
		case "file":
			f.name = cleanName(p.FileName())
			f.mime = p.Header.Get("Content-Type")
			f.data, err = io.ReadAll(io.LimitReader(p, media.MaxBytes+1))
			if err != nil {
				code, msg := uploadError(err)
				return f, code, msg
			}
			if len(f.data) > media.MaxBytes {
				return f, "too_large", fmt.Sprintf("the file is over %d MB", media.MaxMB)
			}
		case "id", "caption":
			v, err := io.ReadAll(io.LimitReader(p, 8<<10))
			if err != nil {
				code, msg := uploadError(err)
				return f, code, msg
			}
			if p.FormName() == "id" {
				f.id = string(v)
			} else {
				f.caption = strings.TrimSpace(bot.CleanText(string(v)))
			}
		}
	}
	switch {
	case len(f.data) == 0:
		return f, "no_file", "the upload has no file (field \"file\")"
	case !utf8.ValidString(f.caption) || utf8.RuneCountInString(f.caption) > maxCaptionRunes:
		return f, "too_long", fmt.Sprintf("the caption is over %d characters", maxCaptionRunes)
	}
	return f, "", ""
}

func uploadError(err error) (string, string) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return "too_large", fmt.Sprintf("the file is over %d MB", media.MaxMB)
	}
	return "bad_upload", "the upload could not be read"
}

// cleanName keeps the last element of a file name, printable, at most 120 characters.
func cleanName(name string) string {
	name = bot.CleanText(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > 120 {
		name = string([]rune(name)[:120])
	}
	return name
}

// download serves a file the bot passed on to this session: GET /webchat/api/media/{id} with
// the session's token. 404 for a file not sent to this session, 410 once it is gone (24
// hours, or its owner's data erased).
func (c *Channel) download(w http.ResponseWriter, r *http.Request) {
	s, ok := c.authenticate(w, r)
	if !ok || !c.allow(w, r, "fetch", c.cfg.Limits.FetchPerIP, s.ChatID, c.cfg.Limits.FetchPerSession) {
		return
	}
	id := r.PathValue("id")
	if c.cfg.Media == nil || !transitID.MatchString(id) {
		writeError(w, http.StatusNotFound, "not_found", "no such file")
		return
	}
	info, err := c.cfg.Media.Info(r.Context(), id)
	switch {
	case errors.Is(err, media.ErrGone):
		writeError(w, http.StatusGone, "gone", "the file is no longer available")
		return
	case err != nil:
		c.log.Warn("web chat file lookup", "err", err)
		writeRetry(w, http.StatusServiceUnavailable, "retry_later", "the file could not be read, try again", 0)
		return
	case info.Webchat != s.ChatID:
		writeError(w, http.StatusNotFound, "not_found", "no such file")
		return
	}
	item, data, err := c.cfg.Media.Load(r.Context(), id)
	if err != nil {
		if se := media.SendError(err); se.Class == bot.Permanent {
			writeError(w, http.StatusGone, "gone", "the file is no longer available")
			return
		}
		c.log.Warn("web chat file load", "err", err)
		writeRetry(w, http.StatusServiceUnavailable, "retry_later", "the file could not be read, try again", 0)
		return
	}
	securityHeaders(w)
	h := w.Header()
	h.Set("Content-Type", item.MIME)
	h.Set("Cache-Control", "private, no-store")
	disposition := "inline"
	if item.MIME == "application/pdf" {
		disposition = "attachment"
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": downloadName(item)}))
	http.ServeContent(w, r, "", item.CreatedAt, bytes.NewReader(data))
}

func downloadName(it media.Item) string {
	if it.Name != "" {
		return it.Name
	}
	ext := map[string]string{"audio/ogg": ".ogg", "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "image/jpeg": ".jpg",
		"image/png": ".png", "video/mp4": ".mp4", "application/pdf": ".pdf"}[it.MIME]
	return string(it.Kind) + ext
}

// mediaView is a passed-on file as the page shows it.
type mediaView struct {
	Kind    bot.MediaKind `json:"kind"`
	MIME    string        `json:"mime,omitempty"`
	Name    string        `json:"name,omitempty"`
	Caption string        `json:"caption,omitempty"`
	URL     string        `json:"url"`
}

func mediaViewOf(m *bot.OutMedia) *mediaView {
	if m == nil || m.Transit == "" {
		return nil
	}
	return &mediaView{Kind: m.Kind, MIME: m.MIME, Name: m.Name, Caption: m.Caption, URL: "/webchat/api/media/" + m.Transit}
}

// prepareMedia makes a message's file downloadable by the session it goes to: loaded once
// (fetched from its platform if it came from one, and checked), then granted to the session.
// It stays until its 24 hours are up, so the page can play it again after a reload.
func (s *Sender) prepareMedia(ctx context.Context, chatID string, m *bot.OutMedia) error {
	if err := m.Check(); err != nil {
		return &bot.SendError{Class: bot.Permanent, Reason: err.Error()}
	}
	if m.Copy != nil {
		return &bot.SendError{Class: bot.Permanent, Reason: "media: a Telegram message cannot be copied to the web chat"}
	}
	st := s.c.cfg.Media
	if st == nil {
		return &bot.SendError{Class: bot.Retryable, Reason: "media: no transit store in this process"}
	}
	if _, _, err := st.Load(ctx, m.Transit); err != nil {
		return media.SendError(err)
	}
	if err := st.Grant(ctx, m.Transit, chatID); err != nil {
		return media.SendError(err)
	}
	return nil
}
