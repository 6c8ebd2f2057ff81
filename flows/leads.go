package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Housing and Jobs: the active leads of the beneficiary's territory, newest first, five a
// page; housing filtered by the most rent a month and by shared or not. A lead opens its
// details with "I'm interested", recorded once and passed on to the tutor once.
//
// The list's state travels in the buttons: kind (h|j), page, max rent (0: any) and shared
// (a: any, y: shared, n: not shared).
const (
	ButtonLeads        = "ll" // Data(ButtonLeads, kind, page, maxRent, shared)
	ButtonLeadFilter   = "lf" // Data(ButtonLeadFilter, maxRent, shared)
	ButtonLead         = "ld" // Data(ButtonLead, leadID, kind, page, maxRent, shared)
	ButtonLeadInterest = "li" // Data(ButtonLeadInterest, leadID, kind, page, maxRent, shared)
)

const leadPageSize = 5

// rentSteps are the amounts the housing filter offers, in euro a month.
func rentSteps() []int64 { return []int64{300, 400, 500, 700} }

type leadList struct {
	kind   string // h or j
	page   int
	max    int64
	shared string // a, y, n
}

func (f leadList) storageKind() string {
	if f.kind == "j" {
		return storage.LeadJob
	}
	return storage.LeadHousing
}

func (f leadList) args() []any { return []any{f.kind, f.page, f.max, f.shared} }

func (f leadList) data(name string, lead ...int64) string {
	args := f.args()
	if len(lead) > 0 {
		args = append([]any{lead[0]}, args...)
	}
	return notify.Data(name, args...)
}

// parseLeadList reads the list state from a button's arguments, from index i; ok false for a
// payload the bot never issued.
func parseLeadList(a notify.Args, i int) (leadList, bool) {
	f := leadList{kind: a.Str(i), shared: a.Str(i + 3)}
	page, ok1 := a.Int(i + 1)
	maxRent, ok2 := a.Int(i + 2)
	if !ok1 || !ok2 || (f.kind != "h" && f.kind != "j") || page < 0 || page > 1000 || maxRent < 0 {
		return f, false
	}
	switch f.shared {
	case "a", "y", "n":
	default:
		return f, false
	}
	f.page, f.max = int(page), maxRent
	return f, true
}

func (e *Engine) leadRoutes() []Route {
	return []Route{
		{Command: "housing", Roles: domain.RoleBeneficiary, Help: "menu.cmd_housing", Handle: e.member(e.housingList)},
		{Command: "jobs", Roles: domain.RoleBeneficiary, Help: "menu.cmd_jobs", Handle: e.member(e.jobsList)},
		{Button: ButtonHousing, Roles: domain.RoleBeneficiary, Handle: e.member(e.housingList)},
		{Button: ButtonJobs, Roles: domain.RoleBeneficiary, Handle: e.member(e.jobsList)},
		{Button: ButtonLeads, Roles: domain.RoleBeneficiary, Handle: e.member(e.leadsPage)},
		{Button: ButtonLeadFilter, Roles: domain.RoleBeneficiary, Handle: e.member(e.leadFilter)},
		{Button: ButtonLead, Roles: domain.RoleBeneficiary, Handle: e.member(e.leadDetails)},
		{Button: ButtonLeadInterest, Roles: domain.RoleBeneficiary, Handle: e.member(e.leadInterest)},
	}
}

func (e *Engine) housingList(ctx context.Context, c *Ctx) error {
	return e.showLeads(ctx, c, leadList{kind: "h", shared: "a"}, "")
}

func (e *Engine) jobsList(ctx context.Context, c *Ctx) error {
	return e.showLeads(ctx, c, leadList{kind: "j", shared: "a"}, "")
}

func (e *Engine) leadsPage(ctx context.Context, c *Ctx) error {
	f, ok := parseLeadList(c.Args(), 0)
	if !ok {
		return c.Unknown(ctx)
	}
	return e.showLeads(ctx, c, f, "")
}

