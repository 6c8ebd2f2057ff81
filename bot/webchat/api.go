package webchat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// Input limits of a sent message.
const (
	maxTextRunes = 4096 // as Telegram and WhatsApp
	maxDataBytes = 64   // a button's payload, as Telegram's callback_data
	pageSize     = 50   // messages in one fetch answer
)

// messageID is the id the page gives each message it sends; a retried POST carries the same.
var messageID = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// commandName is what may follow "/" for the text to be a command.
var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

type sendRequest struct {
	ID   string `json:"id"`   // client-generated, unique per message: a retry sends the same
	Text string `json:"text"` // what was typed; "/name args" is a command
	Data string `json:"data"` // or the payload of a pressed button
}

type sendResponse struct {
	OK        bool `json:"ok"`
	Duplicate bool `json:"duplicate"` // this id was handled before: nothing was done again
	// Erased: this message erased the person's data ("Delete my data"); the page says so.
	Erased bool `json:"erased,omitempty"`
}

// send takes a message or a button press: POST /webchat/api/send {"id", "text"|"data"}. It
// answers once the bot has handled it (its answers are then on their way to
// /webchat/api/messages); 503 means "send the same again later".
func (c *Channel) send(w http.ResponseWriter, r *http.Request) {
	s, ok := c.authenticate(w, r)
	if !ok || !c.allow(w, r, "send", c.cfg.Limits.SendPerIP, s.ChatID, c.cfg.Limits.SendPerSession) {
		return
	}
	var req sendRequest
	if !readJSON(w, r, &req) {
		return
	}
	in, code, msg := c.incoming(s, req)
	if code != "" {
		writeError(w, http.StatusBadRequest, code, msg)
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
	c.dispatch(w, r, s, in)
}

// dispatch hands an update to the bot and answers once it was handled.
func (c *Channel) dispatch(w http.ResponseWriter, r *http.Request, s storage.WebchatSession, in bot.Incoming) {
	// The update is handled to the end even if the browser goes away: its retry then finds it
	// done instead of racing it.
	ctx := context.WithoutCancel(r.Context())
	if err := storage.TouchWebchatSession(ctx, c.cfg.DB, s.ChatID, in.At); err != nil {
		c.log.Warn("touch web chat session", "err", err)
		writeRetry(w, http.StatusServiceUnavailable, "retry_later", "the service is busy, send the same message again", 0)
		return
	}
	res, err := c.cfg.Dispatcher.Dispatch(ctx, in)
	switch {
	case errors.Is(err, bot.ErrRetryLater):
		writeRetry(w, http.StatusServiceUnavailable, "retry_later", "the message was not handled, send the same again", 2*time.Second)
		return
	case err != nil:
		c.log.Error("web chat dispatch", "chat", bot.Redact(s.ChatID), "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "the message could not be handled")
		return
	}
	writeJSON(w, http.StatusOK, sendResponse{OK: true, Duplicate: res.Duplicate, Erased: c.erasedBy(ctx, s.ChatID)})
}

// incoming turns a request into an update, or says what is wrong with it.
func (c *Channel) incoming(s storage.WebchatSession, req sendRequest) (in bot.Incoming, code, msg string) {
	if !messageID.MatchString(req.ID) {
		return in, "bad_id", "id must be 8 to 64 characters of A-Z, a-z, 0-9, _ and -, new for each message"
	}
	in = bot.Incoming{Channel: bot.Webchat, UpdateID: s.ChatID[:16] + ":" + req.ID, ChatID: s.ChatID, UserID: s.ChatID,
		LangHint: s.Lang, At: c.cfg.Clock.Now()}
	switch {
	case req.Text != "" && req.Data != "":
		return in, "bad_message", "send text or data, not both"
	case req.Data != "":
		if len(req.Data) > maxDataBytes || !printable(req.Data) {
			return in, "bad_data", fmt.Sprintf("data is a button's payload: at most %d bytes of printable text", maxDataBytes)
		}
		in.Kind, in.Data = bot.KindButton, req.Data
		return in, "", ""
	}
	if !utf8.ValidString(req.Text) {
		return in, "bad_text", "text is not valid UTF-8"
	}
	// A NUL or another control character is nothing a person typed: it goes, and a text of
	// nothing else is empty.
	text := strings.TrimSpace(bot.CleanText(req.Text))
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		return in, "empty", "text is empty: type something, or send data for a button"
	case n > maxTextRunes:
		return in, "too_long", fmt.Sprintf("text has %d characters, at most %d are taken", n, maxTextRunes)
	}
	if rest, ok := strings.CutPrefix(text, "/"); ok {
		name, args, _ := strings.Cut(rest, " ")
		name, _, _ = strings.Cut(strings.ToLower(name), "@")
		if commandName.MatchString(name) {
			in.Kind, in.Command, in.Text = bot.KindCommand, name, strings.TrimSpace(args)
			return in, "", ""
		}
	}
	in.Kind, in.Text = bot.KindText, text
	return in, "", ""
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// message is one bot message as the page renders it.
type message struct {
	ID       int64          `json:"id"`
	At       time.Time      `json:"at"`
	Text     string         `json:"text"`
	Buttons  [][]bot.Button `json:"buttons,omitempty"`
	Image    *bot.File      `json:"image,omitempty"`
	Document *bot.File      `json:"document,omitempty"`
	Media    *mediaView     `json:"media,omitempty"`
	Lang     string         `json:"lang,omitempty"`
	RTL      bool           `json:"rtl"`
}

type messagesResponse struct {
	Messages []message `json:"messages"`
	// Lang is the language of the person behind the session, once known: the page follows it.
	Lang string `json:"lang,omitempty"`
	RTL  bool   `json:"rtl,omitempty"`
	// Erased: the person's data was deleted; the page says so and offers a new conversation.
	Erased bool `json:"erased,omitempty"`
}

// inlineImages() are the image types the page shows inline; any other file is a download.
func inlineImages() map[string]bool {
	return map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}
}

func viewOf(m storage.WebchatMessage) (message, error) {
	out, err := bot.DecodeOutgoing(m.Payload)
	if err != nil {
		return message{}, err
	}
	v := message{ID: m.ID, At: m.CreatedAt.UTC(), Text: out.Text, Buttons: out.Buttons, Image: out.Image,
		Document: out.Document, Media: mediaViewOf(out.Media), Lang: out.Lang, RTL: out.RTL}
	if v.Image != nil && !inlineImages()[v.Image.MIME] {
		if v.Document == nil {
			v.Document = v.Image
		}
		v.Image = nil
	}
	return v, nil
}

// messages lists the bot's messages after an id: GET /webchat/api/messages?after=ID&wait=25.
// With wait (seconds, at most 25) it holds the request until a message arrives or the time is
// up, then answers (an empty list when nothing came).
func (c *Channel) messages(w http.ResponseWriter, r *http.Request) {
	s, ok := c.authenticate(w, r)
	if !ok || !c.allow(w, r, "fetch", c.cfg.Limits.FetchPerIP, s.ChatID, c.cfg.Limits.FetchPerSession) {
		return
	}
	q := r.URL.Query()
	after, err := strconv.ParseInt(q.Get("after"), 10, 64)
	if q.Get("after") == "" {
		after, err = 0, nil
	}
	if err != nil || after < 0 {
		writeError(w, http.StatusBadRequest, "bad_after", "after is the id of the last message the page has (0 for none)")
		return
	}
	wait := time.Duration(0)
	if v := q.Get("wait"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || time.Duration(n)*time.Second > maxLongPoll {
			writeError(w, http.StatusBadRequest, "bad_wait", fmt.Sprintf("wait is how many seconds to wait for a message, 0 to %d", int(maxLongPoll/time.Second)))
			return
		}
		wait = min(time.Duration(n)*time.Second, c.cfg.LongPoll)
	}
	msgs, err := c.waitForMessages(r.Context(), s.ChatID, after, wait)
	if err != nil {
		if r.Context().Err() != nil {
			return // the browser left
		}
		c.log.Warn("web chat fetch", "err", err)
		writeRetry(w, http.StatusServiceUnavailable, "retry_later", "messages could not be read, try again", 0)
		return
	}
	person, ok := c.person(w, r, s)
	if !ok {
		return
	}
	resp := messagesResponse{Messages: make([]message, 0, len(msgs)), Erased: person.Erased()}
	if person.Lang != "" {
		l := c.cfg.Catalog.For(person.Lang)
		resp.Lang, resp.RTL = l.Lang(), l.RTL()
	}
	for _, m := range msgs {
		v, err := viewOf(m)
		if err != nil {
			c.log.Error("web chat message unreadable", "id", m.ID, "err", err)
			continue
		}
		resp.Messages = append(resp.Messages, v)
	}
	writeJSON(w, http.StatusOK, resp)
}

// waitForMessages reads the messages after an id, waiting up to wait for one to arrive.
func (c *Channel) waitForMessages(ctx context.Context, chatID string, after int64, wait time.Duration) ([]storage.WebchatMessage, error) {
	var wake <-chan struct{}
	if wait > 0 {
		// Register before reading, so a message stored in between still wakes us.
		var done func()
		var ok bool
		wake, done, ok = c.hub.wait(chatID)
		defer done()
		if !ok {
			wait = 0
		}
	}
	read := func() ([]storage.WebchatMessage, error) {
		return storage.WebchatAfter(ctx, c.cfg.DB, chatID, after, pageSize)
	}
	msgs, err := read()
	if err != nil || len(msgs) > 0 || wait == 0 {
		return msgs, err
	}
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	recheck := time.NewTicker(c.cfg.Recheck)
	defer recheck.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-deadline.C:
			return read()
		case <-wake:
		case <-recheck.C:
		}
		if msgs, err := read(); err != nil || len(msgs) > 0 {
			return msgs, err
		}
	}
}
