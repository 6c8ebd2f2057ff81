package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
)

func send(t *testing.T, s *Sender, out bot.Outgoing) (string, error) {
	t.Helper()
	return s.Send(context.Background(), bot.Recipient{ChatID: "777", IdentityID: 5}, out)
}

func TestSendTextWithButtons(t *testing.T) {
	f := newFakeAPI(t)
	s := NewSender(f.client(t), nil)
	id, err := send(t, s, bot.Outgoing{Text: "Ciao <b> & più", Buttons: [][]bot.Button{
		{{Text: "✅ Yes", Data: "yes:1"}, {Text: "❌ No", Data: "no:1"}},
		{{Text: "🌐 Site", URL: "https://example.org"}},
	}})
	if err != nil || id == "" || id == "0" {
		t.Fatalf("send = %q, %v", id, err)
	}
	calls := f.callsOf("sendMessage")
	if len(calls) != 1 {
		t.Fatalf("%d sendMessage calls", len(calls))
	}
	p := calls[0].Params
	if p.Get("chat_id") != "777" || p.Get("text") != "Ciao <b> & più" || p.Get("parse_mode") != "" {
		t.Fatalf("params = %v (want the text exactly, as plain text)", p)
	}
	var markup struct {
		InlineKeyboard [][]struct {
			Text         string  `json:"text"`
			CallbackData *string `json:"callback_data"`
			URL          *string `json:"url"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(p.Get("reply_markup")), &markup); err != nil {
		t.Fatal(err)
	}
	kb := markup.InlineKeyboard
	if len(kb) != 2 || len(kb[0]) != 2 || *kb[0][1].CallbackData != "no:1" || kb[1][0].URL == nil || *kb[1][0].URL != "https://example.org" {
		t.Fatalf("keyboard = %s", p.Get("reply_markup"))
	}
}

func TestLongTextIsSplitWithButtonsOnTheLastPart(t *testing.T) {
	f := newFakeAPI(t)
	s := NewSender(f.client(t), nil)
	var b strings.Builder
	for i := 0; b.Len() < 9000; i++ {
		b.WriteString("Una riga di testo abbastanza lunga per riempire il messaggio, numero ")
		b.WriteString(strings.Repeat("é", i%7))
		b.WriteString("\n")
	}
	text := strings.TrimSpace(b.String())
	if _, err := send(t, s, bot.Outgoing{Text: text, Buttons: [][]bot.Button{{{Text: "OK", Data: "ok"}}}}); err != nil {
		t.Fatal(err)
	}
	calls := f.callsOf("sendMessage")
	if len(calls) != 3 {
		t.Fatalf("%d parts, want 3", len(calls))
	}
	var joined []string
	for i, c := range calls {
		part := c.Params.Get("text")
		if bot.UTF16Len(part) > maxText {
			t.Errorf("part %d has %d characters", i, bot.UTF16Len(part))
		}
		if !strings.HasSuffix(part, "numero") && !strings.HasSuffix(part, "é") {
			t.Errorf("part %d does not end at a line break: ...%q", i, part[len(part)-20:])
		}
		if hasKB := c.Params.Get("reply_markup") != ""; hasKB != (i == 2) {
			t.Errorf("part %d keyboard = %v", i, hasKB)
		}
		joined = append(joined, part)
	}
	if strings.Join(joined, "\n") != text {
		t.Fatal("the parts do not add up to the text")
	}
}

func TestSplitTextWithoutLineBreaks(t *testing.T) {
	words := strings.Repeat("parola ", 1500)
	parts := bot.SplitText(strings.TrimSpace(words), 4096)
	if len(parts) != 3 {
		t.Fatalf("%d parts", len(parts))
	}
	for _, p := range parts {
		if strings.HasPrefix(p, " ") || strings.HasSuffix(p, " ") || strings.Contains(p, "parol ") || bot.UTF16Len(p) > 4096 {
			t.Fatalf("part cut inside a word or too long: %q...%q", p[:10], p[len(p)-10:])
		}
	}
	// One unbroken run: cut anyway, never beyond the limit, never inside a character.
	emoji := strings.Repeat("😀", 3000) // 2 UTF-16 units each
	parts = bot.SplitText(emoji, 4096)
	if len(parts) != 2 || bot.UTF16Len(parts[0]) != 4096 || parts[0]+parts[1] != emoji {
		t.Fatalf("emoji split into %d parts", len(parts))
	}
}

func TestSendErrorsAreClassified(t *testing.T) {
	cases := []struct {
		name   string
		reply  reply
		class  bot.ErrorClass
		reason string
		after  time.Duration
	}{
		{"429 waits exactly retry_after", tooMany, bot.RateLimited, "Too Many Requests", 7 * time.Second},
		{"403 blocked", blocked, bot.Unreachable, "blocked", 0},
		{"403 deactivated", reply{403, `{"ok":false,"error_code":403,"description":"Forbidden: user is deactivated"}`}, bot.Unreachable, "deactivated", 0},
		{"400 chat not found", reply{400, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`}, bot.Unreachable, "chat not found", 0},
		{"400 is permanent", badReq, bot.Permanent, "message text is empty", 0},
		{"5xx page retries", serverErr, bot.Retryable, "", 0},
		{"500 json retries", reply{500, `{"ok":false,"error_code":500,"description":"Internal Server Error"}`}, bot.Retryable, "Internal", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			s := NewSender(f.client(t), nil)
			f.on("sendMessage", tc.reply)
			_, err := send(t, s, bot.Outgoing{Text: "hello"})
			class, se := bot.ClassOf(err)
			if se == nil || class != tc.class || !strings.Contains(se.Reason, tc.reason) || se.RetryAfter != tc.after {
				t.Fatalf("err = %#v, want class %s", err, tc.class)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Fatalf("the error carries the token: %v", err)
			}
		})
	}
}

