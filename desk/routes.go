package desk

import (
	"net/http"
	"slices"

	"github.com/insideaut/insidebot/storage"
)

// HandlerFunc serves one page to a signed-in staff member. It returns an error only for a
// failure (the staff member gets a localized error page and the error is logged); a refusal
// it answers itself (Desk.OutOfScope for a record out of scope).
type HandlerFunc func(w http.ResponseWriter, r *Request) error

// route is one page or action of a signed-in staff member.
type route struct {
	method string
	path   string // a net/http pattern path, under /desk/
	// nav is the page's label in the navigation bar (desk.nav.<nav>), "" for none; href is
	// where that link points (path without its pattern marks).
	nav, href string
	// roles that may use it; none: the staff who follow cases (tutors, coordinators, admins),
	// never operators, who get only the routes that name them (everyone()). Anyone else gets
	// 404, audited.
	roles []string
	// maxBody bounds a POST's body (default maxForm).
	maxBody int64
	handle  HandlerFunc
}

// maxForm is the largest form a POST may send unless its route says otherwise.
const maxForm = 64 << 10

// routes is the desk's one table of pages: what each is, where, and who may see it. The
// navigation bar is built from it, in this order, with the entries of the staff member's role.
func (d *Desk) routes() []route {
	return []route{
		{method: http.MethodGet, path: "/desk/{$}", nav: "home", href: "/desk/", roles: everyone(), handle: d.home},
		{method: http.MethodGet, path: "/desk/people", nav: "people", href: "/desk/people", roles: everyone(), handle: d.people},
		{method: http.MethodGet, path: "/desk/people/{code}", roles: everyone(), handle: d.person},
		{method: http.MethodPost, path: "/desk/people/{code}/propose", roles: operators(), handle: d.operatorPropose},
		{method: http.MethodPost, path: "/desk/people/{code}/note", roles: operators(), handle: d.operatorNote},
		{method: http.MethodPost, path: "/desk/alerts/{id}/reply", handle: d.alertReply},
		{method: http.MethodPost, path: "/desk/alerts/{id}/done", handle: d.alertDone},
		{method: http.MethodPost, path: "/desk/people/{code}/reply", handle: d.personReply},
		{method: http.MethodPost, path: "/desk/people/{code}/steps", handle: d.stepAdd},
		{method: http.MethodPost, path: "/desk/people/{code}/steps/{id}/status", handle: d.stepStatus},
		{method: http.MethodPost, path: "/desk/people/{code}/steps/{id}/due", handle: d.stepDue},
		{method: http.MethodPost, path: "/desk/people/{code}/close", handle: d.caseClose},
		{method: http.MethodPost, path: "/desk/people/{code}/reopen", handle: d.caseReopen},
		{method: http.MethodPost, path: "/desk/people/{code}/reassign", roles: staffWhoReadFigures(), handle: d.caseReassign},
		{method: http.MethodPost, path: "/desk/people/{code}/outcomes", handle: d.outcomeAdd},
		{method: http.MethodPost, path: "/desk/people/{code}/outcomes/{id}/withdraw", handle: d.outcomeWithdraw},
		{method: http.MethodPost, path: "/desk/people/{code}/outcomes/{id}/correct", handle: d.outcomeCorrect},
		{method: http.MethodGet, path: "/desk/labs", nav: "labs", href: "/desk/labs", handle: d.labs},
		{method: http.MethodGet, path: "/desk/labs/sessions/{id}", handle: d.session},
		{method: http.MethodPost, path: "/desk/labs/sessions/{id}/enrol", roles: staffWhoReadFigures(), handle: d.sessionEnrol},
		{method: http.MethodPost, path: "/desk/labs/sessions/{id}/attendance", handle: d.sessionAttendance},
		{method: http.MethodPost, path: "/desk/labs/sessions", roles: staffWhoReadFigures(), handle: d.sessionAdd},
		{method: http.MethodPost, path: "/desk/labs/sessions/{id}/move", roles: staffWhoReadFigures(), handle: d.sessionMove},
		{method: http.MethodPost, path: "/desk/labs/sessions/{id}/cancel", roles: staffWhoReadFigures(), handle: d.sessionCancel},
		{method: http.MethodGet, path: "/desk/leads", nav: "leads", href: "/desk/leads", handle: d.leads},
		{method: http.MethodGet, path: "/desk/leads/new", handle: d.leadNew},
		{method: http.MethodPost, path: "/desk/leads", handle: d.leadCreate},
		{method: http.MethodGet, path: "/desk/leads/{id}", handle: d.lead},
		{method: http.MethodPost, path: "/desk/leads/{id}", handle: d.leadSave},
		{method: http.MethodPost, path: "/desk/leads/{id}/close", handle: d.leadClose},
		{method: http.MethodPost, path: "/desk/leads/{id}/reopen", handle: d.leadReopen},
		{method: http.MethodGet, path: "/desk/broadcasts", nav: "broadcasts", href: "/desk/broadcasts", roles: staffWhoReadFigures(), handle: d.broadcasts},
		{method: http.MethodGet, path: "/desk/broadcasts/new", roles: staffWhoReadFigures(), handle: d.broadcastNew},
		{method: http.MethodPost, path: "/desk/broadcasts", roles: staffWhoReadFigures(), handle: d.broadcastCreate},
		{method: http.MethodGet, path: "/desk/broadcasts/{id}", roles: staffWhoReadFigures(), handle: d.broadcast},
		{method: http.MethodPost, path: "/desk/broadcasts/{id}/versions", roles: staffWhoReadFigures(), handle: d.broadcastVersion},
		{method: http.MethodPost, path: "/desk/broadcasts/{id}/send", roles: staffWhoReadFigures(), handle: d.broadcastSend},
		{method: http.MethodPost, path: "/desk/broadcasts/{id}/schedule", roles: staffWhoReadFigures(), handle: d.broadcastSchedule},
		{method: http.MethodPost, path: "/desk/broadcasts/{id}/cancel", roles: staffWhoReadFigures(), handle: d.broadcastCancel},
		{method: http.MethodGet, path: "/desk/contacts", nav: "contacts", href: "/desk/contacts", roles: staffWhoKeepContacts(), handle: d.contactsIndex},
		{method: http.MethodGet, path: "/desk/contacts/{code}", roles: staffWhoKeepContacts(), handle: d.contactsPage},
		{method: http.MethodPost, path: "/desk/contacts/{code}", roles: staffWhoKeepContacts(), handle: d.contactsSave},
		{method: http.MethodPost, path: "/desk/contacts/{code}/confirm", roles: staffWhoKeepContacts(), handle: d.contactsConfirm},
		{method: http.MethodGet, path: "/desk/figures", nav: "figures", href: "/desk/figures", roles: staffWhoReadFigures(), handle: d.figuresPage},
		{method: http.MethodGet, path: "/desk/figures/steps.svg", roles: staffWhoReadFigures(), handle: d.figuresChart},
		{method: http.MethodGet, path: "/desk/figures/cases.svg", roles: staffWhoReadFigures(), handle: d.casesChart},
		{method: http.MethodGet, path: "/desk/figures/files/{file}", roles: staffWhoReadFigures(), handle: d.figuresFile},
		{method: http.MethodGet, path: "/desk/import", nav: "import", href: "/desk/import", roles: staffWhoReadFigures(), handle: d.importPage},
		{method: http.MethodPost, path: "/desk/import", roles: staffWhoReadFigures(), maxBody: maxImportBody, handle: d.importFile},
		{method: http.MethodGet, path: "/desk/staff", nav: "staff", href: "/desk/staff", roles: staffWhoReadFigures(), handle: d.staffPage},
		{method: http.MethodPost, path: "/desk/staff/invite", roles: staffWhoReadFigures(), handle: d.staffInvite},
		{method: http.MethodPost, path: "/desk/staff/{id}/deactivate", roles: staffWhoReadFigures(), handle: d.staffDeactivate},
		{method: http.MethodPost, path: "/desk/staff/{id}/reassign", roles: staffWhoReadFigures(), handle: d.staffReassign},
		{method: http.MethodGet, path: "/desk/audit", nav: "audit", href: "/desk/audit", roles: staffWhoReadFigures(), handle: d.audit},
	}
}

