package desk

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// personView is a person's page as its template shows it.
type personView struct {
	Code, Name, Status, Lang, Territory, Tutor, Since, LastActivity string
	Consents                                                        []fact
	Areas                                                           []areaView
	StepsTotal                                                      int
	Conversation                                                    []messageRow
	Alerts                                                          []alertRow
	Labs                                                            []fact
	Interests                                                       []fact
	RetentionDays                                                   int
	// The forms: the areas, the standard steps by area, the statuses, and today (the
	// earliest due date).
	AreaChoices   []choice
	StepChoices   []choiceGroup
	StatusChoices []choice
	Today         string
	ReplyMax      int
	TitleMax      int
	// Case is the case status, its actions and the outcomes.
	Case caseView
}

// choice is one option of a select.
type choice struct{ Value, Label string }

// choiceGroup is an optgroup of a select.
type choiceGroup struct {
	Label   string
	Choices []choice
}

// fact is one labelled line: what and its detail.
type fact struct{ Label, Value string }

// areaView is one area of a plan with its steps.
type areaView struct {
	Name  string
	Steps []stepRow
}

// stepRow is one plan step, with what its forms need: its id, status and due date as stored.
type stepRow struct {
	Icon, Title, Status, Due string
	Overdue                  bool
	ID                       int64
	StatusValue, DueValue    string
}

// messageRow is one message between the person and their tutor.
type messageRow struct {
	Who, When, At, Text string
	FromTutor           bool
}

