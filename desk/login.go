package desk

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/insideaut/insidebot/desk/access"
	"github.com/insideaut/insidebot/storage"
)

// Signing in takes two steps. Opening the link (GET /desk/login?t=…) only shows who is about
// to sign in, with one button; pressing it (POST /desk/login) uses the link up and starts the
// session. A GET that used the link would be spent by whatever fetches links before the person
// does (a chat app's link preview, a mail scanner), and a session cookie set at the end of a
// navigation that began in another site is not sent back by a SameSite=Strict browser; the
// POST comes from the desk's own page, so its cookie holds. The POST carries a nonce that
// must match a cookie set with the page, so no other site can sign a browser in as someone
// else.

// loginCookie holds the nonce of a sign-in page until its button is pressed.
const loginCookie = "desk_login"

// loginData is the sign-in page's own data.
type loginData struct {
	Token, Nonce string
	Name, Role   string
}

// loginPage shows the sign-in button for a link that works, or says clearly why it does not.
func (d *Desk) loginPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("t")
	staff, err := access.CheckLink(r.Context(), d.cfg.DB, token, d.cfg.Clock.Now())
	if err != nil {
		d.linkRefused(w, r, err)
		return
	}
	d.signInPage(w, r, token, staff)
}

// signInPage shows a staff member the button that signs them in with token.
func (d *Desk) signInPage(w http.ResponseWriter, r *http.Request, token string, staff storage.Staff) {
	nonce, err := randomToken()
	if err != nil {
		d.log.Error("desk login nonce", "err", err)
		d.message(w, r, nil, http.StatusServiceUnavailable, "error")
		return
	}
	d.setCookie(w, loginCookie, nonce, "/desk/login", int(access.LinkTTL.Seconds()))
	l := d.cfg.Catalog.For(staff.Lang)
	v := &View{L: l, Title: l.T("desk.login.title"),
		Page: loginData{Token: token, Nonce: nonce, Name: staffName(l, staff), Role: roleName(l, staff.Role)}}
	if err := d.write(w, http.StatusOK, "login", v); err != nil {
		d.log.Error("desk login page", "err", err)
		d.message(w, r, nil, http.StatusInternalServerError, "error")
	}
}

// login uses the link up, starts the session and goes to Home, at a clean address.
func (d *Desk) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	token, nonce := r.PostFormValue("t"), r.PostFormValue("nonce")
	c, err := r.Cookie(loginCookie)
	if err != nil || nonce == "" || !hmac.Equal([]byte(c.Value), []byte(nonce)) {
		d.message(w, r, nil, http.StatusForbidden, "forbidden")
		return
	}
	session, _, err := access.Login(r.Context(), d.cfg.DB, token, d.cfg.Clock.Now())
	if err != nil {
		d.linkRefused(w, r, err)
		return
	}
	// The nonce cookie stays until it expires: pressing the button again (after Back) then
	// says the link was used, not that the form is forged.
	d.setCookie(w, sessionCookie, session, "/desk", 0)
	http.Redirect(w, r, "/desk/", http.StatusSeeOther)
}

// linkRefused says why a link does not sign anyone in.
func (d *Desk) linkRefused(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, access.ErrLinkExpired):
		d.message(w, r, nil, http.StatusGone, "link_expired")
	case errors.Is(err, access.ErrLinkUsed):
		d.message(w, r, nil, http.StatusGone, "link_used")
	case errors.Is(err, access.ErrLinkUnknown):
		d.message(w, r, nil, http.StatusNotFound, "link_invalid")
	case errors.Is(err, access.ErrNotActiveStaff):
		d.message(w, r, nil, http.StatusForbidden, "refused")
	default:
		d.log.Error("desk login", "err", err)
		d.message(w, r, nil, http.StatusServiceUnavailable, "error")
	}
}

// logout ends this browser's session ("Log out", a POST with the CSRF token).
func (d *Desk) logout(w http.ResponseWriter, r *Request) error {
	if err := access.Logout(r.Context(), d.cfg.DB, r.session, r.Staff.ID, r.Now); err != nil {
		return err
	}
	d.clearCookie(w, sessionCookie, "/desk")
	http.Redirect(w, r.Request, "/desk/signed-out", http.StatusSeeOther)
	return nil
}

// signedOut confirms the log out.
func (d *Desk) signedOut(w http.ResponseWriter, r *http.Request) {
	d.message(w, r, nil, http.StatusOK, "signed_out")
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
