package whatsapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/media"
)

// WhatsApp's own limits on uploaded media (Cloud API "Supported media types").
const (
	maxAudioVideoBytes = 16 << 20
	maxCaption         = 1024
	// mediaIDTTL is how long the media id of an uploaded transit item is remembered, so a
	// retried message does not upload its file again (WhatsApp keeps uploads 30 days).
	mediaIDTTL = 24 * time.Hour
)

// inFile is the file of an image, audio, video or document message.
type inFile struct {
	ID       string `json:"id"`
	MIMEType string `json:"mime_type"`
	SHA256   string `json:"sha256"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
	Voice    bool   `json:"voice"` // an audio message recorded in the app
}

// fileOf reads a message's file, if it has one of a usable shape.
func fileOf(m inMessage) (inFile, bool) {
	var raw json.RawMessage
	switch m.Type {
	case "image":
		raw = m.Image
	case "audio":
		raw = m.Audio
	case "video":
		raw = m.Video
	case "document":
		raw = m.Document
	default:
		return inFile{}, false
	}
	var f inFile
	if len(raw) == 0 || json.Unmarshal(raw, &f) != nil {
		return inFile{}, false
	}
	return f, true
}

// attachmentOf is a message's file as a media item: its kind, declared type (parameters
// dropped: "audio/ogg; codecs=opus" is audio/ogg), caption, file name and media id. The
// webhook tells no size. A media id that is not one Meta gives leaves no item.
func attachmentOf(m inMessage) bot.MediaItem {
	f, ok := fileOf(m)
	if !ok || !platformID.MatchString(f.ID) {
		return bot.MediaItem{}
	}
	it := bot.MediaItem{Ref: f.ID, MIME: media.BaseType(f.MIMEType), Caption: f.Caption}
	switch m.Type {
	case "image":
		it.Kind = bot.MediaPhoto
	case "audio":
		it.Kind = bot.MediaAudio
		if f.Voice {
			it.Kind = bot.MediaVoice
		}
		it.Caption = "" // audio has none
	case "video":
		it.Kind = bot.MediaVideo
	case "document":
		it.Kind, it.Name = bot.MediaDocument, f.Filename
	}
	return it
}

// Fetch downloads a file a person sent (media.Fetcher): GET {WHATSAPP_API_URL}/{media-id}
// gives a short-lived URL, then GET that URL, both with the access token. A file over limit is
// a *media.Rejection, found from the size Meta tells before the download when it does.
func (c *Channel) Fetch(ctx context.Context, mediaID string, limit int64) (media.Fetched, error) {
	if !platformID.MatchString(mediaID) {
		return media.Fetched{}, &bot.SendError{Class: bot.Permanent, Reason: "not a WhatsApp media id"}
	}
	q := url.Values{"phone_number_id": {c.api.phoneID}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.api.base+"/"+url.PathEscape(mediaID)+"?"+q.Encode(), nil)
	if err != nil {
		return media.Fetched{}, &bot.SendError{Class: bot.Permanent, Reason: "WHATSAPP_API_URL does not make a valid request URL"}
	}
	var info struct {
		URL      string `json:"url"`
		MIMEType string `json:"mime_type"`
		FileSize int64  `json:"file_size"`
	}
	if err := c.api.roundTrip(req, &info); err != nil {
		return media.Fetched{}, err
	}
	if info.FileSize > limit {
		return media.Fetched{}, &media.Rejection{Reason: media.TooLarge, Size: info.FileSize}
	}
	u, err := url.Parse(info.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return media.Fetched{}, &bot.SendError{Class: bot.Retryable, Reason: "graph api gave no media URL"}
	}
	data, err := c.api.download(ctx, u.String(), limit)
	if err != nil {
		return media.Fetched{}, err
	}
	return media.Fetched{Data: data, MIME: media.BaseType(info.MIMEType)}, nil
}

// download reads a media URL with the access token, at most limit bytes.
func (c *client) download(ctx context.Context, mediaURL string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, mediaURL, nil)
	if err != nil {
		return nil, &bot.SendError{Class: bot.Retryable, Reason: "graph api gave no media URL"}
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	// Meta's media host refuses requests without a User-Agent.
	req.Header.Set("User-Agent", "insidebot")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &bot.SendError{Class: bot.Retryable, Reason: c.scrub("media download: " + transportReason(err))}
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, &bot.SendError{Class: bot.Permanent, Code: resp.StatusCode, Reason: "media download: the file is no longer on WhatsApp"}
	case resp.StatusCode == http.StatusUnauthorized:
		return nil, &bot.SendError{Class: bot.Retryable, Code: resp.StatusCode, Reason: "media download: access token rejected: check WHATSAPP_ACCESS_TOKEN"}
	case resp.StatusCode/100 != 2:
		class := bot.Permanent
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			class = bot.Retryable
		}
		return nil, &bot.SendError{Class: class, Code: resp.StatusCode, Reason: fmt.Sprintf("media download: HTTP %d", resp.StatusCode)}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, &bot.SendError{Class: bot.Retryable, Code: resp.StatusCode, Reason: "media download cut short"}
	}
	if int64(len(data)) > limit {
		return nil, &media.Rejection{Reason: media.TooLarge, Size: int64(len(data))}
	}
	return data, nil
}

// mediaPart renders a passed-on file: an audio message (voice notes and audio take no
// caption: the text follows), or an image, video or document with the text and the file's own
// caption as its caption when they fit and no buttons need the text. It returns the text left
// to send after it.
func mediaPart(m *bot.OutMedia, text string, interactiveNeeded bool) (part, string) {
	ref := &mediaRef{}
	p := part{media: m}
	own := strings.TrimSpace(m.Caption)
	joined := text
	if own != "" {
		if joined != "" {
			joined += "\n\n"
		}
		joined += own
	}
	p.msg = message{Type: messageType(m.Kind)}
	switch p.msg.Type {
	case "audio":
		p.msg.Audio = ref
		return p, joined
	case "image":
		p.msg.Image = ref
	case "video":
		p.msg.Video = ref
	default:
		p.msg.Document = ref
		ref.Filename = m.Name
	}
	if !interactiveNeeded && bot.UTF16Len(joined) <= maxCaption {
		ref.Caption = joined
		return p, ""
	}
	ref.Caption = bot.Truncate(own, maxCaption)
	return p, text
}

// attachMedia uploads the passed-on files of the parts not yet sent (done of them are) and puts
// their media ids in the messages. A file loaded from the transit store is checked against
// WhatsApp's limits: a photo over 5 MB goes as a document; audio and video over 16 MB cannot go.
func (c *Channel) attachMedia(ctx context.Context, parts []part, done int) error {
	for i := done; i < len(parts); i++ {
		m := parts[i].media
		if m == nil {
			continue
		}
		if err := m.Check(); err != nil {
			return &bot.SendError{Class: bot.Permanent, Reason: err.Error()}
		}
		if m.Copy != nil {
			return &bot.SendError{Class: bot.Permanent, Reason: "media: a Telegram message cannot be copied to WhatsApp"}
		}
		if c.media == nil {
			return &bot.SendError{Class: bot.Retryable, Reason: "media: no transit store in this process"}
		}
		if err := c.uploadTransit(ctx, &parts[i]); err != nil {
			return err
		}
	}
	return nil
}

func (c *Channel) uploadTransit(ctx context.Context, p *part) error {
	m := p.media
	key := c.redis.Key("wa", "media", m.Transit)
	id, err := c.redis.Client().Get(ctx, key).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		c.log.Warn("uploaded media id unknown: uploading again", "err", err)
	}
	item, data, lerr := media.Item{}, []byte(nil), error(nil)
	if id == "" {
		item, data, lerr = c.media.Load(ctx, m.Transit)
	} else {
		item, lerr = c.media.Info(ctx, m.Transit)
	}
	if lerr != nil {
		return media.SendError(lerr)
	}
	ref := refOf(&p.msg)
	switch {
	case (item.Kind == bot.MediaVoice || item.Kind == bot.MediaAudio || item.Kind == bot.MediaVideo || item.Kind == bot.MediaVideoNote) &&
		item.Size > maxAudioVideoBytes:
		return &bot.SendError{Class: bot.Permanent, Reason: fmt.Sprintf("media: WhatsApp takes audio and video up to %d MB, this file has %d bytes", maxAudioVideoBytes>>20, item.Size)}
	case p.msg.Type != "document" && (p.msg.Type != messageType(item.Kind) || (p.msg.Type == "image" && item.Size > maxImageBytes)):
		// Not what the message said after all (the bytes decide), or a photo too big for an
		// image: a document.
		p.msg = message{Type: "document", Document: &mediaRef{Caption: ref.Caption, Filename: item.Name}}
		ref = p.msg.Document
	}
	if id == "" {
		id, err = c.api.uploadMedia(ctx, bot.File{Name: uploadName(item), MIME: item.MIME, Data: data})
		if err != nil {
			return err
		}
		if err := c.redis.Client().Set(ctx, key, id, mediaIDTTL).Err(); err != nil {
			c.log.Warn("uploaded media id not kept", "err", err)
		}
	}
	ref.ID = id
	if p.msg.Document != nil && ref.Filename == "" {
		ref.Filename = uploadName(item)
	}
	return nil
}

// messageType is the Cloud API message type of a kind of file.
func messageType(k bot.MediaKind) string {
	switch k {
	case bot.MediaVoice, bot.MediaAudio:
		return "audio"
	case bot.MediaPhoto:
		return "image"
	case bot.MediaVideo, bot.MediaVideoNote:
		return "video"
	}
	return "document"
}

// refOf is the media reference of a rendered file message.
func refOf(m *message) *mediaRef {
	switch {
	case m.Audio != nil:
		return m.Audio
	case m.Image != nil:
		return m.Image
	case m.Video != nil:
		return m.Video
	}
	return m.Document
}

func uploadName(it media.Item) string {
	if it.Name != "" {
		return it.Name
	}
	return string(it.Kind)
}

// mediaDelivered deletes a delivered message's transit item: a file is kept no longer than its
// journey.
func (c *Channel) mediaDelivered(ctx context.Context, out bot.Outgoing) {
	if out.Media == nil || out.Media.Transit == "" || c.media == nil {
		return
	}
	if err := c.media.Delivered(ctx, out.Media.Transit); err != nil {
		c.log.Warn("delivered file not deleted: the purge will", "err", err)
	}
	if err := c.redis.Client().Del(ctx, c.redis.Key("wa", "media", out.Media.Transit)).Err(); err != nil {
		c.log.Warn("uploaded media id not forgotten", "err", err)
	}
}
