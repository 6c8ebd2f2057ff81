package desk_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/desk"
	"github.com/insideaut/insidebot/desk/access"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// cookieOf finds a Set-Cookie of an answer.
func cookieOf(p page, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: p.header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestLoginLinkOpensTheDeskOnce(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		tutor := h.staff(storage.RoleTutor, "MI", "active", "it", "Marco Bassi")
		link := h.link(tutor.ID)
		b := h.browser("it")

		// Opening the link only shows who signs in: the link is still unused.
		p := b.get(link)
		if p.status != http.StatusOK || !strings.Contains(p.body, h.text("it", "desk.login.as", "Name", "Marco Bassi", "Role", "Tutor")) {
			t.Fatalf("the link's page: %d\n%s", p.status, p.body)
		}
		if linkUsed(t, db, link) {
			t.Fatal("opening the link used it up: a chat app's preview would spend it")
		}
		nonce := cookieOf(p, "desk_login")
		if nonce == nil || !nonce.HttpOnly || nonce.SameSite != http.SameSiteStrictMode || nonce.Path != "/desk/login" {
			t.Fatalf("the sign-in page's cookie: %+v", nonce)
		}

		done := b.post("/desk/login", p.fields())
		if done.status != http.StatusSeeOther || done.header.Get("Location") != "/desk/" {
			t.Fatalf("pressing the button: %d %q", done.status, done.header.Get("Location"))
		}
		c := cookieOf(done, "desk_session")
		if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure || c.Path != "/desk" || len(c.Value) != 43 {
			t.Fatalf("session cookie: %+v", c)
		}
		if !linkUsed(t, db, link) {
			t.Fatal("the link is still unused after signing in")
		}

		home := b.get("/desk/")
		if home.status != http.StatusOK {
			t.Fatalf("Home: %d\n%s", home.status, home.body)
		}
		for _, want := range []string{"Marco Bassi", h.text("it", "desk.role.tutor"), h.text("it", "desk.logout"),
			`href="/desk/" aria-current="page">` + h.text("it", "desk.nav.home"), `<html lang="it" dir="ltr">`} {
			if !strings.Contains(home.body, want) {
				t.Fatalf("Home lacks %q:\n%s", want, home.body)
			}
		}
		if es := h.audit(access.ActionLogin, storage.OutcomeOK); len(es) != 1 || es[0].ActorID.Int64 != tutor.ID {
			t.Fatalf("login audit: %+v", es)
		}

		// The same link again, in another browser: a clear page, no session.
		other := h.browser("it")
		h.wantPage(other.get(link), http.StatusGone, "it", "desk.msg.link_used")
		if n := h.sessions(tutor.ID); n != 1 {
			t.Fatalf("%d sessions, want 1", n)
		}
		// Pressing the button of the page opened before, once more.
		again := b.post("/desk/login", p.fields())
		h.wantPage(again, http.StatusGone, "it", "desk.msg.link_used")
	})
}

