package desk

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

// auditPage is how many entries the audit log page lists at a time.
const auditPage = 50

// auditView is the audit log page.
type auditView struct {
	Lede   string
	Rows   []auditRow
	Older  string // address of the next page ("" none)
	Newest bool   // not the first page: offer the newest entries
}

// auditRow is one entry as the page shows it.
type auditRow struct {
	When, At, Who, Action, Target, Outcome, Detail string
	Denied                                         bool
}

// audit is the audit log (coordinators: their territory's entries where attributable; admins
// and coordinators of every territory: all), newest first, 50 a page.
func (d *Desk) audit(w http.ResponseWriter, r *Request) error {
	a := domain.Actor{Staff: &r.Staff}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	terr := a.ScopeTerritory()
	entries, err := storage.AuditPage(r.Context(), d.cfg.DB, storage.AuditPageQuery{Territory: terr, Before: max(before, 0), Limit: auditPage + 1})
	if err != nil {
		return err
	}
	l := r.L
	v := auditView{Lede: l.T("desk.audit.lede_all"), Newest: before > 0}
	if terr != "" {
		t, err := storage.TerritoryByCode(r.Context(), d.cfg.DB, terr)
		if err != nil {
			return err
		}
		v.Lede = l.T("desk.audit.lede_territory", "Territory", t.Name)
	}
	if len(entries) > auditPage {
		entries = entries[:auditPage]
		v.Older = "/desk/audit?before=" + strconv.FormatInt(entries[auditPage-1].ID, 10)
	}
	names := auditNames{d: d, r: r, staff: map[int64]string{}, people: map[int64]*storage.Beneficiary{}}
	for _, e := range entries {
		row := auditRow{When: l.DateTime(e.At.In(d.cfg.Location)), At: e.At.UTC().Format(time.RFC3339), Action: e.Action,
			Outcome: l.T("desk.audit.outcome_ok"), Detail: e.Detail, Denied: e.Outcome == storage.OutcomeDenied}
		if row.Denied {
			row.Outcome = l.T("desk.audit.outcome_denied")
		}
		if row.Who, err = names.actor(e); err != nil {
			return err
		}
		if row.Target, err = names.target(e); err != nil {
			return err
		}
		v.Rows = append(v.Rows, row)
	}
	return d.render(w, r, http.StatusOK, "audit", l.T("desk.audit.title"), v)
}

// auditNames names the staff and people of a page of the audit log, each read once.
type auditNames struct {
	d      *Desk
	r      *Request
	staff  map[int64]string
	people map[int64]*storage.Beneficiary // nil: no such person (any more)
}

func (n auditNames) actor(e storage.AuditEntry) (string, error) {
	l := n.r.L
	switch e.ActorKind {
	case storage.ActorStaff:
		if name, ok := n.staff[e.ActorID.Int64]; ok {
			return name, nil
		}
		s, err := storage.StaffByID(n.r.Context(), n.d.cfg.DB, e.ActorID.Int64)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return "", err
		}
		name := staffName(l, s)
		if err != nil {
			name = l.T("desk.unnamed", "ID", strconv.FormatInt(e.ActorID.Int64, 10))
		}
		n.staff[e.ActorID.Int64] = name + " · " + roleName(l, s.Role)
		return n.staff[e.ActorID.Int64], nil
	case storage.ActorBeneficiary:
		b, err := n.person(e.ActorID.Int64)
		if err != nil || b == nil {
			return l.T("desk.audit.actor_beneficiary", "Code", "#"+strconv.FormatInt(e.ActorID.Int64, 10)), err
		}
		return l.T("desk.audit.actor_beneficiary", "Code", b.Code), nil
	case storage.ActorCLI:
		return l.T("desk.audit.actor_cli"), nil
	}
	return l.T("desk.audit.actor_system"), nil
}

// target names what an entry is about: a person the staff member may see by their code,
// anything else by its kind and id.
func (n auditNames) target(e storage.AuditEntry) (string, error) {
	if e.TargetKind == "" {
		return "", nil
	}
	if e.TargetKind == "beneficiary" {
		if id, err := strconv.ParseInt(e.TargetID, 10, 64); err == nil {
			b, err := n.person(id)
			if err != nil {
				return "", err
			}
			if b != nil && inScope(n.r.Staff, *b) {
				return b.Code, nil
			}
		}
	}
	if e.TargetID == "" {
		return e.TargetKind, nil
	}
	return e.TargetKind + " " + e.TargetID, nil
}

func (n auditNames) person(id int64) (*storage.Beneficiary, error) {
	if b, ok := n.people[id]; ok {
		return b, nil
	}
	b, err := storage.BeneficiaryByID(n.r.Context(), n.d.cfg.DB, id)
	if errors.Is(err, storage.ErrNotFound) {
		n.people[id] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	n.people[id] = &b
	return &b, nil
}