func (e *Engine) leadQuery(c *Ctx, f leadList) storage.LeadQuery {
	q := storage.LeadQuery{Territory: c.Actor.Beneficiary.Territory, Kind: f.storageKind(), Today: civil.Today(c.Now, e.set.Location),
		Limit: leadPageSize, Offset: f.page * leadPageSize}
	if f.kind == "h" {
		q.MaxRent = f.max
		if f.shared != "a" {
			shared := f.shared == "y"
			q.Shared = &shared
		}
	}
	return q
}

// showLeads shows one page of leads, after a note when set.
func (e *Engine) showLeads(ctx context.Context, c *Ctx, f leadList, note string) error {
	leads, total, err := storage.ActiveLeads(ctx, c.Tx, e.leadQuery(c, f))
	if err != nil {
		return err
	}
	if len(leads) == 0 && total > 0 {
		f.page = (total - 1) / leadPageSize
		if leads, total, err = storage.ActiveLeads(ctx, c.Tx, e.leadQuery(c, f)); err != nil {
			return err
		}
	}
	var sb strings.Builder
	if note != "" {
		sb.WriteString(note + "\n\n")
	}
	filtered := f.kind == "h" && (f.max > 0 || f.shared != "a")
	if total == 0 {
		var rows [][]bot.Button
		switch {
		case filtered:
			sb.WriteString(c.T("leads.none_filtered"))
			rows = append(rows, []bot.Button{btn(c.T("leads.any_filter"), leadList{kind: "h", shared: "a"}.data(ButtonLeads))})
		case f.kind == "h":
			sb.WriteString(c.T("leads.none_housing"))
		default:
			sb.WriteString(c.T("leads.none_jobs"))
		}
		rows = append(rows, []bot.Button{btn(c.T("menu.tutor"), notify.Data(notify.ButtonMyTutor)), c.menuRow()[0]})
		return c.screen(ctx, sb.String(), rows...)
	}
	pages := (total + leadPageSize - 1) / leadPageSize
	if f.kind == "h" {
		sb.WriteString(c.L.N("leads.title_housing", total))
	} else {
		sb.WriteString(c.L.N("leads.title_jobs", total))
	}
	if pages > 1 {
		sb.WriteString(" " + c.T("plan.page", "Page", f.page+1, "Pages", pages))
	}
	if filtered {
		sb.WriteString("\n" + e.filterLine(c, f))
	}
	var bs []bot.Button
	for i, l := range leads {
		n := f.page*leadPageSize + i + 1
		sb.WriteString(fmt.Sprintf("\n\n%d. %s", n, c.L.Iso(c.foreignInline(clip(l.Title, maxLineRunes)))))
		if facts := e.leadFacts(c, l); facts != "" {
			sb.WriteString("\n" + facts)
		}
		bs = append(bs, btn(fmt.Sprintf("%s %d. %s", c.T("leads.icon_"+f.kind), n, clip(l.Title, maxLabelRunes)), f.data(ButtonLead, l.ID)))
	}
	sb.WriteString("\n\n" + c.T("leads.tap_lead"))
	rows := c.withPager(grid(bs, 1), f.page, pages, func(p int) string {
		at := f
		at.page = p
		return at.data(ButtonLeads)
	})
	last := c.menuRow()
	if f.kind == "h" {
		last = append([]bot.Button{btn(c.T("leads.filter"), notify.Data(ButtonLeadFilter, f.max, f.shared))}, last...)
	}
	return c.screen(ctx, sb.String(), append(rows, last)...)
}

// filterLine says which housing filter is on.
func (e *Engine) filterLine(c *Ctx, f leadList) string {
	var parts []string
	if f.max > 0 {
		parts = append(parts, c.T("leads.up_to", "Rent", f.max))
	}
	switch f.shared {
	case "y":
		parts = append(parts, c.T("leads.shared"))
	case "n":
		parts = append(parts, c.T("leads.not_shared"))
	}
	return c.T("leads.filter_on", "Filter", strings.Join(parts, ", "))
}

