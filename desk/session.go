package desk

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/insideaut/insidebot/desk/access"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// sessionCookie holds a desk session's token; the server keeps only its hash.
const sessionCookie = "desk_session"

// Request is a request of a signed-in, active staff member, as a page handler gets it.
type Request struct {
	*http.Request
	// Staff is who is signed in, read on this request: active, with their role, territory and
	// language.
	Staff storage.Staff
	// L renders texts in the staff member's language.
	L *locales.Localizer
	// Now is the time of the request (the desk's clock).
	Now time.Time
	// CSRF is the token every form of this session carries (field "csrf").
	CSRF string

	session string
	// shown is a notice a handler sets for the page it renders (a form's mistake shown with
	// the form as typed); none: the notice of the address, if any.
	shown notice
}

// signedIn serves a route to signed-in staff only. A POST's CSRF token is checked first, so a
// forged request changes nothing at all; then the session (idle for 12 hours, or of a staff
// member no longer active: ended here), then the route's roles.
func (d *Desk) signedIn(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, hr *http.Request) {
		now := d.cfg.Clock.Now()
		token := sessionTokenOf(hr)
		if !queryIsText(hr) {
			d.message(w, hr, nil, http.StatusBadRequest, "bad_form")
			return
		}
		if hr.Method != http.MethodGet && hr.Method != http.MethodHead {
			limit := rt.maxBody
			if limit <= 0 {
				limit = maxForm
			}
			if hr.ContentLength > limit {
				// Announced too large: refused before anything is read, with a clear page
				// (a body that only turns out too large fails its CSRF check: 403).
				d.message(w, hr, nil, http.StatusRequestEntityTooLarge, "too_large")
				return
			}
			hr.Body = http.MaxBytesReader(w, hr.Body, limit)
			if !csrfValid(hr, token) {
				d.message(w, hr, nil, http.StatusForbidden, "forbidden")
				return
			}
			if !formIsText(hr) {
				d.message(w, hr, nil, http.StatusBadRequest, "bad_form")
				return
			}
		}
		staff, err := access.Authenticate(hr.Context(), d.cfg.DB, token, now)
		switch {
		case errors.Is(err, access.ErrNoSession) && token == "":
			d.message(w, hr, nil, http.StatusUnauthorized, "need")
			return
		case errors.Is(err, access.ErrNoSession):
			d.clearCookie(w, sessionCookie, "/desk")
			d.message(w, hr, nil, http.StatusUnauthorized, "ended")
			return
		case errors.Is(err, access.ErrSessionIdle):
			d.clearCookie(w, sessionCookie, "/desk")
			d.message(w, hr, nil, http.StatusUnauthorized, "idle")
			return
		case errors.Is(err, access.ErrNotActiveStaff):
			d.clearCookie(w, sessionCookie, "/desk")
			d.message(w, hr, nil, http.StatusForbidden, "refused")
			return
		case err != nil:
			d.log.Error("desk session", "err", err)
			d.message(w, hr, nil, http.StatusServiceUnavailable, "error")
			return
		}
		r := &Request{Request: hr, Staff: staff, L: d.cfg.Catalog.For(staff.Lang), Now: now, CSRF: csrfToken(token), session: token}
		if !rt.allows(staff.Role) {
			if err := d.OutOfScope(w, r, "desk.page", "page", hr.URL.Path); err != nil {
				d.fail(w, r, err)
			}
			return
		}
		if err := rt.handle(w, r); err != nil {
			d.fail(w, r, err)
		}
	})
}

// fail answers a handler's failure with the error page and logs it.
func (d *Desk) fail(w http.ResponseWriter, r *Request, err error) {
	d.log.Error("desk page failed", "path", r.URL.Path, "staff", r.Staff.ID, "err", err)
	d.message(w, r.Request, r, http.StatusInternalServerError, "error")
}

func sessionTokenOf(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil || len(c.Value) > 100 {
		return ""
	}
	return c.Value
}

// setCookie sets an HttpOnly, SameSite=Strict cookie, Secure when PUBLIC_URL is https. A
// maxAge of 0 makes it a browser-session cookie: the server decides when a session ends.
func (d *Desk) setCookie(w http.ResponseWriter, name, value, path string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge, HttpOnly: true, Secure: d.secure,
		SameSite: http.SameSiteStrictMode})
}

func (d *Desk) clearCookie(w http.ResponseWriter, name, path string) {
	d.setCookie(w, name, "", path, -1)
}

// csrfToken is the CSRF token of a session: an HMAC keyed with the session's own token, which
// only the browser holding the cookie knows (the server keeps the session's hash). No session,
// no token.
func csrfToken(session string) string {
	if session == "" {
		return ""
	}
	m := hmac.New(sha256.New, []byte(session))
	m.Write([]byte("insidebot-desk-csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfValid tells whether a state-changing request carries its session's CSRF token, in the
// form field "csrf" or the X-CSRF-Token header (for a script).
func csrfValid(r *http.Request, session string) bool {
	want := csrfToken(session)
	if want == "" {
		return false
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return hmac.Equal([]byte(got), []byte(want))
}
