package desk

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/desk/access"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// testDesk is a desk with extra routes the tests define, to check what every route gets from
// the middleware: CSRF, sessions, roles, failures.
type testDesk struct {
	t  *testing.T
	d  *Desk
	db *storage.DB
	h  http.Handler
}

func newTestDesk(t *testing.T, db *storage.DB, extra ...route) *testDesk {
	t.Helper()
	cat, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Config{DB: db, Catalog: cat, Clock: clock.NewFake(t0), PublicURL: "http://desk.test",
		Domain: domain.New(domain.Deps{Notifier: notify.New(cat)})})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for _, rt := range extra {
		mux.Handle(rt.method+" "+rt.path, d.signedIn(rt))
	}
	mux.Handle("/desk/", d.Handler())
	return &testDesk{t: t, d: d, db: db, h: securityHeaders(mux)}
}

// session signs a new active staff member in and returns them with their session token.
func (td *testDesk) session(role string) (storage.Staff, string) {
	td.t.Helper()
	ctx := context.Background()
	id, err := storage.CreateStaff(ctx, td.db, storage.NewStaff{DisplayName: "Giulia Ferri", Role: role, Territory: "MI", Lang: "en"}, t0)
	if err != nil {
		td.t.Fatal(err)
	}
	if err := storage.SetStaffStatus(ctx, td.db, id, "active"); err != nil {
		td.t.Fatal(err)
	}
	link, err := td.d.Links().IssueLoginLink(ctx, td.db, id, t0)
	if err != nil {
		td.t.Fatal(err)
	}
	u, _ := url.Parse(link)
	session, staff, err := access.Login(ctx, td.db, u.Query().Get("t"), t0)
	if err != nil {
		td.t.Fatal(err)
	}
	return staff, session
}

func (td *testDesk) serve(method, path, session string, form url.Values, header map[string]string) *httptest.ResponseRecorder {
	td.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, path, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r.Header.Set("Accept-Language", "en")
	if session != "" {
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	td.h.ServeHTTP(w, r)
	return w
}

func TestEveryPostNeedsItsSessionsCSRFToken(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		var changed atomic.Int32
		change := route{method: http.MethodPost, path: "/desk/test/change", handle: func(w http.ResponseWriter, r *Request) error {
			changed.Add(1)
			http.Redirect(w, r.Request, "/desk/", http.StatusSeeOther)
			return nil
		}}
		td := newTestDesk(t, db, change)
		_, session := td.session(storage.RoleTutor)
		_, another := td.session(storage.RoleTutor)
		before, err := storage.DeskSessionByToken(context.Background(), db, session)
		if err != nil {
			t.Fatal(err)
		}
		for name, c := range map[string]struct {
			form   url.Values
			header map[string]string
		}{
			"no token":                  {form: url.Values{}},
			"an empty token":            {form: url.Values{"csrf": {""}}},
			"a wrong token":             {form: url.Values{"csrf": {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}},
			"another session's token":   {form: url.Values{"csrf": {csrfToken(another)}}},
			"the session's own token":   {form: url.Values{"csrf": {session}}},
			"a wrong token in a header": {form: url.Values{}, header: map[string]string{"X-CSRF-Token": csrfToken(another)}},
		} {
			for _, path := range []string{"/desk/test/change", "/desk/logout"} {
				w := td.serve(http.MethodPost, path, session, c.form, c.header)
				if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "Nothing was changed") {
					t.Fatalf("%s to %s: %d\n%s", name, path, w.Code, w.Body.String())
				}
			}
		}
		// Without a session there is no token to match.
		if w := td.serve(http.MethodPost, "/desk/test/change", "", url.Values{"csrf": {csrfToken(session)}}, nil); w.Code != http.StatusForbidden {
			t.Fatalf("without a session: %d", w.Code)
		}
		if changed.Load() != 0 {
			t.Fatalf("a refused POST reached its handler %d times", changed.Load())
		}
		after, err := storage.DeskSessionByToken(context.Background(), db, session)
		if err != nil || !after.LastSeenAt.Equal(before.LastSeenAt) {
			t.Fatalf("a refused POST touched the session: %+v %v", after, err)
		}
		if es, _ := storage.AuditEntries(context.Background(), db, storage.AuditFilter{Action: access.ActionLogout}); len(es) != 0 {
			t.Fatalf("a refused log out was carried out: %+v", es)
		}
		// The right token, in the form or in a header, goes through.
		if w := td.serve(http.MethodPost, "/desk/test/change", session, url.Values{"csrf": {csrfToken(session)}}, nil); w.Code != http.StatusSeeOther {
			t.Fatalf("with the token: %d\n%s", w.Code, w.Body.String())
		}
		if w := td.serve(http.MethodPost, "/desk/test/change", session, url.Values{}, map[string]string{"X-CSRF-Token": csrfToken(session)}); w.Code != http.StatusSeeOther {
			t.Fatalf("with the token in a header: %d", w.Code)
		}
		if changed.Load() != 2 {
			t.Fatalf("%d changes, want 2", changed.Load())
		}
	})
}

