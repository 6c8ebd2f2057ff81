package desk_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

var (
	inlineScript = regexp.MustCompile(`<script(?:\s[^>]*)?>`)
	inlineStyle  = regexp.MustCompile(`(?i)<style|\sstyle=|\son[a-z]+=|javascript:`)
)

// Every answer of the desk, whatever it is, carries the security headers; pages (which hold
// personal data) are never stored; no page has inline script or style, which the policy would
// block anyway.
func TestHeadersOnEveryAnswer(t *testing.T) {
	db := storagetest.SQLite(t)
	h := newHarness(t, db)
	tutor := h.staff(storage.RoleTutor, "MI", "active", "it", "Marco Bassi")
	signed := h.browser("it")
	login := signed.signIn(h.link(tutor.ID))
	used := h.link(tutor.ID)
	h.browser("it").signIn(used)
	anon := h.browser("it")
	linkPage := anon.get(h.link(tutor.ID))

	answers := map[string]page{
		"Home":                   signed.get("/desk/"),
		"Home without a session": anon.get("/desk/"),
		"the sign-in page":       linkPage,
		"signing in":             login,
		"a used link":            anon.get(used),
		"an unknown path":        signed.get("/desk/nothing/here"),
		"a forged POST":          signed.post("/desk/logout", url.Values{"csrf": {"forged"}}),
		"a wrong method":         signed.post("/desk/", url.Values{}),
		"the style sheet":        anon.get("/desk/static/desk.css"),
		"the static directory":   anon.get("/desk/static/"),
		"log out":                signed.post("/desk/logout", url.Values{"csrf": {signed.csrf()}}),
		"signed out":             signed.get("/desk/signed-out"),
	}
	for name, p := range answers {
		csp := p.header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: Content-Security-Policy %q lacks %q", name, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") || strings.Contains(csp, "http") {
			t.Errorf("%s: Content-Security-Policy %q allows inline code or another site", name, csp)
		}
		for header, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"} {
			if got := p.header.Get(header); got != want {
				t.Errorf("%s: %s = %q, want %q", name, header, got, want)
			}
		}
		if strings.HasPrefix(p.header.Get("Content-Type"), "text/html") {
			if cc := p.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s: a page with Cache-Control %q, want no-store", name, cc)
			}
			if inlineScript.MatchString(p.body) || inlineStyle.MatchString(p.body) {
				t.Errorf("%s: inline script or style:\n%s", name, p.body)
			}
		}
	}
	if p := answers["the style sheet"]; p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Type"), "text/css") {
		t.Fatalf("style sheet: %d %s", p.status, p.header.Get("Content-Type"))
	}
	if p := answers["the static directory"]; p.status != http.StatusNotFound || strings.Contains(p.body, `<a href="desk.css">`) {
		t.Fatalf("the static directory is listed: %d\n%s", p.status, p.body)
	}
	// The token's page says not to send it anywhere, and nothing on it points elsewhere.
	if !strings.Contains(linkPage.body, `<meta name="referrer" content="no-referrer">`) || strings.Contains(linkPage.body, "http") {
		t.Fatalf("the sign-in page:\n%s", linkPage.body)
	}
}