// person is one person's page: who they are, their plan by area, the conversation with their
// tutor, their open alerts, labs, offers and consents. Someone outside the staff member's
// scope (or no one) is a 404, audited.
func (d *Desk) person(w http.ResponseWriter, r *Request) error {
	if isOperator(r.Staff) {
		return d.centrePerson(w, r)
	}
	code := r.PathValue("code")
	if !plausibleCode(code) {
		return d.OutOfScope(w, r, "desk.person", "beneficiary", "")
	}
	p, err := loadPerson(r.Context(), d.cfg.DB, r.Staff, code)
	// The audit log names a person by their internal id, never by code; a code that names no
	// one is not recorded either.
	if out, ok := errors.AsType[outOfScope](err); ok {
		target := ""
		if out.ID != 0 {
			target = strconv.FormatInt(out.ID, 10)
		}
		return d.OutOfScope(w, r, "desk.person", "beneficiary", target)
	}
	if err != nil {
		return err
	}
	l, loc := r.L, d.cfg.Location
	b := p.B
	v := personView{Code: b.Code, Name: b.Name(), Status: l.T("desk.status." + b.Status), Lang: langName(d.cfg.Catalog, b.Lang),
		Territory: p.TerritoryName, Tutor: l.T("desk.person.no_tutor"), Since: l.Date(b.CreatedAt.In(loc)),
		LastActivity: l.T("desk.people.never"), StepsTotal: len(p.Steps),
		RetentionDays: int(d.cfg.MessageRetention.Hours() / 24)}
	if p.Tutor != nil {
		v.Tutor = staffName(l, *p.Tutor)
	}
	if b.LastInboundAt.Valid {
		v.LastActivity = l.DateTime(b.LastInboundAt.Time.In(loc))
	}
	consent := func(purpose string, at time.Time, given bool) fact {
		value := l.T("desk.person.consent_no")
		if given {
			value = l.T("desk.person.consent_yes")
			if !at.IsZero() {
				value = l.T("desk.person.consent_since", "Date", l.Date(at.In(loc)))
			}
		}
		return fact{Label: l.T("privacy.consent_" + purpose), Value: value}
	}
	v.Consents = []fact{
		consent("service", b.ConsentServiceAt.Time, b.ConsentServiceAt.Valid),
		consent("research", b.ConsentResearchAt.Time, b.ConsentResearchAt.Valid),
		consent("announcements", b.ConsentAnnouncementsAt.Time, b.WantsAnnouncements()),
	}
	today := r.Now.In(loc).Format(time.DateOnly)
	v.Areas = planAreas(l, p.Steps, today)
	v.AreaChoices = areaChoices(l)
	for _, area := range storage.Areas() {
		g := choiceGroup{Label: l.T("area." + area)}
		for _, std := range locales.StandardSteps() {
			if std.Area == area {
				g.Choices = append(g.Choices, choice{Value: std.Key, Label: l.StepTitle(std.Key, "", 0)})
			}
		}
		v.StepChoices = append(v.StepChoices, g)
	}
	for _, st := range stepStatuses() {
		v.StatusChoices = append(v.StatusChoices, choice{Value: st, Label: l.T("status.name." + st)})
	}
	v.Today, v.ReplyMax, v.TitleMax = today, replyMax, stepTitleMax
	for _, m := range p.Conversation {
		row := messageRow{Who: b.Code, When: l.DateTime(m.CreatedAt.In(loc)), At: m.CreatedAt.UTC().Format(time.RFC3339), Text: m.Body,
			FromTutor: m.Direction == storage.ToPerson}
		if row.FromTutor {
			row.Who = l.T("desk.person.tutor_wrote")
		}
		if m.MediaKind.Valid {
			row.Text = strings.TrimSpace(l.T("desk.person.file") + " " + row.Text)
		}
		v.Conversation = append(v.Conversation, row)
	}
	for _, a := range p.Alerts {
		v.Alerts = append(v.Alerts, alertRow{Code: a.Code, What: alertText(r, a.Kind), When: l.DateTime(a.CreatedAt.In(loc)),
			At: a.CreatedAt.UTC().Format(time.RFC3339)})
	}
	for _, s := range p.Labs {
		detail := l.DateTime(s.StartsAt.In(loc))
		if s.Status == storage.SessionCancelled {
			detail += " · " + l.T("desk.person.lab_cancelled")
		}
		if s.RSVP.Valid {
			detail += " · " + l.T("desk.person.rsvp_"+s.RSVP.String)
		}
		if s.Attendance.Valid {
			detail += " · " + l.T("desk.person.attendance_"+s.Attendance.String)
		}
		v.Labs = append(v.Labs, fact{Label: s.LabName + " — " + s.ModuleName, Value: detail})
	}
	for _, i := range p.Interests {
		v.Interests = append(v.Interests, fact{Label: i.Title, Value: l.T("desk.person.lead_"+i.Kind) + " · " + l.Date(i.CreatedAt.In(loc))})
	}
	if v.Case, err = d.loadCase(r.Context(), d.cfg.DB, r, b); err != nil {
		return err
	}
	return d.render(w, r, http.StatusOK, "person", b.Code+" · "+b.Name(), v)
}

// planAreas is a plan by area, in the order a plan shows them, with "overdue" meaning before
// today (YYYY-MM-DD).
func planAreas(l *locales.Localizer, steps []storage.PlanStep, today string) []areaView {
	var out []areaView
	for _, area := range storage.Areas() {
		a := areaView{Name: l.T("area." + area)}
		for _, s := range steps {
			if s.Area != area {
				continue
			}
			row := stepRow{Icon: l.T("status.icon." + s.Status), Title: l.StepTitle(s.StepKey.String, s.Title.String, s.Position),
				Status: l.T("status.name." + s.Status), ID: s.ID, StatusValue: s.Status, DueValue: s.DueDate.String}
			if due, err := time.Parse(time.DateOnly, s.DueDate.String); err == nil {
				row.Due = l.Date(due)
				row.Overdue = s.Status != storage.StepDone && s.DueDate.String < today
			}
			a.Steps = append(a.Steps, row)
		}
		out = append(out, a)
	}
	return out
}

// areaChoices are the plan's areas as a select offers them.
func areaChoices(l *locales.Localizer) []choice {
	var out []choice
	for _, area := range storage.Areas() {
		out = append(out, choice{Value: area, Label: l.T("area." + area)})
	}
	return out
}

// plausibleCode tells whether s could be a beneficiary's code (letters, digits and dashes, at
// most 32): anything else is not looked up at all.
func plausibleCode(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
