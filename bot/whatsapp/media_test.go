package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/media/mediatest"
	"github.com/insideaut/insidebot/storage"
)

var mediaKey = []byte("0123456789abcdefghijklmnopqrstuv")

// withStore gives an env's channel a transit store on its database.
func withStore(t *testing.T, e *env) *media.Store {
	t.Helper()
	st, err := media.New(media.Config{DB: e.db, Redis: e.redis, Key: mediaKey, Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	e.ch.media = st
	return st
}

func putFile(t *testing.T, st *media.Store, kind bot.MediaKind, name string, data []byte) string {
	t.Helper()
	it, err := st.Put(context.Background(), media.Upload{Kind: kind, Name: name, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	return it.ID
}

func (g *fakeGraph) uploaded() []upload {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]upload(nil), g.uploads...)
}

// A voice note from the transit store: uploaded (POST /{phone_number_id}/media), then sent as
// an audio message with its media id, the text after it (audio takes no caption); the file is
// deleted once delivered.
func TestVoiceNoteIsUploadedThenSent(t *testing.T) {
	e := newEnv(t)
	st := withStore(t, e)
	voice := mediatest.OggOpus(4000)
	id := putFile(t, st, bot.MediaVoice, "", voice)
	if _, err := e.send(recent(e), bot.Outgoing{Text: "💬 MI-007", Media: &bot.OutMedia{Kind: bot.MediaVoice, Transit: id}}); err != nil {
		t.Fatal(err)
	}
	ups, sent := e.graph.uploaded(), e.graph.sent()
	if len(ups) != 1 || ups[0].mime != "audio/ogg" || !bytes.Equal(ups[0].data, voice) {
		t.Fatalf("uploads %+v", ups)
	}
	if len(sent) != 2 || sent[0].Type != "audio" || sent[0].Audio == nil || sent[0].Audio.ID != "media.1" || sent[0].Audio.Caption != "" ||
		sent[1].Type != "text" || sent[1].Text.Body != "💬 MI-007" {
		t.Fatalf("sent %+v", sent)
	}
	if _, err := st.Info(context.Background(), id); !errors.Is(err, media.ErrGone) {
		t.Fatalf("the delivered file is kept: %v", err)
	}
}

func TestPhotoVideoAndDocumentCaptions(t *testing.T) {
	e := newEnv(t)
	st := withStore(t, e)
	// A photo with a caption and no buttons: one image message, captioned.
	id := putFile(t, st, bot.MediaPhoto, "lettera.jpg", mediatest.JPEG(3000))
	if _, err := e.send(recent(e), bot.Outgoing{Text: "📷 MI-007", Media: &bot.OutMedia{Kind: bot.MediaPhoto, Caption: "la lettera", Transit: id}}); err != nil {
		t.Fatal(err)
	}
	sent := e.graph.sent()
	if len(sent) != 1 || sent[0].Type != "image" || sent[0].Image.Caption != "📷 MI-007\n\nla lettera" || sent[0].Image.ID == "" {
		t.Fatalf("photo %+v", sent)
	}
	// A document with the Reply button: the file with its name and own caption, then the
	// buttons under the text.
	e.graph.reset()
	id = putFile(t, st, bot.MediaDocument, "contratto.pdf", mediatest.PDF(3000))
	if _, err := e.send(recent(e), bot.Outgoing{Text: "📄 MI-007", Buttons: [][]bot.Button{{{Text: "↩️ Reply", Data: "rp:7"}}},
		Media: &bot.OutMedia{Kind: bot.MediaDocument, Caption: "firmato", Transit: id}}); err != nil {
		t.Fatal(err)
	}
	sent = e.graph.sent()
	if len(sent) != 2 || sent[0].Document == nil || sent[0].Document.Filename != "contratto.pdf" || sent[0].Document.Caption != "firmato" ||
		sent[1].Interactive == nil || sent[1].Interactive.Body.Text != "📄 MI-007" || sent[1].Interactive.Action.Buttons[0].Reply.ID != "rp:7" {
		t.Fatalf("document %+v", sent)
	}
	if u := e.graph.uploaded(); u[0].mime != "application/pdf" || u[0].name != "contratto.pdf" {
		t.Fatalf("upload %+v", u[0])
	}
	// A video note (Telegram's round video) goes as a video; a photo over WhatsApp's 5 MB as a
	// document.
	e.graph.reset()
	id = putFile(t, st, bot.MediaVideoNote, "", mediatest.MP4(3000))
	big := putFile(t, st, bot.MediaPhoto, "scan.png", mediatest.PNG(maxImageBytes+1))
	for tid, kind := range map[string]bot.MediaKind{id: bot.MediaVideoNote, big: bot.MediaPhoto} {
		if _, err := e.send(recent(e), bot.Outgoing{Media: &bot.OutMedia{Kind: kind, Transit: tid}}); err != nil {
			t.Fatal(err)
		}
	}
	sent = e.graph.sent()
	types := map[string]string{}
	for _, m := range sent {
		types[m.Type] = fmt.Sprint(m.Video != nil, m.Document != nil && m.Document.Filename == "scan.png")
	}
	if len(sent) != 2 || types["video"] != "true false" || types["document"] != "false true" {
		t.Fatalf("video note and big photo: %+v", sent)
	}
	// A message that calls a PDF a photo: the bytes decide, it goes as a document.
	e.graph.reset()
	pdf := putFile(t, st, bot.MediaDocument, "x.pdf", mediatest.PDF(500))
	if _, err := e.send(recent(e), bot.Outgoing{Media: &bot.OutMedia{Kind: bot.MediaPhoto, Caption: "c", Transit: pdf}}); err != nil {
		t.Fatal(err)
	}
	if sent = e.graph.sent(); len(sent) != 1 || sent[0].Document == nil || sent[0].Document.Caption != "c" || sent[0].Image != nil {
		t.Fatalf("a PDF called a photo: %+v", sent)
	}
}

// Someone known only by their business-scoped user id gets the file in "recipient".
func TestMediaToAUserID(t *testing.T) {
	e := newEnv(t)
	st := withStore(t, e)
	id := putFile(t, st, bot.MediaVoice, "", mediatest.OggOpus(800))
	if _, err := e.send(bot.Recipient{ChatID: waUser, LastInbound: e.clock.Now()}, bot.Outgoing{Media: &bot.OutMedia{Kind: bot.MediaVoice, Transit: id}}); err != nil {
		t.Fatal(err)
	}
	if sent := e.graph.sent(); len(sent) != 1 || sent[0].Recipient != waUser || sent[0].To != "" || sent[0].Audio == nil {
		t.Fatalf("sent %+v", sent)
	}
}

// A send that fails after the upload does not upload again on the retry; a failure keeps the
// file; what cannot go fails for good with its reason.
func TestMediaRetriesAndRefusals(t *testing.T) {
	e := newEnv(t)
	st := withStore(t, e)
	id := putFile(t, st, bot.MediaVoice, "", mediatest.OggOpus(800))
	out := bot.Outgoing{Media: &bot.OutMedia{Kind: bot.MediaVoice, Transit: id}}
	e.graph.fail(canned{}, graphErr(http.StatusBadRequest, 131056, "Pair rate limit hit")) // upload ok, send throttled
	_, err := e.send(recent(e), out)
	if class, _ := bot.ClassOf(err); class != bot.Retryable {
		t.Fatalf("throttled: %v", err)
	}
	if _, err := st.Info(context.Background(), id); err != nil {
		t.Fatalf("the file went before it was delivered: %v", err)
	}
	if _, err := e.send(recent(e), out); err != nil {
		t.Fatal(err)
	}
	if u := e.graph.uploaded(); len(u) != 1 {
		t.Fatalf("%d uploads for one file", len(u))
	}

	// Outside the 24 hours nothing is uploaded: the template goes, the message and its file wait.
	e.graph.reset()
	later := putFile(t, st, bot.MediaPhoto, "", mediatest.JPEG(500))
	if _, err := e.send(bot.Recipient{ChatID: waA}, bot.Outgoing{Lang: "it", Media: &bot.OutMedia{Kind: bot.MediaPhoto, Transit: later}}); !isHeld(err) {
		t.Fatalf("outside the window: %v, want held", err)
	}
	if len(e.graph.uploaded()) != 0 {
		t.Fatal("uploaded outside the window")
	}
	if sent := e.graph.sent(); len(sent) != 1 || sent[0].Template == nil {
		t.Fatalf("outside the window, sent %+v: want the one template", sent)
	}
	if _, err := st.Info(context.Background(), later); err != nil {
		t.Fatalf("the file of a message not yet delivered went: %v", err)
	}

	refusals := map[string]bot.OutMedia{
		"audio over 16 MB":       {Kind: bot.MediaAudio, Transit: putFile(t, st, bot.MediaAudio, "", mediatest.MP3(maxAudioVideoBytes+1))},
		"a Telegram copy":        {Kind: bot.MediaVoice, Copy: &bot.CopySource{Channel: bot.Telegram, ChatID: "1", MessageID: "2"}},
		"a file no longer there": {Kind: bot.MediaVoice, Transit: "0123456789abcdef0123456789abcdef"},
		"no reference at all":    {Kind: bot.MediaVoice},
	}
	for name, m := range refusals {
		_, err := e.send(recent(e), bot.Outgoing{Text: "x", Media: &m})
		if class, se := bot.ClassOf(err); class != bot.Permanent || se == nil || se.Reason == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A process without a transit store leaves the message to one that has it.
	e.ch.media = nil
	if _, err := e.send(recent(e), out); func() bot.ErrorClass { c, _ := bot.ClassOf(err); return c }() != bot.Retryable {
		t.Fatalf("no store: %v", err)
	}
}

// mediaGraph is the Cloud API's media endpoint: GET /{media-id} answers the file's URL, and
// that URL serves it; both want the access token.
type mediaGraph struct {
	t     *testing.T
	srv   *httptest.Server
	mu    sync.Mutex
	files map[string][]byte
	sizes map[string]int64 // the size GET /{media-id} tells, when not the file's
	gets  int
}

func newMediaGraph(t *testing.T) *mediaGraph {
	g := &mediaGraph{t: t, files: map[string][]byte{}, sizes: map[string]int64{}}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testToken || r.Method != http.MethodGet {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = fmt.Fprint(w, `{"error":{"message":"Invalid OAuth access token","type":"OAuthException","code":190}}`)
			return
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		if id, ok := strings.CutPrefix(r.URL.Path, "/download/"); ok {
			if r.UserAgent() == "" {
				w.WriteHeader(http.StatusForbidden)
				return
			}
			data, ok := g.files[id]
			if !ok {
				http.NotFound(w, r)
				return
			}
			g.gets++
			_, _ = w.Write(data)
			return
		}
		id := strings.TrimPrefix(r.URL.Path, "/v21.0/")
		data, ok := g.files[id]
		if !ok || r.URL.Query().Get("phone_number_id") != testPhoneID {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = fmt.Fprint(w, `{"error":{"message":"Unsupported get request. Object with ID does not exist","type":"GraphMethodException","code":100,"error_subcode":33}}`)
			return
		}
		size := int64(len(data))
		if s, ok := g.sizes[id]; ok {
			size = s
		}
		b, _ := json.Marshal(map[string]any{"messaging_product": "whatsapp", "url": g.srv.URL + "/download/" + id,
			"mime_type": "audio/ogg; codecs=opus", "sha256": "x", "file_size": size, "id": id})
		_, _ = w.Write(b)
	}))
	t.Cleanup(g.srv.Close)
	return g
}

// Fetch downloads a person's file through the media endpoint, with the token, within the
// limit; its failures are classified and never carry the token.
func TestFetchThroughTheMediaEndpoint(t *testing.T) {
	g := newMediaGraph(t)
	e := newEnv(t, func(c *Config) { c.APIURL = g.srv.URL + "/v21.0" })
	voice := mediatest.OggOpus(6000)
	g.files["1139581294117212"] = voice
	got, err := e.ch.Fetch(context.Background(), "1139581294117212", media.MaxBytes)
	if err != nil || !bytes.Equal(got.Data, voice) || got.MIME != "audio/ogg" {
		t.Fatalf("fetch = %d bytes %q, %v", len(got.Data), got.MIME, err)
	}
	// Meta tells the size first: a file over the limit is not downloaded.
	g.sizes["1139581294117212"] = media.MaxBytes + 1
	before := g.gets
	if _, err := e.ch.Fetch(context.Background(), "1139581294117212", media.MaxBytes); !isReason(err, media.TooLarge) || g.gets != before {
		t.Fatalf("over the limit: %v (downloads %d)", err, g.gets-before)
	}
	// A size Meta understated: the download stops at the limit.
	delete(g.sizes, "1139581294117212")
	if _, err := e.ch.Fetch(context.Background(), "1139581294117212", 5999); !isReason(err, media.TooLarge) {
		t.Fatalf("longer than said: %v", err)
	}
	_, err = e.ch.Fetch(context.Background(), "999", media.MaxBytes)
	if class, se := bot.ClassOf(err); class != bot.Permanent || se == nil || strings.Contains(err.Error(), testToken) {
		t.Fatalf("unknown media id: %v", err)
	}
	if _, err := e.ch.Fetch(context.Background(), "bad id\x00", media.MaxBytes); err == nil {
		t.Fatal("a forged media id was requested")
	}
	bad := newEnv(t, func(c *Config) { c.APIURL, c.AccessToken = g.srv.URL+"/v21.0", "EAAwrongtoken0000" })
	if _, err := bad.ch.Fetch(context.Background(), "1139581294117212", media.MaxBytes); func() bot.ErrorClass { c, _ := bot.ClassOf(err); return c }() != bot.Retryable ||
		strings.Contains(err.Error(), "EAAwrongtoken0000") {
		t.Fatalf("a rejected token: %v", err)
	}

	// Through the store: a WhatsApp voice note passed on to another channel is fetched when
	// first loaded, and its declared type (with codecs) is its own.
	st := withStore(t, e)
	st.Register(bot.WhatsApp, e.ch)
	in := bot.Incoming{Channel: bot.WhatsApp, UpdateID: "wamid.A", ChatID: waA, UserID: waA, Kind: bot.KindUnsupported, Media: "voice",
		Attachment: bot.MediaItem{Kind: bot.MediaVoice, MIME: "audio/ogg", Ref: "1139581294117212"}}
	var out *bot.OutMedia
	if err := e.db.InTx(context.Background(), func(tx *storage.Tx) error {
		out, err = st.Attach(context.Background(), tx, in, 0, bot.Telegram)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if it, data, err := st.Load(context.Background(), out.Transit); err != nil || !bytes.Equal(data, voice) || it.MIME != "audio/ogg" {
		t.Fatalf("load = %+v, %v", it, err)
	}
}

func isReason(err error, r media.Reason) bool {
	got, ok := media.AsRejection(err)
	return ok && got.Reason == r
}
