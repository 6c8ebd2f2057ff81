// Package e2e runs the real insidebot binary against a Telegram Bot API emulator
// (telegram-test-api) and talks to it as a Telegram user would.
package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// botToken is any token: the emulator accepts them all.
const botToken = "e2e-0000:any-token"

// Harness is a running emulator and bot.
type Harness struct {
	t       *testing.T
	bin     string
	env     []string
	api     string // the emulator's base URL
	addr    string // the bot's HTTP_ADDR
	botLog  *syncBuffer
	emuLog  *syncBuffer
	nextID  int64
	idMutex sync.Mutex
}

// repoRoot is the module root (this file lives in e2e/).
func repoRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// Start builds the binary, starts the emulator and the bot with embedded storage; env adds
// or overrides variables of the bot's environment (NAME=value).
func Start(t *testing.T, env ...string) *Harness {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is required for the end-to-end test (Node 20): install it, then run make test")
	}
	root := repoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "e2e", "node_modules", "telegram-test-api")); err != nil {
		t.Fatal("the emulator is not installed: run npm ci --prefix e2e (make test does)")
	}
	dir := t.TempDir()
	h := &Harness{t: t, bin: filepath.Join(dir, "insidebot"), botLog: &syncBuffer{}, emuLog: &syncBuffer{}, nextID: 700000000,
		addr: "127.0.0.1:" + fmt.Sprint(freePort(t))}

	build := exec.Command("go", "build", "-o", h.bin, "./cmd/insidebot")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}

	port := h.startEmulator(node, filepath.Join(root, "e2e"))
	h.api = fmt.Sprintf("http://127.0.0.1:%d", port)
	h.env = append(os.Environ(),
		"TELEGRAM_BOT_TOKEN="+botToken,
		"TELEGRAM_API_ENDPOINT="+h.api+"/bot%s/%s",
		"DATA_DIR="+filepath.Join(dir, "data"),
		"HTTP_ADDR="+h.addr,
		// The web chat and the desk are served here, and the desk's sign-in links point here.
		"PUBLIC_URL=http://"+h.addr,
		// /metrics has a listener of its own: a free port, so runs side by side do not collide.
		"METRICS_ADDR=127.0.0.1:"+fmt.Sprint(freePort(t)),
		"LOG_LEVEL=debug",
		"PRIVACY_CONTACT=privacy@insideaut.example",
		"DATABASE_URL=", "REDIS_URL=", "TELEGRAM_WEBHOOK_URL=", "BOT_USERNAME=",
		"MEDIA_KEY=9c4f1e2a7b3d5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6",
	)
	h.env = append(h.env, env...)
	h.startBot()
	return h
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startEmulator runs the emulator on a free port (trying again if the port was taken meanwhile).
func (h *Harness) startEmulator(node, dir string) int {
	for try := 0; ; try++ {
		port := freePort(h.t)
		cmd := exec.Command(node, "--unhandled-rejections=warn", "emulator.js", fmt.Sprint(port))
		cmd.Dir = dir
		cmd.Stderr = h.emuLog
		out, err := cmd.StdoutPipe()
		if err != nil {
			h.t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			h.t.Fatal(err)
		}
		ready := make(chan bool, 1)
		go func() {
			s := bufio.NewScanner(out)
			for s.Scan() {
				if strings.HasPrefix(s.Text(), "ready") {
					ready <- true
				}
			}
			ready <- false
		}()
		select {
		case ok := <-ready:
			if ok {
				h.t.Cleanup(func() { stop(cmd) })
				return port
			}
		case <-time.After(20 * time.Second):
		}
		stop(cmd)
		if try == 2 {
			h.t.Fatalf("the emulator did not start:\n%s", h.emuLog.String())
		}
	}
}

func (h *Harness) startBot() {
	cmd := exec.Command(h.bin, "serve")
	cmd.Env = h.env
	cmd.Stdout, cmd.Stderr = h.botLog, h.botLog
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() {
		stop(cmd)
		if h.t.Failed() || testing.Verbose() {
			h.t.Logf("bot log:\n%s\nemulator log:\n%s", h.botLog.String(), h.emuLog.String())
		}
	})
	// The test talks to the bot, and runs its subcommands on the same database, only once the
	// bot has migrated it and answers.
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + h.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("the bot did not become ready on %s", h.addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends a process this harness started, politely first.
func stop(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	_ = cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// Run runs a subcommand of the binary against the bot's storage and returns its stdout.
func (h *Harness) Run(args ...string) []byte {
	h.t.Helper()
	cmd := exec.Command(h.bin, args...)
	cmd.Env = h.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		h.t.Fatalf("insidebot %v: %v\n%s", args, err, stderr.String())
	}
	return out
}

// post calls the emulator's client API.
func (h *Harness) post(path string, body any, out any) {
	h.t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(h.api+path, "application/json", bytes.NewReader(b))
	if err != nil {
		h.t.Fatalf("%s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		h.t.Fatalf("%s answered %s", path, resp.Status)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			h.t.Fatalf("%s: %v", path, err)
		}
	}
}

// User is a Telegram user in a private chat with the bot.
type User struct {
	h    *Harness
	ID   int64
	Lang string
	// Seen is every message the bot sent this user, in order.
	Seen []BotMessage
	// next is the first message of Seen a wait has not passed over yet.
	next int
}

// BotMessage is a message the bot sent, as the emulator stored it.
type BotMessage struct {
	Text      string
	MessageID int64
	Buttons   [][]Button
}

// Button is an inline keyboard button.
type Button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
	URL          string `json:"url"`
}