// leadFacts is the one line of facts a list shows under a lead's title.
func (e *Engine) leadFacts(c *Ctx, l storage.Lead) string {
	var parts []string
	if l.Kind == storage.LeadHousing {
		if l.RentEUR.Valid {
			parts = append(parts, c.T("leads.rent", "Rent", l.RentEUR.Int64))
		}
		if l.Shared.Valid {
			if l.Shared.Bool {
				parts = append(parts, c.T("leads.shared"))
			} else {
				parts = append(parts, c.T("leads.not_shared"))
			}
		}
	} else {
		if l.JobRole.Valid && l.JobRole.String != "" {
			parts = append(parts, c.T("leads.role", "Role", clip(l.JobRole.String, 40)))
		}
		if l.Contract.Valid && l.Contract.String != "" {
			parts = append(parts, c.T("leads.contract", "Contract", clip(l.Contract.String, 40)))
		}
	}
	if l.City.Valid && l.City.String != "" {
		parts = append(parts, c.T("leads.city", "City", clip(l.City.String, 40)))
	}
	return strings.Join(parts, " · ")
}

// leadFilter offers the housing filters: rent ceilings and shared or not. The current choice
// is marked.
func (e *Engine) leadFilter(ctx context.Context, c *Ctx) error {
	f, ok := parseLeadList(append(notify.Args{"h", "0"}, c.Args()...), 0)
	if !ok {
		return c.Unknown(ctx)
	}
	mark := func(on bool, text string) string {
		if on {
			return "✅ " + text
		}
		return text
	}
	// The marked choice of each group shows the list as it is, as "back" does: a trailing
	// tag (rent, sharing; parseLeadList ignores it) keeps the three payloads apart, since
	// WhatsApp refuses a list whose rows share an id.
	choose := func(to leadList, tag string) string { return notify.Data(ButtonLeads, append(to.args(), tag)...) }
	var rents []bot.Button
	for _, r := range rentSteps() {
		to := f
		to.max = r
		rents = append(rents, btn(mark(f.max == r, c.T("leads.btn_up_to", "Rent", r)), choose(to, "r")))
	}
	anyRent := f
	anyRent.max = 0
	rents = append(rents, btn(mark(f.max == 0, c.T("leads.any_rent")), choose(anyRent, "r")))
	var kinds []bot.Button
	for _, k := range []struct{ v, id string }{{"y", "leads.btn_shared"}, {"n", "leads.btn_not_shared"}, {"a", "leads.any_sharing"}} {
		to := f
		to.shared = k.v
		kinds = append(kinds, btn(mark(f.shared == k.v, c.T(k.id)), choose(to, "s")))
	}
	rows := grid(rents, 3)
	rows = append(rows, kinds, []bot.Button{btn(c.T("menu.back"), f.data(ButtonLeads))})
	return c.screen(ctx, c.T("leads.filter_title"), rows...)
}

// visibleLead finds the lead a button names: ok false when it is not one the beneficiary may
// see (another territory, a payload never issued); gone true when it closed or expired.
func (e *Engine) visibleLead(ctx context.Context, c *Ctx) (l storage.Lead, f leadList, ok, gone bool, err error) {
	id, ok1 := c.Args().Int(0)
	f, ok2 := parseLeadList(c.Args(), 1)
	if !ok1 || !ok2 {
		return l, f, false, false, nil
	}
	l, err = storage.LeadByID(ctx, c.Tx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return l, f, false, false, nil
	}
	if err != nil {
		return l, f, false, false, err
	}
	if !c.Actor.CanSeeLead(l) || l.Kind != f.storageKind() {
		return l, f, false, false, nil
	}
	expired := l.ExpiresOn.Valid && l.ExpiresOn.String < civil.Today(c.Now, e.set.Location)
	return l, f, true, l.Status != "open" || expired, nil
}

func (e *Engine) leadDetails(ctx context.Context, c *Ctx) error {
	l, f, ok, gone, err := e.visibleLead(ctx, c)
	if err != nil || !ok {
		return orUnknown(ctx, c, err)
	}
	if gone {
		return e.showLeads(ctx, c, f, c.T("leads.gone"))
	}
	interested, err := e.interestedIn(ctx, c, l.ID)
	if err != nil {
		return err
	}
	return e.showLead(ctx, c, l, f, interested, "")
}

func (e *Engine) interestedIn(ctx context.Context, c *Ctx, leadID int64) (bool, error) {
	ins, err := storage.InterestsOf(ctx, c.Tx, c.Actor.Beneficiary.ID)
	if err != nil {
		return false, err
	}
	for _, in := range ins {
		if in.LeadID == leadID {
			return true, nil
		}
	}
	return false, nil
}

