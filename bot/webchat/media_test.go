package webchat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/webchat"
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/media/mediatest"
	"github.com/insideaut/insidebot/storage"
)

var mediaKey = []byte("0123456789abcdefghijklmnopqrstuv")

// withMedia gives the harness's channel a transit store on its database.
func withMedia(t *testing.T, st **media.Store) func(*webchat.Config) {
	return func(c *webchat.Config) {
		s, err := media.New(media.Config{DB: c.DB, Redis: c.Redis, Key: mediaKey, Clock: c.Clock})
		if err != nil {
			t.Fatal(err)
		}
		c.Media, *st = s, s
	}
}

// uploadFile posts a file as the page does: multipart with id, caption and file.
func (h *harness) uploadFile(token, id, caption, name, contentType string, data []byte) answer {
	h.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("id", id)
	if caption != "" {
		_ = w.WriteField("caption", caption)
	}
	hdr := make(map[string][]string)
	hdr["Content-Disposition"] = []string{`form-data; name="file"; filename="` + name + `"`}
	hdr["Content-Type"] = []string{contentType}
	part, _ := w.CreatePart(hdr)
	_, _ = part.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/webchat/api/upload", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return h.do(req)
}

func (h *harness) do(req *http.Request) answer {
	h.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		_ = jsonUnmarshal(raw, &a.body)
	}
	return a
}

func (h *harness) get(path, token string) answer {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return h.do(req)
}

// A voice note from the page: stored encrypted at once, and handed to the bot as a media item
// whose reference is the transit store's id; sent again (a retry), it is the same message.
func TestUploadBecomesAMediaItem(t *testing.T) {
	var st *media.Store
	h := newHarness(t, withMedia(t, &st))
	tok := h.session("fr")
	voice := mediatest.OggOpus(9000)
	a := h.uploadFile(tok, "upload-0001", "écoute", "note.ogg", "audio/ogg", voice)
	if a.status != http.StatusOK || a.body["ok"] != true {
		t.Fatalf("upload: %d %s", a.status, a.raw)
	}
	in := h.rec.last()
	at := in.Attachment
	if in.Kind != bot.KindUnsupported || in.Media != "voice" || at.Kind != bot.MediaVoice || at.MIME != "audio/ogg" || at.Size != int64(len(voice)) ||
		at.Caption != "écoute" || at.Name != "note.ogg" || in.ChatID != chatOf(tok) || !strings.HasSuffix(in.UpdateID, ":upload-0001") {
		t.Fatalf("incoming = %+v", in)
	}
	if _, data, err := st.Load(context.Background(), at.Ref); err != nil || !bytes.Equal(data, voice) {
		t.Fatalf("stored file: %v", err)
	}
	again := h.uploadFile(tok, "upload-0001", "écoute", "note.ogg", "audio/ogg", voice)
	if again.status != http.StatusOK || again.body["duplicate"] != true || h.rec.last().Attachment.Ref != at.Ref {
		t.Fatalf("retried upload: %s", again.raw)
	}
	var n int
	if err := h.fh.DB.Get(context.Background(), &n, `SELECT COUNT(*) FROM media_transit`); err != nil || n != 1 {
		t.Fatalf("%d files kept for one upload sent twice", n)
	}
}

// What cannot be passed on is refused with the person's words for it, and nothing is kept.
func TestUploadRefusals(t *testing.T) {
	var st *media.Store
	h := newHarness(t, withMedia(t, &st))
	h.rec.answer = func(context.Context, bot.Incoming) error { return nil }
	tok := h.session("it")
	a := h.uploadFile(tok, "upload-0002", "", "contratto.pdf", "application/pdf", mediatest.EXE(3000))
	if a.status != http.StatusUnsupportedMediaType || a.body["error"] != "not_accepted" || !strings.Contains(a.body["message"].(string), "PDF") {
		t.Fatalf("a program called a PDF: %d %s", a.status, a.raw)
	}
	a = h.uploadFile(tok, "upload-0003", "", "video.mp4", "video/mp4", mediatest.MP4(media.MaxBytes+1))
	if a.status != http.StatusRequestEntityTooLarge || a.body["error"] != "too_large" {
		t.Fatalf("a file over 20 MB: %d %.300s", a.status, a.raw)
	}
	if a = h.uploadFile("", "upload-0004", "", "x.pdf", "application/pdf", mediatest.PDF(100)); a.status != http.StatusUnauthorized {
		t.Fatalf("no token: %d", a.status)
	}
	if a = h.uploadFile(tok, "bad id", "", "x.pdf", "application/pdf", mediatest.PDF(100)); a.status != http.StatusBadRequest || a.body["error"] != "bad_id" {
		t.Fatalf("bad id: %d %s", a.status, a.raw)
	}
	if a = h.call("POST", "/webchat/api/upload", tok, map[string]string{"id": "upload-0005"}); a.status != http.StatusBadRequest {
		t.Fatalf("JSON instead of a file: %d %s", a.status, a.raw)
	}
	var n int
	if err := h.fh.DB.Get(context.Background(), &n, `SELECT COUNT(*) FROM media_transit`); err != nil || n != 0 {
		t.Fatalf("%d refused files kept", n)
	}
	if len(h.rec.got) != 0 {
		t.Fatalf("refused files reached the bot: %+v", h.rec.got)
	}
}

