package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium, which `make test` installs (scripts/services.sh).
const chromiumPath = "/usr/bin/chromium"

// The phone the page is checked on: 360 × 740 CSS pixels, as the cheap Android phones many
// beneficiaries use.
const phoneWidth, phoneHeight = 360, 740

// TestWebchatInChromium builds the real binary, starts it with --demo on embedded storage, and
// uses the web chat in headless Chromium at a phone's size: as a coordinator (left to right)
// and as an Arabic-speaking beneficiary (right to left), and through an invite link. Each step
// waits for the bot's answer to appear on the page. Screenshots go to the test's artifact
// directory (go test -artifacts -outputdir DIR keeps them).
func TestWebchatInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("Chromium is needed for the web chat test and is missing (%v): make test installs it, or apt-get install chromium", err)
	}
	srv := startDemoServer(t)

	t.Run("coordinator", func(t *testing.T) {
		p := openChat(t, srv.url)
		p.pickPersona("coordinator")
		p.press("#start")
		msgs := p.waitBotMessages(1)
		if msgs[0].Text == "" || msgs[0].Dir != "ltr" || msgs[0].Lang != "it" {
			t.Fatalf("the coordinator's answer = %+v, want Italian text, left to right", msgs[0])
		}
		if mine := p.eval(`document.querySelectorAll('.msg.me').length`); mine != "1" {
			t.Fatalf("%s messages of the person on the page, want the one sent", mine)
		}
		p.pressFirstButton(msgs)
		p.screenshot("coordinator-ltr")
		// Typing works as well as the start button.
		p.typeAndSend("ciao")
		p.waitBotMessages(len(msgs) + 1)
	})

	t.Run("rtl beneficiary", func(t *testing.T) {
		p := openChat(t, srv.url)
		p.pickPersona("beneficiary-ar")
		if dir := p.eval(`document.documentElement.dir`); dir != `"rtl"` {
			t.Fatalf("the page of an Arabic speaker has dir %s, want rtl (the layout mirrors)", dir)
		}
		p.press("#start")
		msgs := p.waitBotMessages(1)
		for _, m := range msgs {
			if m.Dir != "rtl" || m.Lang != "ar" || m.Text == "" {
				t.Fatalf("a message to an Arabic speaker = %+v, want dir rtl, lang ar", m)
			}
		}
		p.pressFirstButton(msgs)
		p.screenshot("beneficiary-rtl")
		// The bot's messages sit on the right, the person's own on the left.
		if side := p.eval(`(() => { const b = document.querySelector('.msg.bot').getBoundingClientRect(),
			m = document.querySelector('.msg.me').getBoundingClientRect(); return b.right > m.right && b.left > m.left; })()`); side != "true" {
			t.Fatal("in right-to-left the bot's messages should sit on the right and the person's on the left")
		}
	})

	t.Run("invite link", func(t *testing.T) {
		p := openChat(t, srv.url+"/?invite="+srv.invite)
		msgs := p.waitBotMessages(1)
		if sent := p.eval(`document.querySelector('.msg.me').textContent`); !strings.Contains(sent, "/start "+srv.invite) {
			t.Fatalf("the page sent %s, want /start with the invite code", sent)
		}
		if loc := p.eval(`location.search`); loc != `""` {
			t.Fatalf("the invite code stays in the address bar: %s", loc)
		}
		if msgs[0].Text == "" {
			t.Fatal("no answer to the invite link")
		}
		p.screenshot("invite-link")
	})
}

// demoServer is the binary running with --demo.
type demoServer struct {
	url    string
	invite string
}

// startDemoServer builds the binary and starts `insidebot serve --demo` on a free port with
// embedded storage in a temporary directory; it stops it (SIGINT, then kill) at the end.
func startDemoServer(t *testing.T) demoServer {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "insidebot")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--demo")
	cmd.Env = append(os.Environ(), "DATA_DIR="+filepath.Join(dir, "data"), "HTTP_ADDR=127.0.0.1:0", "LOG_FORMAT=json",
		"DATABASE_URL=", "REDIS_URL=", "PUBLIC_URL=", "TELEGRAM_BOT_TOKEN=", "WHATSAPP_ACCESS_TOKEN=", "WHATSAPP_PHONE_NUMBER_ID=")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var logMu sync.Mutex
	var logText strings.Builder
	ready := make(chan demoServer, 1)
	go func() {
		var srv demoServer
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logMu.Lock()
			logText.WriteString(sc.Text() + "\n")
			logMu.Unlock()
			var line struct {
				Msg    string `json:"msg"`
				Addr   string `json:"addr"`
				Invite string `json:"new_visitor_invite_code"`
			}
			if json.Unmarshal(sc.Bytes(), &line) != nil {
				continue
			}
			if line.Invite != "" {
				srv.invite = line.Invite
			}
			if line.Msg == "insidebot serving" {
				srv.url = line.Addr
				ready <- srv
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			logMu.Lock()
			t.Logf("server log:\n%s", logText.String())
			logMu.Unlock()
		}
	})
	select {
	case srv := <-ready:
		if srv.invite == "" {
			t.Fatal("the demo printed no invite code for the new visitor")
		}
		return srv
	case <-time.After(90 * time.Second):
		logMu.Lock()
		defer logMu.Unlock()
		t.Fatalf("the server did not start:\n%s", logText.String())
	}
	return demoServer{}
}

