package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/media/mediatest"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

var mediaKey = []byte("0123456789abcdefghijklmnopqrstuv")

func newStore(t *testing.T) *media.Store {
	t.Helper()
	st, err := media.New(media.Config{DB: storagetest.SQLite(t), Redis: storagetest.Redis(t), Key: mediaKey})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// put stores a file as a web-chat upload does, and returns its transit id.
func put(t *testing.T, st *media.Store, kind bot.MediaKind, name string, data []byte) string {
	t.Helper()
	it, err := st.Put(context.Background(), media.Upload{Kind: kind, Name: name, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	return it.ID
}

func reply0(t *testing.T, c call) string {
	t.Helper()
	var markup struct {
		InlineKeyboard [][]struct {
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if raw := c.Params.Get("reply_markup"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &markup); err != nil {
			t.Fatal(err)
		}
	}
	if len(markup.InlineKeyboard) == 0 {
		return ""
	}
	return markup.InlineKeyboard[0][0].CallbackData
}

var replyButton = [][]bot.Button{{{Text: "↩️ Reply", Data: "rp:7"}}}

// Telegram to Telegram: the tutor gets a copy of the beneficiary's voice note, with who it is
// from and its caption, and the Reply button under it. Nothing is downloaded.
func TestVoiceNoteIsCopiedBetweenTelegramChats(t *testing.T) {
	f := newFakeAPI(t)
	s := NewSender(f.client(t), nil)
	out := bot.Outgoing{Text: "💬 MI-007", Buttons: replyButton, Media: &bot.OutMedia{Kind: bot.MediaVoice, MIME: "audio/ogg", Caption: "ascolta",
		Copy: &bot.CopySource{Channel: bot.Telegram, ChatID: "42", MessageID: "13", FileID: "AwACAgQ"}}}
	id, err := send(t, s, out)
	if err != nil || id == "" || id == "0" {
		t.Fatalf("send = %q, %v", id, err)
	}
	cp := f.callsOf("copyMessage")
	if len(cp) != 1 {
		t.Fatalf("%d copyMessage calls", len(cp))
	}
	p := cp[0].Params
	if p.Get("chat_id") != "777" || p.Get("from_chat_id") != "42" || p.Get("message_id") != "13" || p.Get("caption") != "💬 MI-007\n\nascolta" ||
		reply0(t, cp[0]) != "rp:7" {
		t.Fatalf("copyMessage %v", p)
	}
	if len(f.callsOf("getFile")) != 0 || len(f.callsOf("sendMessage")) != 0 || f.downloads != 0 {
		t.Fatal("a copy downloaded the file or sent more")
	}

	// The person deleted their message since: the file goes by its id.
	f.on("copyMessage", reply{400, `{"ok":false,"error_code":400,"description":"Bad Request: message to copy not found"}`})
	if _, err := send(t, s, out); err != nil {
		t.Fatal(err)
	}
	v := f.callsOf("sendVoice")
	if len(v) != 1 || v[0].Params.Get("voice") != "AwACAgQ" || len(v[0].Files) != 0 || v[0].Params.Get("caption") != "💬 MI-007\n\nascolta" {
		t.Fatalf("sendVoice by file id: %+v", v)
	}
}

// From another channel (a transit item): the file is uploaded with the method of its kind,
// and deleted from the store once delivered.
func TestTransitFilesAreUploadedByKindAndDeletedWhenDelivered(t *testing.T) {
	st := newStore(t)
	cases := []struct {
		kind   bot.MediaKind
		name   string
		data   []byte
		method string
		field  string
	}{
		{bot.MediaVoice, "", mediatest.OggOpus(2000), "sendVoice", "voice"},
		{bot.MediaAudio, "lezione.mp3", mediatest.MP3(2000), "sendAudio", "audio"},
		{bot.MediaVoice, "memo.m4a", mediatest.M4A(2000), "sendAudio", "audio"}, // not OGG: not a voice message
		{bot.MediaPhoto, "lettera.jpg", mediatest.JPEG(2000), "sendPhoto", "photo"},
		{bot.MediaVideo, "", mediatest.MP4(2000), "sendVideo", "video"},
		{bot.MediaDocument, "contratto.pdf", mediatest.PDF(2000), "sendDocument", "document"},
		{bot.MediaPhoto, "scan.png", mediatest.PNG(maxPhotoBytes + 1), "sendDocument", "document"}, // too big for a photo
	}
	for _, c := range cases {
		t.Run(c.method+" "+string(c.kind), func(t *testing.T) {
			f := newFakeAPI(t)
			s := NewSender(f.client(t), nil).WithMedia(st)
			id := put(t, st, c.kind, c.name, c.data)
			if _, err := send(t, s, bot.Outgoing{Text: "📎 MI-007", Buttons: replyButton, Media: &bot.OutMedia{Kind: c.kind, Transit: id}}); err != nil {
				t.Fatal(err)
			}
			calls := f.callsOf(c.method)
			if len(calls) != 1 || !bytes.Equal(calls[0].Files[c.field], c.data) || calls[0].Params.Get("caption") != "📎 MI-007" || reply0(t, calls[0]) != "rp:7" {
				t.Fatalf("%s = %d calls %+v", c.method, len(calls), calls)
			}
			if _, err := st.Info(context.Background(), id); !errors.Is(err, media.ErrGone) {
				t.Fatalf("the delivered file is still kept: %v", err)
			}
		})
	}
}

func TestVideoNoteAndLongTextGoAfterTheFile(t *testing.T) {
	st := newStore(t)
	f := newFakeAPI(t)
	s := NewSender(f.client(t), nil).WithMedia(st)
	id := put(t, st, bot.MediaVideoNote, "", mediatest.MP4(1000))
	if _, err := send(t, s, bot.Outgoing{Text: "💬 MI-007", Buttons: replyButton, Media: &bot.OutMedia{Kind: bot.MediaVideoNote, Transit: id}}); err != nil {
		t.Fatal(err)
	}
	v, m := f.callsOf("sendVideo"), f.callsOf("sendMessage")
	if len(v) != 1 || v[0].Params.Get("caption") != "" || v[0].Params.Get("reply_markup") != "" || len(m) != 1 || m[0].Params.Get("text") != "💬 MI-007" || reply0(t, m[0]) != "rp:7" {
		t.Fatalf("video %+v, then text %+v", v, m)
	}
	// A copy whose text is too long for a caption keeps its own caption; the text follows.
	long := strings.Repeat("parola ", 200)
	if _, err := send(t, s, bot.Outgoing{Text: long, Media: &bot.OutMedia{Kind: bot.MediaPhoto, Caption: "la lettera",
		Copy: &bot.CopySource{Channel: bot.Telegram, ChatID: "42", MessageID: "15"}}}); err != nil {
		t.Fatal(err)
	}
	cp, m := f.callsOf("copyMessage"), f.callsOf("sendMessage")
	if len(cp) != 1 || cp[0].Params.Get("caption") != "" || len(m) != 2 || m[1].Params.Get("text") != strings.TrimSpace(long) {
		t.Fatalf("copy %+v, text %+v", cp, m)
	}
}

// A failed upload keeps the file for the retry; once it goes, it is deleted. The errors are
// classified as for texts.
func TestFailedUploadKeepsTheFileForTheRetry(t *testing.T) {
	st := newStore(t)
	f := newFakeAPI(t)
	s := NewSender(f.client(t), nil).WithMedia(st)
	id := put(t, st, bot.MediaVoice, "", mediatest.OggOpus(500))
	out := bot.Outgoing{Media: &bot.OutMedia{Kind: bot.MediaVoice, Transit: id}}
	f.on("sendVoice", tooMany, blocked)
	_, err := send(t, s, out)
	if class, se := bot.ClassOf(err); class != bot.RateLimited || se.RetryAfter.Seconds() != 7 {
		t.Fatalf("429: %v", err)
	}
	_, err = send(t, s, out)
	if class, _ := bot.ClassOf(err); class != bot.Unreachable {
		t.Fatalf("403: %v", err)
	}
	if _, err := st.Info(context.Background(), id); err != nil {
		t.Fatalf("the file went before it was delivered: %v", err)
	}
	if _, err := send(t, s, out); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Info(context.Background(), id); !errors.Is(err, media.ErrGone) {
		t.Fatal("the delivered file is kept")
	}
	// Delivered, expired or erased: the message fails for good, with a reason.
	_, err = send(t, s, out)
	if class, se := bot.ClassOf(err); class != bot.Permanent || !strings.Contains(se.Reason, "no longer in transit") {
		t.Fatalf("a gone file: %v", err)
	}
	// A process without a transit store leaves the message for one that has it.
	_, err = send(t, NewSender(f.client(t), nil), bot.Outgoing{Media: &bot.OutMedia{Kind: bot.MediaVoice, Transit: "abc"}})
	if class, _ := bot.ClassOf(err); class != bot.Retryable {
		t.Fatalf("no store: %v", err)
	}
}

// Fetch downloads a Telegram file through getFile and the endpoint's /file/ path: the
// httptest Bot API serves it. A file over the limit is refused before its download when
// getFile tells its size, and on the way otherwise.
func TestFetchDownloadsThroughTheConfiguredEndpoint(t *testing.T) {
	f := newFakeAPI(t)
	c := f.client(t)
	voice := mediatest.OggOpus(5000)
	f.files["AwACAgQ"] = voice
	got, err := c.Fetch(context.Background(), "AwACAgQ", media.MaxBytes)
	if err != nil || !bytes.Equal(got.Data, voice) || f.downloads != 1 {
		t.Fatalf("fetch = %d bytes, %v (downloads %d)", len(got.Data), err, f.downloads)
	}
	_, err = c.Fetch(context.Background(), "AwACAgQ", 4999)
	if r, ok := media.AsRejection(err); !ok || r.Reason != media.TooLarge || f.downloads != 1 {
		t.Fatalf("over the limit: %v (downloads %d)", err, f.downloads)
	}
	f.on("getFile", reply{400, `{"ok":false,"error_code":400,"description":"Bad Request: file is too big"}`})
	if _, err := c.Fetch(context.Background(), "AwACAgQ", media.MaxBytes); !isTooLarge(err) {
		t.Fatalf("Telegram's own refusal of a big file: %v", err)
	}
	_, err = c.Fetch(context.Background(), "nope", media.MaxBytes)
	if class, se := bot.ClassOf(err); class != bot.Permanent || se == nil || strings.Contains(err.Error(), testToken) {
		t.Fatalf("unknown file: %v", err)
	}
	// getFile names a path the server does not have.
	f.on("getFile", reply{200, `{"ok":true,"result":{"file_id":"x","file_unique_id":"u","file_size":10,"file_path":"media/gone.bin"}}`})
	_, err = c.Fetch(context.Background(), "x", media.MaxBytes)
	if class, _ := bot.ClassOf(err); class != bot.Permanent || strings.Contains(err.Error(), testToken) {
		t.Fatalf("a missing file: %v", err)
	}

	// Through the store: a Telegram voice note passed on to another channel is fetched when
	// first loaded.
	in := bot.Incoming{Channel: bot.Telegram, UpdateID: "1", ChatID: "42", UserID: "42", Kind: bot.KindUnsupported, Media: "voice",
		Attachment: bot.MediaItem{Kind: bot.MediaVoice, MIME: "audio/ogg", Ref: "AwACAgQ", MessageID: "13"}}
	var out *bot.OutMedia
	db := storagetest.SQLite(t)
	st, _ := media.New(media.Config{DB: db, Key: mediaKey})
	st.Register(bot.Telegram, c)
	if err := db.InTx(context.Background(), func(tx *storage.Tx) error {
		out, err = st.Attach(context.Background(), tx, in, 0, bot.WhatsApp)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, data, err := st.Load(context.Background(), out.Transit); err != nil || !bytes.Equal(data, voice) {
		t.Fatalf("load = %v", err)
	}
}

func isTooLarge(err error) bool {
	r, ok := media.AsRejection(err)
	return ok && r.Reason == media.TooLarge
}

func TestFileEndpoint(t *testing.T) {
	for in, want := range map[string]string{
		DefaultEndpoint:                      "https://api.telegram.org/file/bot%s/%s",
		"http://127.0.0.1:9000/bot%s/%s":     "http://127.0.0.1:9000/file/bot%s/%s",
		"https://tg.example/api/bot%s/%s":    "https://tg.example/api/file/bot%s/%s",
		"https://odd.example/%s/method%s/%s": "https://api.telegram.org/file/bot%s/%s",
	} {
		if got := fileEndpoint(in); got != want {
			t.Errorf("fileEndpoint(%s) = %s, want %s", in, got, want)
		}
	}
}