func TestUploadsAreRateLimited(t *testing.T) {
	var st *media.Store
	h := newHarness(t, withMedia(t, &st), func(c *webchat.Config) {
		c.Limits = webchat.Limits{UploadPerSession: webchat.Limit{Rate: 0.001, Burst: 2}}
	})
	h.rec.answer = func(context.Context, bot.Incoming) error { return nil }
	tok := h.session("en")
	for i, want := range []int{200, 200, 429} {
		a := h.uploadFile(tok, "upload-rate-"+string(rune('a'+i)), "", "p.jpg", "image/jpeg", mediatest.JPEG(500))
		if a.status != want {
			t.Fatalf("upload %d: %d %s", i, a.status, a.raw)
		}
	}
}

// A file the bot passes on to a session is downloadable with that session's token only, and
// not once it is gone.
func TestPassedOnFilesDownloadWithTheTokenAndExpire(t *testing.T) {
	var st *media.Store
	h := newHarness(t, withMedia(t, &st))
	tok, other := h.session("en"), h.session("en")
	ctx := context.Background()
	voice := mediatest.OggOpus(7000)
	item, err := st.Put(ctx, media.Upload{Kind: bot.MediaVoice, Data: voice})
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := st.Put(ctx, media.Upload{Kind: bot.MediaDocument, Name: "contratto.pdf", Data: mediatest.PDF(800)})
	s := h.ch.Sender()
	for _, out := range []bot.Outgoing{
		{Text: "🎤 Your tutor", Media: &bot.OutMedia{Kind: bot.MediaVoice, MIME: "audio/ogg", Transit: item.ID}},
		{Media: &bot.OutMedia{Kind: bot.MediaDocument, Name: "contratto.pdf", Transit: pdf.ID}},
	} {
		if _, err := s.Send(ctx, bot.Recipient{ChatID: chatOf(tok)}, out); err != nil {
			t.Fatal(err)
		}
	}
	raw := h.call("GET", "/webchat/api/messages?after=0", tok, nil)
	if !strings.Contains(raw.raw, `"media":{"kind":"voice","mime":"audio/ogg","url":"/webchat/api/media/`+item.ID+`"}`) {
		t.Fatalf("the page is not told of the file: %s", raw.raw)
	}
	a := h.get("/webchat/api/media/"+item.ID, tok)
	if a.status != http.StatusOK || a.raw != string(voice) || a.header.Get("Content-Type") != "audio/ogg" ||
		!strings.Contains(a.header.Get("Cache-Control"), "no-store") {
		t.Fatalf("download: %d %v", a.status, a.header)
	}
	if a = h.get("/webchat/api/media/"+pdf.ID, tok); a.status != http.StatusOK || !strings.HasPrefix(a.header.Get("Content-Disposition"), "attachment") ||
		!strings.Contains(a.header.Get("Content-Disposition"), "contratto.pdf") {
		t.Fatalf("pdf: %d %v", a.status, a.header)
	}
	for name, c := range map[string]struct {
		path, token string
		want        int
	}{
		"no token":      {"/webchat/api/media/" + item.ID, "", http.StatusUnauthorized},
		"other session": {"/webchat/api/media/" + item.ID, other, http.StatusNotFound},
		"not an id":     {"/webchat/api/media/../../etc", tok, http.StatusNotFound},
		"unknown id":    {"/webchat/api/media/0123456789abcdef0123456789abcdef", tok, http.StatusGone},
	} {
		if a := h.get(c.path, c.token); a.status != c.want {
			t.Errorf("%s: %d, want %d", name, a.status, c.want)
		}
	}
	// A day later the file is gone: the page is told so.
	h.fh.Clock.Advance(media.TTL + time.Minute)
	if a := h.get("/webchat/api/media/"+item.ID, tok); a.status != http.StatusGone {
		t.Fatalf("an expired file: %d", a.status)
	}
	// A message whose file is already gone fails with its reason instead of showing nothing.
	_, err = s.Send(ctx, bot.Recipient{ChatID: chatOf(tok)}, bot.Outgoing{Media: &bot.OutMedia{Kind: bot.MediaVoice, Transit: item.ID}})
	if class, _ := bot.ClassOf(err); class != bot.Permanent {
		t.Fatalf("a gone file: %v", err)
	}
}

