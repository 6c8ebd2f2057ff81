package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot/webchat/browsertest"
	"github.com/insideaut/insidebot/locales"
)

// TestWebchatInChromium builds the real binary, starts it with --demo on embedded storage, and
// uses the web chat in headless Chromium at a phone's size: as a coordinator (left to right)
// and as an Arabic-speaking beneficiary (right to left), and through an invite link. Each step
// waits for the bot's answer to appear on the page; when an answer has buttons, the first is
// pressed and its answer awaited. Screenshots go to the test's artifact directory
// (go test -artifacts -outputdir DIR keeps them).
func TestWebchatInChromium(t *testing.T) {
	if _, err := os.Stat(browsertest.ChromiumPath); err != nil {
		t.Fatalf("Chromium is needed for the web chat test and is missing (%v): make test installs it, or apt-get install chromium", err)
	}
	srv := startDemoServer(t)

	t.Run("coordinator", func(t *testing.T) {
		p := browsertest.Open(t, srv.url)
		p.PickPersona("coordinator")
		p.Screenshot("coordinator-empty")
		p.Press("#start")
		msgs := p.WaitBotMessages(1)
		if msgs[0].Text == "" || msgs[0].Dir != "ltr" || msgs[0].Lang != "it" {
			t.Fatalf("the coordinator's answer = %+v, want Italian text, left to right", msgs[0])
		}
		if mine := p.Eval(`document.querySelectorAll('.msg.me').length`); mine != "1" {
			t.Fatalf("%s messages of the person on the page, want the one sent", mine)
		}
		msgs = p.PressFirstButton(msgs)
		p.Screenshot("coordinator-ltr")
		// Typing works as well as the start button.
		p.TypeAndSend("ciao")
		p.WaitBotMessages(len(msgs) + 1)
	})

	t.Run("rtl beneficiary", func(t *testing.T) {
		p := browsertest.Open(t, srv.url)
		p.PickPersona("newcomer")
		if invite := p.Eval(`document.querySelector('#invite').textContent`); !strings.Contains(invite, srv.invite) {
			t.Fatalf("the new visitor is not shown the demo invite code: %s", invite)
		}
		p.PickPersona("beneficiary-ar")
		if dir := p.Eval(`document.documentElement.dir`); dir != `"rtl"` {
			t.Fatalf("the page of an Arabic speaker has dir %s, want rtl (the layout mirrors)", dir)
		}
		p.Press("#start")
		msgs := p.PressFirstButton(p.WaitBotMessages(1))
		for _, m := range msgs {
			if m.Dir != "rtl" || m.Lang != "ar" || m.Text == "" {
				t.Fatalf("a message to an Arabic speaker = %+v, want dir rtl, lang ar", m)
			}
		}
		p.Screenshot("beneficiary-rtl")
		// The bot's messages sit on the right, the person's own on the left.
		if side := p.Eval(`(() => { const b = document.querySelector('.msg.bot').getBoundingClientRect(),
			m = document.querySelector('.msg.me').getBoundingClientRect(); return b.right > m.right && b.left > m.left; })()`); side != "true" {
			t.Fatal("in right-to-left the bot's messages should sit on the right and the person's on the left")
		}
	})

	t.Run("beneficiary taps through the menu", func(t *testing.T) {
		cat, err := locales.Load(nil)
		if err != nil {
			t.Fatal(err)
		}
		en := cat.For("en")
		p := browsertest.Open(t, srv.url)
		p.PickPersona("beneficiary-en")
		p.Press("#start")
		msgs := p.WaitBotMessages(1)
		if _, ok := lastWithButton(msgs, en.T("menu.plan")); !ok {
			t.Fatalf("the menu has no %q button: %+v", en.T("menu.plan"), msgs[len(msgs)-1])
		}
		plan := p.PressButton(en.T("menu.plan"))
		text := plan[len(plan)-1].Text
		// Steps are buttons labelled "<status> <n>. <title>", the title cut to fit.
		for _, want := range []string{"Job interview", "SPID"} {
			if !strings.Contains(text, want) && !hasButton(plan[len(plan)-1], want) {
				t.Fatalf("My plan lacks %q:\n%s %v", want, text, plan[len(plan)-1].Buttons)
			}
		}
		step := p.PressButton(buttonContaining(t, plan[len(plan)-1], "SPID"))
		if got := step[len(step)-1].Text; !strings.Contains(got, en.T("steps.spid.explain")[:20]) {
			t.Fatalf("the step does not explain itself:\n%s", got)
		}
		p.Screenshot("beneficiary-plan")
	})

	t.Run("a lead's contact after I'm interested", func(t *testing.T) {
		cat, err := locales.Load(nil)
		if err != nil {
			t.Fatal(err)
		}
		en := cat.For("en")
		const contact = "Sportello casa, via Padova 36" // the demo lead's contact for beneficiaries
		p := browsertest.Open(t, srv.url)
		p.PickPersona("beneficiary-en")
		p.Press("#start")
		p.WaitBotMessages(1)
		list := p.PressButton(en.T("menu.housing"))
		lead := p.PressButton(buttonContaining(t, list[len(list)-1], "Lambrate"))
		if got := lead[len(lead)-1].Text; !strings.Contains(got, "Lambrate") || strings.Contains(got, contact) {
			t.Fatalf("the lead before any interest:\n%s", got)
		}
		after := p.PressButton(en.T("leads.interested"))
		if got := after[len(after)-1].Text; !strings.Contains(got, en.T("lead_contact.line", "Contact", contact)) {
			t.Fatalf("after I'm interested the page shows no contact:\n%s", got)
		}
		p.Screenshot("lead-contact")
	})

	t.Run("invite link", func(t *testing.T) {
		p := browsertest.Open(t, srv.url+"/?invite="+srv.invite)
		msgs := p.WaitBotMessages(1)
		if sent := p.Eval(`document.querySelector('.msg.me').textContent`); !strings.Contains(sent, "/start "+srv.invite) {
			t.Fatalf("the page sent %s, want /start with the invite code", sent)
		}
		if loc := p.Eval(`location.search`); loc != `""` {
			t.Fatalf("the invite code stays in the address bar: %s", loc)
		}
		if msgs[0].Text == "" {
			t.Fatal("no answer to the invite link")
		}
		p.Screenshot("invite-link")
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
	cmd.Env = append(os.Environ(), "DATA_DIR="+filepath.Join(dir, "data"), "HTTP_ADDR=127.0.0.1:0", "METRICS_ADDR=off", "LOG_FORMAT=json",
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

func lastWithButton(msgs []browsertest.BotMessage, label string) (browsertest.BotMessage, bool) {
	m := msgs[len(msgs)-1]
	return m, hasButton(m, label)
}

func hasButton(m browsertest.BotMessage, label string) bool {
	for _, b := range m.Buttons {
		if strings.Contains(b, label) {
			return true
		}
	}
	return false
}

// buttonContaining is the full label of the button of m whose label contains part.
func buttonContaining(t *testing.T, m browsertest.BotMessage, part string) string {
	t.Helper()
	for _, b := range m.Buttons {
		if strings.Contains(b, part) {
			return b
		}
	}
	t.Fatalf("no button with %q in %v", part, m.Buttons)
	return ""
}