// A page of another role answers 404, like a page that does not exist, and the attempt is
// audited; OutOfScope does the same for a record.
func TestOutOfScopeIsNotFoundAndAudited(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		adminOnly := route{method: http.MethodGet, path: "/desk/test/audit", roles: []string{storage.RoleAdmin},
			handle: func(w http.ResponseWriter, r *Request) error {
				_, err := io.WriteString(w, "the audit log")
				return err
			}}
		var td *testDesk
		person := route{method: http.MethodGet, path: "/desk/test/person/{code}", handle: func(w http.ResponseWriter, r *Request) error {
			return td.d.OutOfScope(w, r, "desk.person", "beneficiary", r.PathValue("code"))
		}}
		td = newTestDesk(t, db, adminOnly, person)
		tutor, session := td.session(storage.RoleTutor)
		_, admin := td.session(storage.RoleAdmin)

		missing := td.serve(http.MethodGet, "/desk/no-such-page", session, nil, nil)
		for _, path := range []string{"/desk/test/audit", "/desk/test/person/BO-004"} {
			w := td.serve(http.MethodGet, path, session, nil, nil)
			if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "Page not found") {
				t.Fatalf("%s: %d\n%s", path, w.Code, w.Body.String())
			}
			if strings.Contains(w.Body.String(), "the audit log") {
				t.Fatal("the page of another role was shown")
			}
			// Signed in, the refusal keeps the navigation bar; otherwise it reads as a page
			// that does not exist.
			if !strings.Contains(w.Body.String(), `aria-label="Desk pages"`) || missing.Code != http.StatusNotFound {
				t.Fatalf("%s: the 404 page of a signed-in staff member has no navigation\n%s", path, w.Body.String())
			}
		}
		es, err := storage.AuditEntries(context.Background(), db, storage.AuditFilter{ActorID: tutor.ID, Outcome: storage.OutcomeDenied})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 2 || es[0].Action != "desk.person" || es[0].TargetKind != "beneficiary" || es[0].TargetID != "BO-004" ||
			es[1].Action != "desk.page" || es[1].TargetID != "/desk/test/audit" || es[0].ActorKind != storage.ActorStaff {
			t.Fatalf("audit: %+v", es)
		}
		if w := td.serve(http.MethodGet, "/desk/test/audit", admin, nil, nil); w.Code != http.StatusOK || w.Body.String() != "the audit log" {
			t.Fatalf("the admin's own page: %d %s", w.Code, w.Body.String())
		}
	})
}

// A handler's failure gives the localized error page, never a half-written page.
func TestAFailingPageShowsTheErrorPage(t *testing.T) {
	db := storagetest.SQLite(t)
	broken := route{method: http.MethodGet, path: "/desk/test/broken", handle: func(w http.ResponseWriter, r *Request) error {
		return errors.New("the database went away")
	}}
	td := newTestDesk(t, db, broken)
	_, session := td.session(storage.RoleCoordinator)
	w := td.serve(http.MethodGet, "/desk/test/broken", session, nil, nil)
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), "Nothing was lost") ||
		strings.Contains(w.Body.String(), "database went away") {
		t.Fatalf("%d\n%s", w.Code, w.Body.String())
	}
}