func TestLinksThatDoNotSignIn(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		tutor := h.staff(storage.RoleTutor, "MI", "active", "it", "Marco Bassi")

		// Expired: 10 minutes after it was made, in the browser's language.
		late := h.link(tutor.ID)
		h.clock.Advance(access.LinkTTL)
		h.wantPage(h.browser("en-GB,en;q=0.8").get(late), http.StatusGone, "en", "desk.msg.link_expired")
		h.wantPage(h.browser("it-IT").get(late), http.StatusGone, "it", "desk.msg.link_expired")
		// The page opened in time, pressed too late.
		b := h.browser("it")
		fresh := h.link(tutor.ID)
		p := b.get(fresh)
		h.clock.Advance(access.LinkTTL + time.Second)
		h.wantPage(b.post("/desk/login", p.fields()), http.StatusGone, "it", "desk.msg.link_expired")
		if h.sessions(tutor.ID) != 0 {
			t.Fatal("an expired link started a session")
		}

		// Made up, cut short, or no token at all.
		for _, path := range []string{"/desk/login?t=" + tokenOf(t, fresh)[:20], "/desk/login?t=nothing", "/desk/login",
			"/desk/login?t=" + strings.Repeat("A", 5000)} {
			h.wantPage(h.browser("it").get(path), http.StatusNotFound, "it", "desk.msg.link_invalid")
		}

		// A disabled staff member's link, and a pending one's, open nothing.
		h.clock.Set(t0)
		sent := h.link(tutor.ID)
		h.setStatus(tutor.ID, "disabled")
		b = h.browser("it")
		h.wantPage(b.get(sent), http.StatusForbidden, "it", "desk.msg.refused")
		h.setStatus(tutor.ID, "active")
		p = b.get(sent)
		h.setStatus(tutor.ID, "disabled")
		h.wantPage(b.post("/desk/login", p.fields()), http.StatusForbidden, "it", "desk.msg.refused")
		if h.sessions(tutor.ID) != 0 || linkUsed(t, db, sent) {
			t.Fatal("a disabled staff member signed in")
		}
		if es := h.audit(access.ActionLogin, storage.OutcomeDenied); len(es) < 2 {
			t.Fatalf("refused logins are not audited: %+v", es)
		}
	})
}

// The button's POST must come from the page that showed it: a form posted from elsewhere (no
// nonce cookie, or another one) signs no one in and leaves the link for its owner.
func TestSignInNeedsThePageItCameFrom(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		tutor := h.staff(storage.RoleTutor, "MI", "active", "it", "Marco Bassi")
		link := h.link(tutor.ID)
		forged := url.Values{"t": {tokenOf(t, link)}, "nonce": {"made-up"}}
		h.wantPage(h.browser("it").post("/desk/login", forged), http.StatusForbidden, "it", "desk.msg.forbidden")
		b := h.browser("it")
		p := b.get(link)
		bad := p.fields()
		bad.Set("nonce", "another")
		h.wantPage(b.post("/desk/login", bad), http.StatusForbidden, "it", "desk.msg.forbidden")
		if linkUsed(t, db, link) || h.sessions(tutor.ID) != 0 {
			t.Fatal("a forged sign-in changed something")
		}
		b.signIn(link)
	})
}

func TestSecureCookiesBehindHTTPS(t *testing.T) {
	db := storagetest.SQLite(t)
	h := newHarness(t, db, func(c *desk.Config) { c.PublicURL = "https://bot.example.org" })
	tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
	link := h.link(tutor.ID)
	if !strings.HasPrefix(link, "https://bot.example.org/desk/login?t=") {
		t.Fatalf("link %q", link)
	}
	b := h.browser("en")
	p := b.get(strings.Replace(link, "https://bot.example.org", h.srv.URL, 1))
	if c := cookieOf(p, "desk_login"); c == nil || !c.Secure {
		t.Fatalf("the nonce cookie over https: %+v", c)
	}
	done := b.post("/desk/login", p.fields())
	if c := cookieOf(done, "desk_session"); done.status != http.StatusSeeOther || c == nil || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Fatalf("the session cookie over https: %d %+v", done.status, c)
	}
}