// staffWhoReadFigures are the roles that read the project's figures (as /stats in the chat)
// and the audit log, enrol people in lab sessions (as /enrol), send broadcasts (as /broadcast)
// and manage the staff (as /invite tutor, /deactivate).
func staffWhoReadFigures() []string { return []string{storage.RoleCoordinator, storage.RoleAdmin} }

// caseStaff are the roles that follow cases: a route that names no roles is theirs.
func caseStaff() []string {
	return []string{storage.RoleTutor, storage.RoleCoordinator, storage.RoleAdmin}
}

// operators are the reception-centre operators (domain.RoleOperator): they see their centre's
// people, propose steps and write to the tutors, as the chat's /mine, /b, /propose, /note.
func operators() []string { return []string{storage.RoleOperator} }

// everyone is every role that may sign in to the desk.
func everyone() []string { return append(caseStaff(), operators()...) }

// allows tells whether a role may use the route.
func (rt route) allows(role string) bool {
	if len(rt.roles) == 0 {
		return slices.Contains(caseStaff(), role)
	}
	return slices.Contains(rt.roles, role)
}

// navItem is one link of the navigation bar.
type navItem struct {
	Label   string
	Href    string
	Current bool
}

// nav is the navigation bar of a staff member on a page.
func (d *Desk) nav(r *Request) []navItem {
	var out []navItem
	for _, rt := range d.routes() {
		if rt.nav == "" || !rt.allows(r.Staff.Role) {
			continue
		}
		out = append(out, navItem{Label: r.L.T("desk.nav." + rt.nav), Href: rt.href, Current: r.URL.Path == rt.href})
	}
	return out
}