// The page's language: the invite's person's first, then the person's chosen language once
// the session is theirs, the browser's only without either.
func TestSessionLanguageFollowsTheInviteThenThePerson(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	b, err := storage.CreateBeneficiary(ctx, h.fh.DB, storage.NewBeneficiary{Territory: "MI", Lang: "ti"}, h.fh.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	code, _, err := storage.CreateInvite(ctx, h.fh.DB, storage.NewInvite{Role: "beneficiary", BeneficiaryID: b.ID, TTL: time.Hour}, h.fh.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	a := h.call("POST", "/webchat/api/session", "", map[string]string{"lang": "en-GB", "invite": code})
	if a.status != http.StatusCreated || a.body["lang"] != "ti" {
		t.Fatalf("session with an invite: %d %s", a.status, a.raw)
	}
	tok := a.body["token"].(string)
	if a = h.call("POST", "/webchat/api/session", "", map[string]string{"lang": "en-GB", "invite": "ZZZZ2222"}); a.body["lang"] != "en" {
		t.Fatalf("an unknown invite: %s", a.raw)
	}
	if m := h.call("GET", "/webchat/api/messages?after=0", tok, nil); m.body["lang"] != nil {
		t.Fatalf("a session of nobody yet is told a language: %s", m.raw)
	}
	// The person is linked and chooses Arabic.
	if _, err := storage.LinkIdentity(ctx, h.fh.DB, storage.NewIdentity{Channel: "webchat", ExternalID: chatOf(tok), ChatID: chatOf(tok), BeneficiaryID: b.ID}, h.fh.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := h.fh.DB.Exec(ctx, `UPDATE beneficiaries SET lang = 'ar' WHERE id = ?`, b.ID); err != nil {
		t.Fatal(err)
	}
	if m := h.call("GET", "/webchat/api/messages?after=0", tok, nil); m.body["lang"] != "ar" || m.body["rtl"] != true || m.body["erased"] != nil {
		t.Fatalf("a linked session: %s", m.raw)
	}
}

// After "Delete my data" the API says the session's person was erased: in the answer to the
// message that erased them, in every fetch, and with 410 to anything more they send.
func TestErasedSessionIsToldSo(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		erase func(h *harness, chat string) error
	}{
		// The session ends with the erasure (as storage.EraseBeneficiary does today).
		{"session deleted", func(h *harness, chat string) error {
			if _, err := h.fh.DB.Exec(ctx, `DELETE FROM identities WHERE external_id = ?`, chat); err != nil {
				return err
			}
			_, err := h.fh.DB.Exec(ctx, `DELETE FROM webchat_sessions WHERE chat_id = ?`, chat)
			return err
		}},
		// The session stays a while, for the goodbye to be fetched; the identity is gone.
		{"identity deleted", func(h *harness, chat string) error {
			_, err := h.fh.DB.Exec(ctx, `DELETE FROM identities WHERE external_id = ?`, chat)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			tok := h.session("en")
			chat := chatOf(tok)
			b, err := storage.CreateBeneficiary(ctx, h.fh.DB, storage.NewBeneficiary{Territory: "MI", Lang: "en"}, h.fh.Clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			h.rec.answer = func(ctx context.Context, in bot.Incoming) error {
				switch in.Text {
				case "join":
					_, err := storage.LinkIdentity(ctx, h.fh.DB, storage.NewIdentity{Channel: "webchat", ExternalID: chat, ChatID: chat, BeneficiaryID: b.ID}, h.fh.Clock.Now())
					return err
				case "delete my data":
					return tc.erase(h, chat)
				}
				return nil
			}
			if a := h.send(tok, "join-00001", "join"); a.status != http.StatusOK || a.body["erased"] != nil {
				t.Fatalf("join: %s", a.raw)
			}
			a := h.send(tok, "erase-0001", "delete my data")
			if a.status != http.StatusOK || a.body["erased"] != true {
				t.Fatalf("the erasing message: %d %s", a.status, a.raw)
			}
			m := h.call("GET", "/webchat/api/messages?after=0", tok, nil)
			switch tc.name {
			case "session deleted":
				if m.status != http.StatusUnauthorized {
					t.Fatalf("fetch after the session ended: %d", m.status)
				}
			default:
				if m.status != http.StatusOK || m.body["erased"] != true {
					t.Fatalf("fetch: %d %s", m.status, m.raw)
				}
				if a := h.send(tok, "after-0001", "hello?"); a.status != http.StatusGone || a.body["error"] != "erased" {
					t.Fatalf("a message after the erasure: %d %s", a.status, a.raw)
				}
			}
		})
	}
	// A session that never belonged to anyone is not "erased".
	h := newHarness(t)
	h.rec.answer = func(context.Context, bot.Incoming) error { return nil }
	tok := h.session("en")
	if a := h.send(tok, "hello-0001", "hello"); a.body["erased"] != nil {
		t.Fatalf("a new visitor: %s", a.raw)
	}
}

func jsonUnmarshal(raw []byte, v any) error { return json.Unmarshal(raw, v) }