func TestNetworkErrorIsRetryableAndHidesTheToken(t *testing.T) {
	f := newFakeAPI(t)
	c := f.client(t)
	f.srv.Close() // the server goes away
	_, err := NewSender(c, nil).Send(context.Background(), bot.Recipient{ChatID: "1"}, bot.Outgoing{Text: "x"})
	class, se := bot.ClassOf(err)
	if se == nil || class != bot.Retryable || strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), "TEST-secret") {
		t.Fatalf("err = %v", err)
	}
}

func TestBadTokenFailsAtStartWithoutShowingIt(t *testing.T) {
	f := newFakeAPI(t)
	_, err := NewClient(context.Background(), "999:WRONG-token-value", f.endpoint(), nil)
	if err == nil || strings.Contains(err.Error(), "WRONG-token") {
		t.Fatalf("err = %v", err)
	}
}

func TestImageWithCaptionOrFallbackToText(t *testing.T) {
	img := &bot.File{Name: "qr.png", MIME: "image/png", Data: []byte("\x89PNG fake")}
	t.Run("photo with caption and buttons", func(t *testing.T) {
		f := newFakeAPI(t)
		s := NewSender(f.client(t), nil)
		if _, err := send(t, s, bot.Outgoing{Text: "Scan me: https://x.example/j/ABC", Image: img, Buttons: [][]bot.Button{{{Text: "OK", Data: "ok"}}}}); err != nil {
			t.Fatal(err)
		}
		ph := f.callsOf("sendPhoto")
		if len(ph) != 1 || ph[0].Params.Get("caption") != "Scan me: https://x.example/j/ABC" || !bytes.Equal(ph[0].Files["photo"], img.Data) || ph[0].Params.Get("reply_markup") == "" {
			t.Fatalf("sendPhoto = %+v", ph)
		}
		if len(f.callsOf("sendMessage")) != 0 {
			t.Fatal("text sent separately though it fits the caption")
		}
	})
	t.Run("long text goes after the photo", func(t *testing.T) {
		f := newFakeAPI(t)
		s := NewSender(f.client(t), nil)
		long := strings.Repeat("parola ", 200)
		if _, err := send(t, s, bot.Outgoing{Text: long, Image: img, Buttons: [][]bot.Button{{{Text: "OK", Data: "ok"}}}}); err != nil {
			t.Fatal(err)
		}
		ph, msgs := f.callsOf("sendPhoto"), f.callsOf("sendMessage")
		if len(ph) != 1 || ph[0].Params.Get("caption") != "" || ph[0].Params.Get("reply_markup") != "" || len(msgs) != 1 || msgs[0].Params.Get("reply_markup") == "" {
			t.Fatalf("photo %+v, messages %+v", ph, msgs)
		}
	})
	t.Run("server without sendPhoto gets the text", func(t *testing.T) {
		f := newFakeAPI(t)
		s := NewSender(f.client(t), nil)
		f.on("sendPhoto", emulator500)
		if _, err := send(t, s, bot.Outgoing{Text: "Your link: https://x.example/j/ABC", Image: img}); err != nil {
			t.Fatal(err)
		}
		msgs := f.callsOf("sendMessage")
		if len(msgs) != 1 || !strings.Contains(msgs[0].Params.Get("text"), "https://x.example/j/ABC") {
			t.Fatalf("fallback = %+v", msgs)
		}
	})
}

func TestDocumentFallbacks(t *testing.T) {
	f := newFakeAPI(t)
	s := NewSender(f.client(t), nil)
	short := &bot.File{Name: "data.json", MIME: "application/json", Data: []byte(`{"code":"MI-007"}`)}
	if _, err := send(t, s, bot.Outgoing{Text: "Your data", Document: short}); err != nil {
		t.Fatal(err)
	}
	if d := f.callsOf("sendDocument"); len(d) != 1 || !bytes.Equal(d[0].Files["document"], short.Data) || d[0].Params.Get("caption") != "Your data" {
		t.Fatalf("sendDocument = %+v", d)
	}
	f.on("sendDocument", emulator500, emulator500)
	if _, err := send(t, s, bot.Outgoing{Text: "Your data", Document: short}); err != nil {
		t.Fatal(err)
	}
	msgs := f.callsOf("sendMessage")
	if len(msgs) != 1 || msgs[0].Params.Get("text") != "Your data\n\n{\"code\":\"MI-007\"}" {
		t.Fatalf("contents as text = %+v", msgs)
	}
	big := &bot.File{Name: "export.csv", MIME: "text/csv", Data: bytes.Repeat([]byte("a,b,c\n"), 2000)}
	_, err := send(t, s, bot.Outgoing{Text: "Export", Document: big})
	if class, se := bot.ClassOf(err); class != bot.Permanent || se == nil || !strings.Contains(se.Reason, "files") {
		t.Fatalf("big document on a server without files: %v", err)
	}
}

