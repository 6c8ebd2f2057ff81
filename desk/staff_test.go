package desk_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/desk"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

var shownInvite = regexp.MustCompile(`<code id="invite-code">([^<]+)</code>`)

// invited reads the invite code a Staff page shows once, and the staff member it invites.
func (h *harness) invited(p page) (string, storage.Staff) {
	h.t.Helper()
	m := shownInvite.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || m == nil {
		h.t.Fatalf("no invite code on the page: %d\n%s", p.status, p.body)
	}
	var staffID int64
	if err := h.db.Get(context.Background(), &staffID, `SELECT staff_id FROM invites WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?`,
		storage.HashInviteCode(m[1]), h.clock.Now()); err != nil {
		h.t.Fatalf("the code shown opens no valid invite: %v", err)
	}
	s, err := storage.StaffByID(context.Background(), h.db, staffID)
	if err != nil {
		h.t.Fatal(err)
	}
	return m[1], s
}

// sure is a deactivation form with its box ticked.
func sure() url.Values { return url.Values{"confirm": {"yes"}} }

func (h *harness) staffCount() int {
	h.t.Helper()
	return h.count("staff")
}

// A coordinator's Staff page: only their territory's staff, with each tutor's open cases. They
// invite a tutor and an operator (the code, its Telegram link and its QR shown once, the invite
// valid and redeemable); an operator without a centre is refused with a notice. Deactivating a
// tutor who still follows cases is refused with a notice; once the caseload is given to another
// tutor (who gets the people), the deactivation works and the tutor's desk session ends. A
// tutor gets 404 on the page; another territory's staff are 404 and audited; a POST without
// the CSRF token is 403 and changes nothing.
func TestStaffPage(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		h := newHarness(t, db, func(c *desk.Config) { c.Invites.BotUsername = "inside_aut_bot" })
		coord := h.staff(storage.RoleCoordinator, "MI", "active", "en", "Giulia Ferri")
		luca := h.staff(storage.RoleTutor, "MI", "active", "it", "Luca Neri")
		sara := h.staff(storage.RoleTutor, "MI", "active", "en", "Sara Verdi")
		far := h.staff(storage.RoleTutor, "BO", "active", "en", "Paolo Bianchi")
		people := caseload(t, h, luca)

		lb := h.browser("it")
		lb.signIn(h.link(luca.ID))
		if p := lb.get("/desk/staff"); p.status != http.StatusNotFound {
			t.Fatalf("a tutor's Staff page: %d", p.status)
		}
		if strings.Contains(lb.get("/desk/").body, `href="/desk/staff"`) {
			t.Fatal("a tutor's navigation links to Staff")
		}

		b := h.browser("en")
		b.signIn(h.link(coord.ID))
		if !strings.Contains(b.get("/desk/").body, `href="/desk/staff"`) {
			t.Fatal("a coordinator's navigation has no Staff link")
		}
		p := b.get("/desk/staff")
		if p.status != http.StatusOK || !strings.Contains(p.body, "Luca Neri") || !strings.Contains(p.body, "Sara Verdi") ||
			strings.Contains(p.body, "Paolo Bianchi") {
			t.Fatalf("the Staff page: %d\n%s", p.status, p.body)
		}
		row := regexp.MustCompile(`(?s)<tr id="staff-` + strconv.FormatInt(luca.ID, 10) + `">.*?</tr>`).FindString(p.body)
		if !strings.Contains(row, `<td class="num">3</td>`) || !strings.Contains(row, `action="/desk/staff/`+strconv.FormatInt(luca.ID, 10)+`/reassign"`) {
			t.Fatalf("Luca's row does not show 3 open cases and a reassign form\n%s", row)
		}

		before := h.staffCount()
		if got := b.post("/desk/staff/invite", url.Values{"role": {"tutor"}, "lang": {"it"}}); got.status != http.StatusForbidden {
			t.Fatalf("an invite without the CSRF token: %d", got.status)
		}
		if got := b.post("/desk/staff/"+strconv.FormatInt(luca.ID, 10)+"/deactivate", sure()); got.status != http.StatusForbidden {
			t.Fatalf("a deactivation without the CSRF token: %d", got.status)
		}
		if h.staffCount() != before {
			t.Fatal("a forged invite created a staff member")
		}

		p = b.postForm("/desk/staff/invite", url.Values{"role": {"tutor"}, "name": {"Nadia Rossi"}, "lang": {"it"}})
		code, nadia := h.invited(p)
		if nadia.Role != storage.RoleTutor || nadia.Territory.String != "MI" || nadia.Status != "pending" || nadia.DisplayName != "Nadia Rossi" || nadia.Lang != "it" {
			t.Fatalf("the invited tutor: %+v", nadia)
		}
		for _, s := range []string{"https://t.me/inside_aut_bot?start=" + url.QueryEscape(code), `src="data:image/png;base64,`,
			h.text("en", "desk.staff.shown_once")} {
			if !strings.Contains(p.body, s) {
				t.Fatalf("the invite's answer lacks %q\n%s", s, p.body)
			}
		}
		if strings.Contains(b.get("/desk/staff").body, code) {
			t.Fatal("the invite code is shown again")
		}
		if es := h.audit("/invite tutor", storage.OutcomeOK); len(es) != 1 || es[0].ActorID.Int64 != coord.ID {
			t.Fatalf("the invite's audit entries: %+v", es)
		}
		if _, err := storage.RedeemInvite(ctx, db, code, h.clock.Now()); err != nil {
			t.Fatalf("the tutor's code cannot be redeemed: %v", err)
		}

		p = b.postForm("/desk/staff/invite", url.Values{"role": {"operator"}, "name": {"Omar"}, "lang": {"it"}, "centre": {"  "}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, h.text("en", "desk.staff.err_centre")) || h.staffCount() != before+1 {
			t.Fatalf("an operator without a centre: %d, %d created\n%s", p.status, h.staffCount()-before-1, p.body)
		}
		p = b.postForm("/desk/staff/invite", url.Values{"role": {"operator"}, "name": {"Omar Haddad"}, "lang": {"fr"}, "centre": {"CAS  Via Corelli"}})
		_, omar := h.invited(p)
		centre, err := storage.CentreByName(ctx, db, "MI", "cas via corelli")
		if err != nil || omar.Role != storage.RoleOperator || omar.CentreID.Int64 != centre.ID || omar.Lang != "fr" {
			t.Fatalf("the invited operator: %+v, centre %+v %v", omar, centre, err)
		}
		if !strings.Contains(b.get("/desk/staff").body, "CAS Via Corelli") {
			t.Fatal("the Staff page does not show the operator's centre")
		}

		// Another territory: an invite there, a deactivation or a reassignment of its tutor are 404,
		// audited, and change nothing.
		if p := b.postForm("/desk/staff/invite", url.Values{"role": {"tutor"}, "territory": {"BO"}, "lang": {"it"}}); p.status != http.StatusNotFound {
			t.Fatalf("an invite in another territory: %d", p.status)
		}
		if es := h.audit("/invite tutor", storage.OutcomeDenied); len(es) != 1 || es[0].TargetID != "BO" {
			t.Fatalf("the refused invite's audit entries: %+v", es)
		}
		farPath := "/desk/staff/" + strconv.FormatInt(far.ID, 10)
		if p := b.postForm(farPath+"/deactivate", sure()); p.status != http.StatusNotFound {
			t.Fatalf("deactivating another territory's tutor: %d", p.status)
		}
		if p := b.postForm(farPath+"/reassign", url.Values{"to": {strconv.FormatInt(sara.ID, 10)}}); p.status != http.StatusNotFound {
			t.Fatalf("reassigning another territory's caseload: %d", p.status)
		}
		if es := h.audit("desk.staff_deactivate", storage.OutcomeDenied); len(es) != 1 || es[0].TargetID != strconv.FormatInt(far.ID, 10) {
			t.Fatalf("the refused deactivation's audit entries: %+v", es)
		}
		if len(h.audit("desk.staff_reassign", storage.OutcomeDenied)) != 1 {
			t.Fatal("the refused reassignment is not audited")
		}
		if s, _ := storage.StaffByID(ctx, db, far.ID); s.Status != "active" || h.staffCount() != before+2 {
			t.Fatalf("another territory's tutor after the refusals: %+v", s)
		}

		lucaPath := "/desk/staff/" + strconv.FormatInt(luca.ID, 10)
		loc := wantRedirect(t, b.postForm(lucaPath+"/deactivate", nil), "/desk/staff?err=confirm")
		if got := b.get(loc); !strings.Contains(got.body, h.text("en", "desk.staff.err.confirm")) || len(h.audit("/deactivate", "")) != 0 {
			t.Fatalf("a deactivation without its box ticked: the notice is missing or it reached the domain\n%s", got.body)
		}
		loc = wantRedirect(t, b.postForm(lucaPath+"/deactivate", sure()), "/desk/staff?err=has_caseload")
		if got := b.get(loc); !strings.Contains(got.body, h.text("en", "desk.staff.err.has_caseload")) {
			t.Fatalf("the refusal is not on the page\n%s", got.body)
		}
		if s, _ := storage.StaffByID(ctx, db, luca.ID); s.Status != "active" || len(h.audit("/deactivate", storage.OutcomeDenied)) != 1 {
			t.Fatal("a tutor with open cases was deactivated, or the refusal is not audited")
		}
		wantRedirect(t, b.postForm(lucaPath+"/reassign", url.Values{"to": {strconv.FormatInt(far.ID, 10)}}), "/desk/staff?err=not_a_tutor")
		loc = wantRedirect(t, b.postForm(lucaPath+"/reassign", url.Values{"to": {strconv.FormatInt(sara.ID, 10)}}), "/desk/staff?ok=caseload_moved")
		if got := b.get(loc); !strings.Contains(got.body, h.text("en", "desk.staff.ok.caseload_moved")) {
			t.Fatalf("the reassignment's notice is not on the page\n%s", got.body)
		}
		for _, person := range people {
			if got := h.person(person.Code); got.TutorID.Int64 != sara.ID {
				t.Fatalf("%s still has tutor %d", person.Code, got.TutorID.Int64)
			}
		}

		if h.sessions(luca.ID) == 0 || lb.get("/desk/").status != http.StatusOK {
			t.Fatal("Luca's desk session is not open before the deactivation")
		}
		wantRedirect(t, b.postForm(lucaPath+"/deactivate", sure()), "/desk/staff?ok=deactivated")
		if s, _ := storage.StaffByID(ctx, db, luca.ID); s.Status != domain.StaffStatusDisabled || len(h.audit("/deactivate", storage.OutcomeOK)) != 1 {
			t.Fatalf("Luca after the deactivation: %+v", s)
		}
		if n := h.sessions(luca.ID); n != 0 {
			t.Fatalf("Luca still has %d desk sessions", n)
		}
		if p := lb.get("/desk/"); p.status != http.StatusUnauthorized {
			t.Fatalf("Luca's desk after the deactivation: %d", p.status)
		}
		wantRedirect(t, b.postForm(lucaPath+"/deactivate", sure()), "/desk/staff?err=already_disabled")
		if strings.Contains(b.get("/desk/staff").body, `action="`+lucaPath+`/deactivate"`) {
			t.Fatal("a deactivated member still has a Deactivate button")
		}

		// A coordinator deactivates an operator of their territory; not themselves.
		wantRedirect(t, b.postForm("/desk/staff/"+strconv.FormatInt(omar.ID, 10)+"/deactivate", sure()), "/desk/staff?ok=deactivated")
		if p := b.postForm("/desk/staff/"+strconv.FormatInt(coord.ID, 10)+"/deactivate", sure()); p.status != http.StatusNotFound {
			t.Fatalf("a coordinator deactivating themselves: %d", p.status)
		}
		if s, _ := storage.StaffByID(ctx, db, coord.ID); s.Status != "active" {
			t.Fatal("the coordinator deactivated themselves")
		}
	})
}

