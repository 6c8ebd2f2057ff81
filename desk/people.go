package desk

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// peoplePage is how many people a page of the list shows.
const peoplePage = 50

// peopleView is the People page as its template shows it.
type peopleView struct {
	Filters  peopleFilters
	Choices  peopleChoices
	Rows     []personRow
	Total    int
	Page     int
	Pages    int
	Prev     string // link to the previous page, "" on the first
	Next     string // link to the next page, "" on the last
	Heading  string
	Filtered bool // a filter narrows the list
}

// peopleFilters are the list's filters as the form shows them.
type peopleFilters struct {
	Status, Lang, Territory, Sort string
	TutorID                       int64
	Overdue                       bool
}

// option is one choice of a filter's select.
type option struct {
	Value, Label string
	Selected     bool
}

// peopleChoices are the filters a staff member may use, with their options.
type peopleChoices struct {
	Statuses, Langs, Territories, Tutors, Sorts []option
}

// personRow is one person of the list.
type personRow struct {
	Code, Name, Lang, Territory, Tutor, Status string
	Href                                       string
	StepsDone, StepsTotal, Overdue             int
	LastActivity, LastActivityAt               string
}

// people is the list of the people a staff member follows: a tutor's caseload, a
// coordinator's territory, everyone for an admin; filtered, sorted and paged by the query.
func (d *Desk) people(w http.ResponseWriter, r *Request) error {
	q := r.URL.Query()
	f := peopleFilters{Status: oneOf(q.Get("status"), "", storage.BeneficiaryInvited, storage.BeneficiaryActive, storage.BeneficiaryClosed),
		Lang: q.Get("lang"), Sort: oneOf(q.Get("sort"), "code", "activity", "overdue"), Overdue: q.Get("overdue") == "1"}
	if _, ok := d.cfg.Catalog.Lang(f.Lang); !ok {
		f.Lang = ""
	}
	scope := caseloadScope(r.Staff)
	if scope.TutorID == 0 && scope.CentreID == 0 {
		f.Territory = q.Get("territory")
		f.TutorID, _ = strconv.ParseInt(q.Get("tutor"), 10, 64)
	}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	list, err := loadPeople(r.Context(), d.cfg.DB, storage.PeopleQuery{Scope: scope, Territory: f.Territory, TutorID: f.TutorID,
		Status: f.Status, Lang: f.Lang, Overdue: f.Overdue, Sort: f.Sort, Today: r.Now.In(d.cfg.Location).Format(time.DateOnly),
		Limit: peoplePage, Offset: (page - 1) * peoplePage})
	if err != nil {
		return err
	}
	v := peopleView{Filters: f, Total: list.Total, Page: page, Pages: max(1, (list.Total+peoplePage-1)/peoplePage),
		Filtered: f.Status != "" || f.Lang != "" || f.Territory != "" || f.TutorID != 0 || f.Overdue}
	v.Choices = d.peopleChoices(r, f, list)
	switch {
	case isOperator(r.Staff):
		if v.Heading, err = d.centreTitle(r); err != nil {
			return err
		}
	case scope.TutorID != 0:
		v.Heading = r.L.T("desk.home.caseload_mine")
	case scope.Territory != "":
		v.Heading = r.L.T("desk.home.caseload_territory", "Territory", list.TerritoryName)
	default:
		v.Heading = r.L.T("desk.home.caseload_all")
	}
	for _, p := range list.Rows {
		row := personRow{Code: p.Code, Name: p.Name(), Lang: langName(d.cfg.Catalog, p.Lang), Territory: p.Territory,
			Tutor: p.TutorName.String, Status: r.L.T("desk.status." + p.Status), Href: "/desk/people/" + url.PathEscape(p.Code),
			StepsDone: p.StepsDone, StepsTotal: p.StepsTotal, Overdue: p.StepsOverdue, LastActivity: r.L.T("desk.people.never")}
		if p.LastInboundAt.Valid {
			row.LastActivity = r.L.DateTime(p.LastInboundAt.Time.In(d.cfg.Location))
			row.LastActivityAt = p.LastInboundAt.Time.UTC().Format(time.RFC3339)
		}
		v.Rows = append(v.Rows, row)
	}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return "/desk/people?" + q.Encode()
	}
	if page > 1 {
		v.Prev = link(page - 1)
	}
	if page < v.Pages {
		v.Next = link(page + 1)
	}
	return d.render(w, r, http.StatusOK, "people", r.L.T("desk.people.title"), v)
}

// peopleChoices are the options of each filter, the current ones selected. A tutor filters
// only their own caseload, an operator their centre's people, so they get no territory or
// tutor filter.
func (d *Desk) peopleChoices(r *Request, f peopleFilters, list peopleList) peopleChoices {
	var c peopleChoices
	c.Statuses = []option{{Value: "", Label: r.L.T("desk.people.status_open"), Selected: f.Status == ""}}
	for _, s := range []string{storage.BeneficiaryInvited, storage.BeneficiaryActive, storage.BeneficiaryClosed} {
		c.Statuses = append(c.Statuses, option{Value: s, Label: r.L.T("desk.status." + s), Selected: f.Status == s})
	}
	c.Langs = []option{{Value: "", Label: r.L.T("desk.people.any"), Selected: f.Lang == ""}}
	for _, l := range locales.Languages() {
		c.Langs = append(c.Langs, option{Value: l.Code, Label: l.Native, Selected: f.Lang == l.Code})
	}
	for _, s := range []string{"code", "activity", "overdue"} {
		c.Sorts = append(c.Sorts, option{Value: s, Label: r.L.T("desk.people.sort_" + s), Selected: f.Sort == s})
	}
	if scope := caseloadScope(r.Staff); scope.TutorID != 0 || scope.CentreID != 0 {
		return c
	}
	if len(list.Territories) > 1 {
		c.Territories = []option{{Value: "", Label: r.L.T("desk.people.any"), Selected: f.Territory == ""}}
		for _, t := range list.Territories {
			c.Territories = append(c.Territories, option{Value: t.Code, Label: t.Name, Selected: f.Territory == t.Code})
		}
	}
	c.Tutors = []option{{Value: "", Label: r.L.T("desk.people.any"), Selected: f.TutorID == 0}}
	for _, t := range list.Tutors {
		c.Tutors = append(c.Tutors, option{Value: strconv.FormatInt(t.ID, 10), Label: staffName(r.L, t), Selected: f.TutorID == t.ID})
	}
	return c
}

// oneOf is v when it is one of allowed, else allowed[0].
func oneOf(v string, allowed ...string) string {
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	return allowed[0]
}

// langName is a language's own name ("العربية"), or its code when the bot does not speak it.
func langName(cat *locales.Catalog, code string) string {
	if l, ok := cat.Lang(code); ok {
		return l.Native
	}
	return code
}