// NewUser opens a chat with a fresh user speaking lang.
func (h *Harness) NewUser(lang string) *User {
	h.idMutex.Lock()
	defer h.idMutex.Unlock()
	h.nextID++
	return &User{h: h, ID: h.nextID, Lang: lang}
}

func (u *User) from() map[string]any {
	return map[string]any{"id": u.ID, "is_bot": false, "first_name": "E2E", "language_code": u.Lang}
}

func (u *User) chat() map[string]any {
	return map[string]any{"id": u.ID, "type": "private", "first_name": "E2E"}
}

// SendCommand sends "/name args" marked as a bot command, as Telegram clients do.
func (u *User) SendCommand(text string) {
	u.h.t.Helper()
	name, _, _ := strings.Cut(text, " ")
	u.h.post("/sendCommand", map[string]any{"botToken": botToken, "from": u.from(), "chat": u.chat(), "text": text,
		"date": time.Now().Unix(), "entities": []map[string]any{{"offset": 0, "length": len([]rune(name)), "type": "bot_command"}}}, nil)
}

// SendText sends free text.
func (u *User) SendText(text string) {
	u.h.t.Helper()
	u.h.post("/sendMessage", map[string]any{"botToken": botToken, "from": u.from(), "chat": u.chat(), "text": text, "date": time.Now().Unix()}, nil)
}

// PressButton presses an inline button with this callback data under the bot message msg.
func (u *User) PressButton(msg BotMessage, data string) {
	u.h.t.Helper()
	u.h.post("/sendCallback", map[string]any{"botToken": botToken, "from": u.from(),
		"message": map[string]any{"message_id": msg.MessageID, "chat": u.chat()}, "data": data}, nil)
}

// WaitForBotMessage waits until the bot sends this user a message containing every one of
// wants (after the ones already seen), and returns it.
func (u *User) WaitForBotMessage(wants ...string) BotMessage {
	u.h.t.Helper()
	return u.waitFor(20*time.Second, func(m BotMessage) bool { return containsAll(m.Text, wants) }, wants)
}

// WaitForBotMessageWithin is WaitForBotMessage with a longer wait (a reminder due later).
func (u *User) WaitForBotMessageWithin(d time.Duration, wants ...string) BotMessage {
	u.h.t.Helper()
	return u.waitFor(d, func(m BotMessage) bool { return containsAll(m.Text, wants) }, wants)
}

// WaitForBotMessageWithButton waits for a new message with a button labelled label.
func (u *User) WaitForBotMessageWithButton(label string) BotMessage {
	u.h.t.Helper()
	return u.waitFor(20*time.Second, func(m BotMessage) bool { _, ok := m.ButtonLabelled(label); return ok }, []string{"button " + label})
}

func (u *User) waitFor(d time.Duration, match func(BotMessage) bool, wants []string) BotMessage {
	u.h.t.Helper()
	deadline := time.Now().Add(d)
	for {
		u.fetch()
		for i := u.next; i < len(u.Seen); i++ {
			if match(u.Seen[i]) {
				u.next = i + 1
				return u.Seen[i]
			}
		}
		if time.Now().After(deadline) {
			var got []string
			for _, m := range u.Seen[u.next:] {
				got = append(got, m.Text)
			}
			u.h.t.Fatalf("no bot message containing %q; got %q", wants, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func containsAll(s string, wants []string) bool {
	for _, w := range wants {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// fetch reads the bot's new messages to this user from the emulator.
func (u *User) fetch() {
	var resp struct {
		Result []struct {
			MessageID int64 `json:"messageId"`
			Message   struct {
				Text        string `json:"text"`
				ParseMode   string `json:"parse_mode"`
				ReplyMarkup *struct {
					InlineKeyboard [][]Button `json:"inline_keyboard"`
				} `json:"reply_markup"`
			} `json:"message"`
		} `json:"result"`
	}
	u.h.post("/getUpdates", map[string]any{"token": botToken, "chatId": u.ID}, &resp)
	for _, r := range resp.Result {
		text := r.Message.Text
		if r.Message.ParseMode == "HTML" {
			text = html.UnescapeString(text)
		}
		m := BotMessage{Text: text, MessageID: r.MessageID}
		if r.Message.ReplyMarkup != nil {
			m.Buttons = r.Message.ReplyMarkup.InlineKeyboard
		}
		u.Seen = append(u.Seen, m)
	}
}

// ButtonLabelled is the first button under a message whose text contains label.
func (m BotMessage) ButtonLabelled(label string) (Button, bool) {
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return b, true
			}
		}
	}
	return Button{}, false
}

// Tap presses the button labelled label under msg, failing the test when there is none.
func (u *User) Tap(msg BotMessage, label string) {
	u.h.t.Helper()
	b, ok := msg.ButtonLabelled(label)
	if !ok {
		u.h.t.Fatalf("no button %q under %q (buttons %v)", label, msg.Text, msg.Buttons)
	}
	u.PressButton(msg, b.CallbackData)
}

// FirstButton is the first button with callback data under a message, if any.
func (m BotMessage) FirstButton() (Button, bool) {
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.CallbackData != "" {
				return b, true
			}
		}
	}
	return Button{}, false
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