// An admin's Staff page lists every territory's staff; the Staff page is in Italian for an
// Italian admin, and an invite in any territory works.
func TestStaffPageAdmin(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		admin := h.staff(storage.RoleAdmin, "", "active", "it", "Anna Admin")
		h.staff(storage.RoleTutor, "MI", "active", "en", "Luca Neri")
		h.staff(storage.RoleTutor, "BO", "active", "en", "Paolo Bianchi")
		b := h.browser("it")
		b.signIn(h.link(admin.ID))
		p := b.get("/desk/staff")
		for _, s := range []string{"Luca Neri", "Paolo Bianchi", h.text("it", "desk.staff.invite_title"), `name="territory"`} {
			if !strings.Contains(p.body, s) {
				t.Fatalf("the admin's Staff page lacks %q\n%s", s, p.body)
			}
		}
		_, s := h.invited(b.postForm("/desk/staff/invite", url.Values{"role": {"tutor"}, "territory": {"BO"}, "lang": {"en"}}))
		if s.Territory.String != "BO" || s.Role != storage.RoleTutor {
			t.Fatalf("the admin's invited tutor: %+v", s)
		}
		p = b.postForm("/desk/staff/invite", url.Values{"role": {"admin"}, "territory": {"BO"}, "lang": {"en"}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, h.text("it", "desk.staff.err_role")) {
			t.Fatalf("an invite of an admin from the desk: %d\n%s", p.status, p.body)
		}
	})
}