// chatPage is the web chat open in a fresh headless Chromium at a phone's size.
type chatPage struct {
	t   *testing.T
	ctx context.Context
}

func openChat(t *testing.T, url string) *chatPage {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(phoneWidth, phoneHeight),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first call starts the browser, which lives as long as that call's context: no timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	p := &chatPage{t: t, ctx: ctx}
	p.do(chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#composer")))
	return p
}

func (p *chatPage) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("browser: %v", err)
	}
}

// eval runs a JavaScript expression and returns its value as JSON.
func (p *chatPage) eval(expr string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return string(v)
}

// waitFor waits until a JavaScript expression is true.
func (p *chatPage) waitFor(what, expr string) {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for p.eval("!!("+expr+")") != "true" {
		if time.Now().After(deadline) {
			p.screenshot("timeout")
			p.t.Fatalf("waited 30 s for %s; page: %s", what, p.eval(`document.body.innerText`))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pickPersona chooses, in the demo's switcher, the first person of a role ("coordinator",
// "tutor", "newcomer") or the beneficiary speaking a language ("beneficiary-ar"), and waits
// for the page to be theirs.
func (p *chatPage) pickPersona(which string) {
	p.t.Helper()
	p.waitFor("the persona switcher", `document.querySelectorAll('#persona option').length > 1`)
	role, lang, _ := strings.Cut(which, "-")
	sel := fmt.Sprintf(`#persona option[data-role=%q]`, role)
	if lang != "" {
		sel = fmt.Sprintf(`#persona option[data-role=%q][data-lang=%q]`, role, lang)
	}
	key := p.eval(fmt.Sprintf(`(() => { const o = document.querySelector(%q); if (!o) return '';
		const s = document.querySelector('#persona'); s.value = o.value; s.dispatchEvent(new Event('change')); return o.value; })()`, sel))
	if key == `""` {
		p.t.Fatalf("no persona %s in the switcher: %s", which, p.eval(`document.querySelector('#persona').innerText`))
	}
	p.waitFor("a session of "+which, `localStorage.getItem('insidebot.webchat.token') && JSON.parse(localStorage.getItem('insidebot.webchat.personas') || '{}')[`+key+`]`)
	p.waitFor("the page in the person's language", `document.documentElement.lang === (document.querySelector('#persona option:checked').dataset.lang || document.documentElement.lang)`)
}

// press taps an element.
func (p *chatPage) press(css string) {
	p.t.Helper()
	p.do(chromedp.WaitVisible(chromedp.CSS(css)), chromedp.Click(chromedp.CSS(css)))
}

// typeAndSend types a message and sends it with the send button.
func (p *chatPage) typeAndSend(text string) {
	p.t.Helper()
	p.do(chromedp.SendKeys(chromedp.CSS("#text"), text), chromedp.Click(chromedp.CSS("#send")))
	p.waitFor("the message on the page", fmt.Sprintf(`[...document.querySelectorAll('.msg.me')].some(m => m.textContent.includes(%q))`, text))
}

// botMessage is a bot message as the page shows it.
type botMessage struct {
	Text    string   `json:"text"`
	Dir     string   `json:"dir"`
	Lang    string   `json:"lang"`
	Buttons []string `json:"buttons"`
}

// waitBotMessages waits for at least n bot messages and returns them all.
func (p *chatPage) waitBotMessages(n int) []botMessage {
	p.t.Helper()
	p.waitFor(fmt.Sprintf("%d bot message(s)", n), fmt.Sprintf(`document.querySelectorAll('.msg.bot').length >= %d`, n))
	raw := p.eval(`[...document.querySelectorAll('.msg.bot')].map(m => ({text: m.querySelector('.text').textContent,
		dir: m.getAttribute('dir'), lang: m.getAttribute('lang') || '',
		buttons: [...m.querySelectorAll('.buttons button')].map(b => b.textContent)}))`)
	var msgs []botMessage
	if err := json.Unmarshal([]byte(raw), &msgs); err != nil {
		p.t.Fatalf("messages %s: %v", raw, err)
	}
	return msgs
}

// pressFirstButton presses the first button under the last bot message, if it has any, and
// waits for the answer.
func (p *chatPage) pressFirstButton(msgs []botMessage) {
	p.t.Helper()
	last := msgs[len(msgs)-1]
	if len(last.Buttons) == 0 {
		return
	}
	p.do(chromedp.Click(chromedp.CSS(".msg.bot:last-of-type .buttons button")))
	p.waitBotMessages(len(msgs) + 1)
}

// screenshot saves the page as name.png in the test's artifact directory.
func (p *chatPage) screenshot(name string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Errorf("screenshot: %v", err)
		return
	}
	path := filepath.Join(p.t.ArtifactDir(), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Errorf("screenshot: %v", err)
		return
	}
	p.t.Logf("screenshot %s", path)
}
