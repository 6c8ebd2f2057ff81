package desk

import (
	"context"
	"html/template"
	"net/http"
	"strconv"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// staffView is the Staff page.
type staffView struct {
	Rows []staffRow
	// Several is true when the page lists several territories: each member's is shown.
	Several bool
	Invite  inviteForm
	// Invited is the invite just created, shown once (nil: none).
	Invited *invitedCard
}

// staffRow is one staff member in the list, with what the signed-in member may do to them.
type staffRow struct {
	ID                         int64
	Name, Role, Territory      string
	Centre, Status             string
	Tutor, Disabled            bool
	OpenCases                  int
	CanDeactivate, CanReassign bool
	Tutors                     []choice // where a tutor's caseload may go: the other active tutors of the territory
}

// inviteForm is the invite form, as typed.
type inviteForm struct {
	Role, Name, Territory, Centre, Lang string
	// Error names the field that is wrong (role, name, lang, territory, centre), "" none.
	Error       string
	Territories []choice // the territories one may pick (staff of several); none: their own
	Centres     []string // the known centres, offered for an operator
	Langs       []choice
}

// invitedCard is a created invite: who, the code until when, its links and the QR code of the
// link to open.
type invitedCard struct {
	Name, Role, Territory, Centre string
	Code, Until                   string
	Telegram, WhatsApp, Web       string
	QR                            template.URL
}

// renderStaff shows the Staff page with the invite form f and, once, a created invite.
func (d *Desk) renderStaff(w http.ResponseWriter, r *Request, status int, f inviteForm, invited *invitedCard) error {
	a := domain.Actor{Staff: &r.Staff}
	data, err := loadStaff(r.Context(), d.cfg.DB, a)
	if err != nil {
		return err
	}
	l := r.L
	v := staffView{Several: a.ScopeTerritory() == "", Invited: invited}
	for _, row := range data.Roster {
		v.Rows = append(v.Rows, d.staffRowOf(l, a, row, data.Roster))
	}
	if a.ScopeTerritory() == "" {
		for _, t := range data.Territories {
			f.Territories = append(f.Territories, choice{Value: t.Code, Label: t.Code + " · " + t.Name})
		}
	}
	for _, c := range data.Centres {
		f.Centres = append(f.Centres, c.Name)
	}
	for _, lg := range locales.Languages() {
		f.Langs = append(f.Langs, choice{Value: lg.Code, Label: lg.Native})
	}
	v.Invite = f
	if f.Error != "" {
		r.shown = notice{Text: l.T("desk.staff.err_" + f.Error), Error: true}
	}
	return d.render(w, r, status, "staff", l.T("desk.staff.title"), v)
}

// staffRowOf is a member as the list shows them, with the actions the signed-in member has.
func (d *Desk) staffRowOf(l *locales.Localizer, a domain.Actor, s storage.StaffRow, all []storage.StaffRow) staffRow {
	row := staffRow{ID: s.ID, Name: staffName(l, s.Staff), Role: staffRoleName(l, s.Role), Territory: s.Territory.String,
		Centre: s.CentreName.String, Status: l.T("desk.staff.status_" + staffStatus(s.Status)), Tutor: s.Role == storage.RoleTutor,
		Disabled: s.Status == domain.StaffStatusDisabled, OpenCases: s.OpenCases}
	row.CanDeactivate = !row.Disabled && a.CanDeactivate(s.Staff)
	if row.Tutor && s.OpenCases > 0 && a.CanSeeStaff(s.Staff) {
		for _, o := range all {
			if o.ID != s.ID && o.Role == storage.RoleTutor && o.Status == "active" && o.Territory == s.Territory {
				row.Tutors = append(row.Tutors, choice{Value: strconv.FormatInt(o.ID, 10), Label: staffName(l, o.Staff)})
			}
		}
		row.CanReassign = true
	}
	return row
}

// staffStatus is a stored status as the page names it (an unknown one as pending).
func staffStatus(s string) string {
	switch s {
	case "active", domain.StaffStatusDisabled:
		return s
	}
	return "pending"
}

// staffRoleName is a role in words, operators included.
func staffRoleName(l *locales.Localizer, role string) string {
	if role == storage.RoleOperator {
		return l.T("desk.staff.role_operator")
	}
	return roleName(l, role)
}

// invitedCard is a created invite as the page shows it once.
func (d *Desk) invitedCard(r *Request, f inviteForm, inv domain.Invitation) (invitedCard, error) {
	qr, err := qrImage(inv.QRLink())
	if err != nil {
		return invitedCard{}, err
	}
	c := invitedCard{Name: f.Name, Role: staffRoleName(r.L, f.Role), Territory: f.Territory, Code: inv.Code,
		Until: r.L.DateTime(inv.ExpiresAt.In(d.cfg.Location)), Telegram: inv.TelegramLink, WhatsApp: inv.WhatsAppLink,
		Web: inv.WebchatLink, QR: qr}
	if f.Role == storage.RoleOperator {
		c.Centre = storage.CentreName(f.Centre)
	}
	return c, nil
}

// staffData is what the Staff page reads.
type staffData struct {
	Roster      []storage.StaffRow
	Territories []storage.Territory
	Centres     []storage.Centre // of the member's own territory (none for staff of every territory)
}

// loadStaff reads the staff of a's scope, the territories and their own territory's centres.
func loadStaff(ctx context.Context, q storage.Queryer, a domain.Actor) (staffData, error) {
	var s staffData
	var err error
	if s.Roster, err = storage.StaffRoster(ctx, q, a.ScopeTerritory()); err != nil {
		return s, err
	}
	if s.Territories, err = storage.Territories(ctx, q); err != nil {
		return s, err
	}
	if home := a.HomeTerritory(); home != "" {
		if s.Centres, err = storage.CentresIn(ctx, q, home); err != nil {
			return s, err
		}
	}
	return s, nil
}