func TestLogOut(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		b := h.browser("en")
		b.signIn(h.link(tutor.ID))
		other := h.browser("en")
		other.signIn(h.link(tutor.ID))
		// The cookie this browser holds, to try it again after logging out.
		u, _ := url.Parse(h.srv.URL + "/desk/")
		old := b.c.Jar.Cookies(u)

		out := b.post("/desk/logout", url.Values{"csrf": {b.csrf()}})
		if out.status != http.StatusSeeOther || out.header.Get("Location") != "/desk/signed-out" {
			t.Fatalf("log out: %d %q", out.status, out.header.Get("Location"))
		}
		if c := cookieOf(out, "desk_session"); c == nil || c.MaxAge >= 0 {
			t.Fatalf("log out keeps the cookie: %+v", c)
		}
		h.wantPage(b.get("/desk/signed-out"), http.StatusOK, "en", "desk.msg.signed_out")
		h.wantPage(b.get("/desk/"), http.StatusUnauthorized, "en", "desk.msg.need")
		// The old cookie, kept by someone, opens nothing.
		b.c.Jar.SetCookies(u, old)
		h.wantPage(b.get("/desk/"), http.StatusUnauthorized, "en", "desk.msg.ended")
		// The other browser is still signed in.
		if p := other.get("/desk/"); p.status != http.StatusOK {
			t.Fatalf("logging out one browser ended another: %d", p.status)
		}
		if es := h.audit(access.ActionLogout, storage.OutcomeOK); len(es) != 1 {
			t.Fatalf("log out audit: %+v", es)
		}
		// Log out is a POST only.
		if p := other.get("/desk/logout"); p.status == http.StatusSeeOther || p.status == http.StatusOK {
			t.Fatalf("GET /desk/logout answered %d", p.status)
		}
		if h.sessions(tutor.ID) != 1 {
			t.Fatal("a GET ended a session")
		}
	})
}

func TestSessionsEndAfterTwelveIdleHoursOrAtDeactivation(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		b := h.browser("en")
		b.signIn(h.link(tutor.ID))
		for range 3 { // used every 11 hours: still signed in after 33
			h.clock.Advance(11 * time.Hour)
			if p := b.get("/desk/"); p.status != http.StatusOK {
				t.Fatalf("after 11 hours: %d", p.status)
			}
		}
		h.clock.Advance(access.IdleTimeout)
		h.wantPage(b.get("/desk/"), http.StatusUnauthorized, "en", "desk.msg.idle")
		h.wantPage(b.get("/desk/"), http.StatusUnauthorized, "en", "desk.msg.need")

		// Deactivated: the next request is refused, and re-activation does not revive it.
		b.signIn(h.link(tutor.ID))
		h.setStatus(tutor.ID, "disabled")
		h.wantPage(b.get("/desk/"), http.StatusForbidden, "en", "desk.msg.refused")
		h.setStatus(tutor.ID, "active")
		h.wantPage(b.get("/desk/"), http.StatusUnauthorized, "en", "desk.msg.need")

		// /desk logout in the chat ends every browser's session.
		one, two := h.browser("en"), h.browser("en")
		one.signIn(h.link(tutor.ID))
		two.signIn(h.link(tutor.ID))
		if _, err := access.EndSessions(context.Background(), db, tutor.ID, storage.Actor{Kind: storage.ActorStaff, ID: tutor.ID}, h.clock.Now()); err != nil {
			t.Fatal(err)
		}
		h.wantPage(one.get("/desk/"), http.StatusUnauthorized, "en", "desk.msg.ended")
		h.wantPage(two.get("/desk/"), http.StatusUnauthorized, "en", "desk.msg.ended")
	})
}

func TestNotSignedIn(t *testing.T) {
	db := storagetest.SQLite(t)
	h := newHarness(t, db)
	h.wantPage(h.browser("it").get("/desk/"), http.StatusUnauthorized, "it", "desk.msg.need")
	h.wantPage(h.browser("fr").get("/desk/"), http.StatusUnauthorized, "fr", "desk.msg.need")
	// A language the bot does not speak: Italian, the staff's language.
	h.wantPage(h.browser("de-DE").get("/desk/"), http.StatusUnauthorized, "it", "desk.msg.need")
	h.wantPage(h.browser("en").get("/desk/no-such-page"), http.StatusNotFound, "en", "desk.msg.not_found")
	// Without --demo the demo's way in does not exist.
	h.wantPage(h.browser("en").get("/desk/demo-login?as=tutor"), http.StatusNotFound, "en", "desk.msg.not_found")
}
