package desk_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/desk"
	"github.com/insideaut/insidebot/desk/access"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// harness is the desk on a real database behind a real HTTP server, with a clock the test
// moves.
type harness struct {
	t     testing.TB
	db    *storage.DB
	clock *clock.Fake
	cat   *locales.Catalog
	srv   *httptest.Server
	links access.Links
	wakes atomic.Int64 // how many times the desk woke the outbox senders
}

func newHarness(t testing.TB, db *storage.DB, opts ...func(*desk.Config)) *harness {
	t.Helper()
	cat, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, db: db, clock: clock.NewFake(t0), cat: cat}
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.srv = httptest.NewUnstartedServer(mux)
	cfg := desk.Config{DB: db, Catalog: cat, Clock: h.clock, PublicURL: "http://" + h.srv.Listener.Addr().String(), Location: rome,
		Domain: domain.New(domain.Deps{Notifier: notify.New(cat), Location: rome}), Wake: func() { h.wakes.Add(1) }}
	for _, o := range opts {
		o(&cfg)
	}
	d, err := desk.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d.Mount(mux)
	h.links = d.Links()
	h.srv.Start()
	t.Cleanup(h.srv.Close)
	return h
}

// staff creates a staff member with a status and a language.
func (h *harness) staff(role, territory, status, lang, name string) storage.Staff {
	h.t.Helper()
	ctx := context.Background()
	id, err := storage.CreateStaff(ctx, h.db, storage.NewStaff{DisplayName: name, Role: role, Territory: territory, Lang: lang}, t0)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := storage.SetStaffStatus(ctx, h.db, id, status); err != nil {
		h.t.Fatal(err)
	}
	s, err := storage.StaffByID(ctx, h.db, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

func (h *harness) setStatus(id int64, status string) {
	h.t.Helper()
	if err := storage.SetStaffStatus(context.Background(), h.db, id, status); err != nil {
		h.t.Fatal(err)
	}
}

// link issues a login link now.
func (h *harness) link(staffID int64) string {
	h.t.Helper()
	l, err := h.links.IssueLoginLink(context.Background(), h.db, staffID, h.clock.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	return l
}

// browser is a client with its own cookies that does not follow redirects.
type browser struct {
	h    *harness
	c    *http.Client
	lang string
}

func (h *harness) browser(lang string) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return &browser{h: h, lang: lang, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is an answer as a test reads it.
type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(req *http.Request) page {
	b.h.t.Helper()
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.h.t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func (b *browser) get(path string) page {
	b.h.t.Helper()
	if !strings.HasPrefix(path, "http") {
		path = b.h.srv.URL + path
	}
	req, err := http.NewRequest(http.MethodGet, path, nil)
	if err != nil {
		b.h.t.Fatal(err)
	}
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) page {
	b.h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.h.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var hiddenField = regexp.MustCompile(`<input type="hidden" name="(\w+)" value="([^"]*)">`)

// fields are a page's hidden form fields.
func (p page) fields() url.Values {
	v := url.Values{}
	for _, m := range hiddenField.FindAllStringSubmatch(p.body, -1) {
		v.Set(m[1], m[2])
	}
	return v
}

// signIn opens a login link and presses its button, ending on Home.
func (b *browser) signIn(link string) page {
	b.h.t.Helper()
	p := b.get(link)
	if p.status != http.StatusOK || !strings.Contains(p.body, `action="/desk/login"`) {
		b.h.t.Fatalf("the link's page: %d\n%s", p.status, p.body)
	}
	done := b.post("/desk/login", p.fields())
	if done.status != http.StatusSeeOther || done.header.Get("Location") != "/desk/" {
		b.h.t.Fatalf("signing in: %d %q\n%s", done.status, done.header.Get("Location"), done.body)
	}
	return done
}

// csrf is the token in the forms of a page of this browser's session.
func (b *browser) csrf() string {
	b.h.t.Helper()
	p := b.get("/desk/")
	tok := p.fields().Get("csrf")
	if p.status != http.StatusOK || tok == "" {
		b.h.t.Fatalf("no CSRF token on Home: %d\n%s", p.status, p.body)
	}
	return tok
}

// text is a message in a language, as html/template escapes it on a page.
func (h *harness) text(lang, id string, kv ...any) string {
	return htmlText(h.cat.For(lang).T(id, kv...))
}

// htmlText is text as html/template writes it into a page.
func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "+", "&#43;").Replace(s)
}

func (h *harness) wantPage(p page, status int, lang, id string) {
	h.t.Helper()
	if p.status != status || !strings.Contains(p.body, h.text(lang, id)) {
		h.t.Fatalf("got %d, want %d with %q (%s)\n%s", p.status, status, h.text(lang, id), id, p.body)
	}
}

func (h *harness) audit(action, outcome string) []storage.AuditEntry {
	h.t.Helper()
	es, err := storage.AuditEntries(context.Background(), h.db, storage.AuditFilter{Action: action, Outcome: outcome})
	if err != nil {
		h.t.Fatal(err)
	}
	return es
}

func (h *harness) sessions(staffID int64) int {
	h.t.Helper()
	var n int
	if err := h.db.Get(context.Background(), &n, `SELECT COUNT(*) FROM desk_sessions WHERE staff_id = ?`, staffID); err != nil {
		h.t.Fatal(err)
	}
	return n
}

func tokenOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("t")
}

func linkUsed(t *testing.T, db *storage.DB, link string) bool {
	t.Helper()
	l, err := storage.DeskLinkByToken(context.Background(), db, tokenOf(t, link))
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		t.Fatal(err)
	}
	return l.UsedAt.Valid
}