func TestPartsAlreadySentAreNotRepeatedOnRetry(t *testing.T) {
	f := newFakeAPI(t)
	s := NewSender(f.client(t), nil)
	text := strings.Repeat("riga di testo\n", 400) // two parts
	f.on("sendMessage", reply{200, `{"ok":true,"result":{"message_id":10,"date":1,"chat":{"id":1,"type":"private"}}}`}, serverErr)
	if _, err := send(t, s, bot.Outgoing{Text: text}); err == nil {
		t.Fatal("want the second part's failure")
	}
	if _, err := send(t, s, bot.Outgoing{Text: text}); err != nil {
		t.Fatal(err)
	}
	calls := f.callsOf("sendMessage")
	if len(calls) != 3 || calls[2].Params.Get("text") != calls[1].Params.Get("text") || calls[0].Params.Get("text") == calls[2].Params.Get("text") {
		t.Fatalf("%d calls: the retry must send only the second part", len(calls))
	}
}

func TestChatMenuUsesChatScopeAndSurvivesA500(t *testing.T) {
	f := newFakeAPI(t)
	var logs bytes.Buffer
	s := NewSender(f.client(t), slog.New(slog.NewTextHandler(&logs, nil)))
	cmds := []bot.Command{{Command: "plan", Description: "Il mio piano"}, {Command: "help", Description: "Aiuto"}}
	if _, err := send(t, s, bot.Outgoing{Commands: cmds}); err != nil {
		t.Fatal(err)
	}
	c := f.callsOf("setMyCommands")
	if len(c) != 1 || c[0].Params.Get("scope") != `{"type":"chat","chat_id":777}` || !strings.Contains(c[0].Params.Get("commands"), `"command":"plan"`) {
		t.Fatalf("setMyCommands = %+v", c)
	}
	if len(f.callsOf("sendMessage")) != 0 {
		t.Fatal("a menu change must not send a message")
	}
	f.on("setMyCommands", emulator500, emulator500)
	for range 2 {
		if _, err := send(t, s, bot.Outgoing{Commands: cmds}); err != nil {
			t.Fatalf("a 500 on setMyCommands must not fail the message: %v", err)
		}
	}
	if n := strings.Count(logs.String(), "setMyCommands refused"); n != 1 {
		t.Fatalf("logged %d times, want once:\n%s", n, logs.String())
	}
	f.on("setMyCommands", blocked)
	if _, err := send(t, s, bot.Outgoing{Commands: cmds}); !isClass(err, bot.Unreachable) {
		t.Fatalf("403 on a menu = %v", err)
	}
}

func TestDefaultMenusPerLanguage(t *testing.T) {
	f := newFakeAPI(t)
	c := f.client(t)
	var logs bytes.Buffer
	c.SetDefaultMenus(context.Background(), []Menu{
		{Lang: "", Commands: []bot.Command{{Command: "help", Description: "Help"}}},
		{Lang: "fa-AF", Commands: []bot.Command{{Command: "help", Description: "کمک"}}},
		{Lang: "it"},
	}, slog.New(slog.NewTextHandler(&logs, nil)))
	set := f.callsOf("setMyCommands")
	if len(set) != 2 || set[0].Params.Get("language_code") != "" || set[1].Params.Get("language_code") != "fa" ||
		set[1].Params.Get("scope") != `{"type":"all_private_chats"}` {
		t.Fatalf("setMyCommands = %+v", set)
	}
	if d := f.callsOf("deleteMyCommands"); len(d) != 1 || d[0].Params.Get("language_code") != "it" {
		t.Fatalf("an empty menu is deleted: %+v", d)
	}
	f.on("setMyCommands", emulator500, emulator500)
	f.on("deleteMyCommands", emulator500)
	logs.Reset()
	c.SetDefaultMenus(context.Background(), []Menu{{Lang: "en", Commands: []bot.Command{{Command: "help", Description: "Help"}}}, {Lang: "it"}}, slog.New(slog.NewTextHandler(&logs, nil)))
	if strings.Count(logs.String(), "command menus not set") != 1 {
		t.Fatalf("want one log line: %s", logs.String())
	}
}

func isClass(err error, c bot.ErrorClass) bool {
	var se *bot.SendError
	return errors.As(err, &se) && se.Class == c
}

func TestHTTPClientHasTimeouts(t *testing.T) {
	hc := NewHTTPClient()
	tr := hc.Transport.(*http.Transport)
	if hc.Timeout == 0 || tr.TLSHandshakeTimeout == 0 {
		t.Fatal("the Bot API client needs timeouts")
	}
}