// showLead shows a lead's details; its contact for beneficiaries only once the person is interested.
func (e *Engine) showLead(ctx context.Context, c *Ctx, l storage.Lead, f leadList, interested bool, note string) error {
	var sb strings.Builder
	if note != "" {
		sb.WriteString(note + "\n\n")
	}
	sb.WriteString(c.T("leads.icon_"+f.kind) + " " + c.L.Iso(c.foreignInline(l.Title)))
	if l.Kind == storage.LeadHousing {
		if l.HousingType.Valid {
			sb.WriteString("\n" + c.T("leads.type_"+l.HousingType.String))
		}
		if l.RentEUR.Valid {
			sb.WriteString("\n💶 " + c.T("leads.rent", "Rent", l.RentEUR.Int64))
		}
		if l.Shared.Valid {
			if l.Shared.Bool {
				sb.WriteString("\n👥 " + c.T("leads.shared"))
			} else {
				sb.WriteString("\n🚪 " + c.T("leads.not_shared"))
			}
		}
	} else {
		if l.JobRole.Valid && l.JobRole.String != "" {
			sb.WriteString("\n💼 " + c.T("leads.role", "Role", l.JobRole.String))
		}
		if l.Employer.Valid && l.Employer.String != "" {
			sb.WriteString("\n🏢 " + c.T("leads.employer", "Employer", l.Employer.String))
		}
		if l.Contract.Valid && l.Contract.String != "" {
			sb.WriteString("\n📝 " + c.T("leads.contract", "Contract", l.Contract.String))
		}
		if l.Hours.Valid && l.Hours.String != "" {
			sb.WriteString("\n🕒 " + c.T("leads.hours", "Hours", l.Hours.String))
		}
	}
	if l.City.Valid && l.City.String != "" {
		sb.WriteString("\n📍 " + c.T("leads.city", "City", l.City.String))
	}
	if l.ExpiresOn.Valid {
		sb.WriteString("\n⏳ " + c.T("leads.until", "Date", e.civilDate(c.L, l.ExpiresOn.String)))
	}
	if d := strings.TrimSpace(l.Details); d != "" {
		sb.WriteString("\n\n" + c.L.Iso(c.foreign(d)))
	}
	var rows [][]bot.Button
	if interested {
		sb.WriteString("\n\n" + c.T("leads.you_are_interested"))
		// Once the person said they are interested, the lead's contact for beneficiaries
		// (when it has one) is theirs to use too.
		if ct := strings.TrimSpace(l.Contact.String); l.Contact.Valid && ct != "" {
			sb.WriteString("\n" + c.T("lead_contact.line", "Contact", ct))
		}
	} else {
		rows = append(rows, []bot.Button{btn(c.T("leads.interested"), f.data(ButtonLeadInterest, l.ID))})
	}
	rows = append(rows, []bot.Button{btn(c.T("menu.back"), f.data(ButtonLeads)), c.menuRow()[0]})
	return c.screen(ctx, sb.String(), rows...)
}

// leadInterest records the beneficiary's interest once and tells the tutor once.
func (e *Engine) leadInterest(ctx context.Context, c *Ctx) error {
	l, f, ok, gone, err := e.visibleLead(ctx, c)
	if err != nil || !ok {
		return orUnknown(ctx, c, err)
	}
	if gone {
		return e.showLeads(ctx, c, f, c.T("leads.gone"))
	}
	added, err := e.domain.RecordLeadInterest(ctx, c.Tx, c.Now, c.Actor, l, clip(l.Title, maxLineRunes))
	if errors.Is(err, domain.ErrDenied) {
		return c.Unknown(ctx)
	}
	if err != nil {
		return err
	}
	if !added {
		c.Answer(c.T("leads.interest_already"))
		return e.showLead(ctx, c, l, f, true, c.T("leads.interest_already"))
	}
	note := c.T("leads.interest_saved") + " " + e.tutorToldLine(c)
	return e.showLead(ctx, c, l, f, true, note)
}
