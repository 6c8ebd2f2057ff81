package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/desk/access"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

var deskHidden = regexp.MustCompile(`<input type="hidden" name="(\w+)" value="([^"]*)">`)

// deskClient is a browser of the desk: its own cookies, no redirects followed.
func deskClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func deskGet(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// deskSignIn presses the sign-in button of a page and follows to Home.
func deskSignIn(t *testing.T, c *http.Client, base, page string) string {
	t.Helper()
	form := url.Values{}
	for _, m := range deskHidden.FindAllStringSubmatch(page, -1) {
		form.Set(m[1], m[2])
	}
	resp, err := c.PostForm(base+"/desk/login", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	status, home := deskGet(t, c, base+"/desk/")
	if status != http.StatusOK {
		t.Fatalf("Home after signing in: %d\n%s", status, home)
	}
	return home
}

func buildForDesk(t *testing.T, demo bool) (*app, *httptest.Server) {
	t.Helper()
	cfg, err := loadConfig(envOf(map[string]string{"DATA_DIR": filepath.Join(t.TempDir(), "data"), "REDIS_URL": storagetest.RedisURL(),
		"REDIS_PREFIX": "test-desk-" + strconv.FormatInt(time.Now().UnixNano(), 36) + ":", "PRIVACY_CONTACT": "privacy@example.org"}))
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(context.Background(), cfg, slog.New(slog.DiscardHandler), demo)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.mux)
	t.Cleanup(func() { srv.Close(); a.close() })
	return a, srv
}

// In serve --demo a newcomer opens the desk as the demo's tutor and coordinator, from the web
// chat's demo panel, without a token from the bot.
func TestDemoOpensTheDeskAsItsStaff(t *testing.T) {
	_, srv := buildForDesk(t, true)
	_, chat := deskGet(t, deskClient(t), srv.URL+"/")
	for _, want := range []string{`href="/desk/demo-login?as=tutor"`, `href="/desk/demo-login?as=coordinator"`} {
		if !strings.Contains(chat, want) {
			t.Fatalf("the demo's web chat page has no %s", want)
		}
	}
	for as, name := range map[string]string{"tutor": "Marco Bassi", "coordinator": "Giulia Ferri"} {
		c := deskClient(t)
		status, page := deskGet(t, c, srv.URL+"/desk/demo-login?as="+as)
		if status != http.StatusOK || !strings.Contains(page, name) {
			t.Fatalf("demo login as %s: %d\n%s", as, status, page)
		}
		if home := deskSignIn(t, c, srv.URL, page); !strings.Contains(home, name) || !strings.Contains(home, `action="/desk/logout"`) {
			t.Fatalf("the desk as the demo %s:\n%s", as, home)
		}
	}
	for _, as := range []string{"admin", "beneficiary", ""} {
		if status, _ := deskGet(t, deskClient(t), srv.URL+"/desk/demo-login?as="+as); status != http.StatusNotFound {
			t.Fatalf("demo login as %q: %d", as, status)
		}
	}
}

// Outside the demo the desk is there, behind its links, and the demo's way in is not.
func TestServeMountsTheDesk(t *testing.T) {
	_, srv := buildForDesk(t, false)
	c := deskClient(t)
	if status, _ := deskGet(t, c, srv.URL+"/desk/"); status != http.StatusUnauthorized {
		t.Fatalf("/desk/ without a session: %d", status)
	}
	if status, _ := deskGet(t, c, srv.URL+"/desk/demo-login?as=tutor"); status != http.StatusNotFound {
		t.Fatalf("/desk/demo-login outside the demo: %d", status)
	}
	if _, chat := deskGet(t, c, srv.URL+"/"); strings.Contains(chat, "demo-login") {
		t.Fatal("the web chat page offers the demo's desk outside the demo")
	}
}

// The first coordinator gets in from the command line; nobody else does.
func TestDeskLinkCommand(t *testing.T) {
	db, dbURL := storagetest.Postgres(t)
	vars := map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": storagetest.RedisURL(), "PUBLIC_URL": "https://bot.example.org",
		"REDIS_PREFIX": "test-desk-link-" + strconv.FormatInt(time.Now().UnixNano(), 36) + ":"}
	run1 := func(args ...string) (string, string, error) {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, envOf(vars), &out, &errOut)
		return out.String(), errOut.String(), err
	}
	invite := func(args ...string) int64 {
		out, errOut, err := run1(append([]string{"invite", "--json"}, args...)...)
		if err != nil {
			t.Fatalf("invite: %v\n%s", err, errOut)
		}
		var inv struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal([]byte(out), &inv); err != nil {
			t.Fatal(err)
		}
		return inv.ID
	}
	coord := invite("--role", "coordinator", "--name", "Chiara Rossi")
	var beneficiary int64
	for range 3 {
		beneficiary = invite("--role", "beneficiary", "--territory", "MI")
	}

	// Invited, not yet active: no link.
	_, _, err := run1("desk-link", "--staff", strconv.FormatInt(coord, 10))
	if code := exitCode(err, io.Discard); code != 1 || !strings.Contains(err.Error(), "not an active staff member") {
		t.Fatalf("a pending coordinator: exit %d, %v", code, err)
	}
	if err := storage.SetStaffStatus(context.Background(), db, coord, "active"); err != nil {
		t.Fatal(err)
	}
	out, _, err := run1("desk-link", "--staff", strconv.FormatInt(coord, 10))
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`https://bot\.example\.org/desk/login\?t=[A-Za-z0-9_-]{43}`).FindString(out)
	if link == "" || !strings.Contains(out, "Chiara Rossi (coordinator #") {
		t.Fatalf("desk-link printed:\n%s", out)
	}
	u, _ := url.Parse(link)
	if who, err := access.CheckLink(context.Background(), db, u.Query().Get("t"), time.Now()); err != nil || who.ID != coord {
		t.Fatalf("the printed link: %+v %v", who, err)
	}
	if es, err := storage.AuditEntries(context.Background(), db, storage.AuditFilter{Action: access.ActionLinkIssued}); err != nil ||
		len(es) != 1 || es[0].ActorKind != storage.ActorCLI {
		t.Fatalf("desk-link audit: %+v %v", es, err)
	}

	// A beneficiary's id (no staff member has it) and a disabled coordinator get nothing.
	if beneficiary <= coord {
		t.Fatalf("beneficiary id %d is also a staff id", beneficiary)
	}
	if _, _, err := run1("desk-link", "--staff", strconv.FormatInt(beneficiary, 10)); err == nil || !strings.Contains(err.Error(), "not an active staff member") {
		t.Fatalf("a beneficiary's id: %v", err)
	}
	if err := storage.SetStaffStatus(context.Background(), db, coord, "disabled"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run1("desk-link", "--staff", strconv.FormatInt(coord, 10)); err == nil || !strings.Contains(err.Error(), "not an active staff member") {
		t.Fatalf("a disabled coordinator: %v", err)
	}
}
