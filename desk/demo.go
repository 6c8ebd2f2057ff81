package desk

import (
	"errors"
	"net/http"

	"github.com/insideaut/insidebot/desk/access"
	"github.com/insideaut/insidebot/storage"
)

// demoLogin opens the desk as the demo's tutor or coordinator without a token from the bot:
// GET /desk/demo-login?as=tutor shows the same sign-in button a login link shows, with a fresh
// one-time link inside it. The path exists only with serve --demo (Config.Demo).
func (d *Desk) demoLogin(w http.ResponseWriter, r *http.Request) {
	as := r.URL.Query().Get("as")
	if as != storage.RoleTutor && as != storage.RoleCoordinator {
		d.notFound(w, r)
		return
	}
	now := d.cfg.Clock.Now()
	id, err := d.cfg.Demo.DeskStaff(r.Context(), d.cfg.DB, as)
	if errors.Is(err, storage.ErrNotFound) {
		d.notFound(w, r)
		return
	}
	var token string
	if err == nil {
		token, err = d.links.IssueLoginToken(r.Context(), d.cfg.DB, id, storage.Actor{Kind: storage.ActorSystem}, now)
	}
	var staff storage.Staff
	if err == nil {
		staff, err = access.ActiveStaff(r.Context(), d.cfg.DB, id)
	}
	if err != nil {
		d.linkRefused(w, r, err)
		return
	}
	d.signInPage(w, r, token, staff)
}
