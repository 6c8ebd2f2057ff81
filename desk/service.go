package desk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

// The desk's reads, one small function per thing a page shows: handlers call these and never
// SQL. Changes go through the domain functions the chat calls (issue 11's domain layer), never
// through here.

// maxHomeAlerts is how many open alerts Home lists (newest first); the count says how many
// there are in all.
const maxHomeAlerts = 50

// caseloadScope is whose people a staff member's lists and figures count: the domain's one
// rule (a tutor's own, a coordinator's territory or every one, an admin's everyone).
func caseloadScope(s storage.Staff) storage.CaseloadFilter {
	return domain.Actor{Staff: &s}.CaseloadFilter()
}

// homeData is what Home shows.
type homeData struct {
	Alerts      []storage.Alert // the newest open alerts, newest first
	AlertsTotal int             // open alerts in all
	// Messages are the texts "wrote you a message" alerts refer to (their ref_id), by alert id;
	// an alert whose message was purged or erased, or that refers to none, has no entry.
	Messages map[int64]storage.ConversationMessage
	Caseload storage.CaseloadTotals
	Scope    storage.CaseloadFilter
	// TerritoryName names Scope.Territory ("" when it is empty).
	TerritoryName string
}

// loadHome reads a staff member's open alerts and caseload figures, with "overdue" meaning
// before today in loc.
func loadHome(ctx context.Context, q storage.Queryer, s storage.Staff, now time.Time, loc *time.Location) (homeData, error) {
	var h homeData
	var err error
	if !isOperator(s) { // operators get no alerts: the tutors answer them
		if h.Alerts, h.AlertsTotal, err = storage.NewestOpenAlerts(ctx, q, s.ID, maxHomeAlerts); err != nil {
			return h, err
		}
	}
	if h.Messages, err = alertMessages(ctx, q, h.Alerts); err != nil {
		return h, err
	}
	h.Scope = caseloadScope(s)
	if h.Caseload, err = storage.CaseloadSummary(ctx, q, h.Scope, now.In(loc).Format("2006-01-02")); err != nil {
		return h, err
	}
	if h.Scope.Territory != "" {
		t, err := storage.TerritoryByCode(ctx, q, h.Scope.Territory)
		if err != nil {
			return h, fmt.Errorf("territory of staff %d: %w", s.ID, err)
		}
		h.TerritoryName = t.Name
	}
	return h, nil
}

// alertMessages reads the conversation messages that "wrote you a message" alerts refer to,
// keyed by alert id: only a message to the tutor from the alert's own beneficiary counts.
func alertMessages(ctx context.Context, q storage.Queryer, alerts []storage.Alert) (map[int64]storage.ConversationMessage, error) {
	var ids []int64
	for _, a := range alerts {
		if a.Kind == storage.AlertMessage && a.RefID.Valid {
			ids = append(ids, a.RefID.Int64)
		}
	}
	msgs, err := storage.ConversationMessagesByID(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]storage.ConversationMessage, len(ids))
	for _, a := range alerts {
		if a.Kind != storage.AlertMessage || !a.RefID.Valid {
			continue
		}
		if m, ok := msgs[a.RefID.Int64]; ok && m.BeneficiaryID == a.BeneficiaryID && m.Direction == storage.ToTutor {
			out[a.ID] = m
		}
	}
	return out, nil
}

// peopleList is a page of the People list with what its filters offer.
type peopleList struct {
	Rows  []storage.PersonRow
	Total int
	// TerritoryName names the staff member's territory ("" when they have none).
	TerritoryName string
	// Territories and Tutors are the filters' choices within the staff member's scope.
	Territories []storage.Territory
	Tutors      []storage.Staff
}

// loadPeople reads one page of the people pq selects (pq.Scope being the staff member's) and
// the territories and tutors a coordinator or admin may filter on.
func loadPeople(ctx context.Context, q storage.Queryer, pq storage.PeopleQuery) (peopleList, error) {
	var l peopleList
	var err error
	if l.Rows, l.Total, err = storage.People(ctx, q, pq); err != nil {
		return l, err
	}
	if pq.Scope.TutorID != 0 || pq.Scope.CentreID != 0 {
		return l, nil // a tutor's own people, an operator's centre: no territory or tutor to filter on
	}
	all, err := storage.Territories(ctx, q)
	if err != nil {
		return l, err
	}
	for _, t := range all {
		if pq.Scope.Territory == "" || t.Code == pq.Scope.Territory {
			l.Territories = append(l.Territories, t)
		}
		if t.Code == pq.Scope.Territory {
			l.TerritoryName = t.Name
		}
	}
	if l.Tutors, err = storage.TutorsIn(ctx, q, pq.Scope.Territory); err != nil {
		return l, err
	}
	return l, nil
}

// conversationShown is how many of the newest messages with the tutor a person's page shows.
const conversationShown = 50

// inScope tells whether a staff member may see a beneficiary: the domain's one rule.
func inScope(s storage.Staff, b storage.Beneficiary) bool {
	return domain.Actor{Staff: &s}.CanSeeBeneficiary(b)
}

// personData is what a person's page shows.
type personData struct {
	B             storage.Beneficiary
	TerritoryName string
	Tutor         *storage.Staff
	Steps         []storage.PlanStep
	Conversation  []storage.ConversationMessage // oldest first
	Alerts        []storage.Alert
	Labs          []storage.LabRecord
	Interests     []storage.LeadInterest
}

// outOfScope is loadPerson's answer for a person the staff member may not see, or who does
// not exist (the same answer on the page, so the desk tells nothing of who is there). ID is
// the person's internal id, what the audit log names people by (0: no such person).
type outOfScope struct{ ID int64 }

func (outOfScope) Error() string { return "desk: person out of scope" }

// loadPerson reads what a person's page shows, for a staff member who may see them.
func loadPerson(ctx context.Context, q storage.Queryer, s storage.Staff, code string) (personData, error) {
	var p personData
	b, err := storage.BeneficiaryByCode(ctx, q, code)
	if errors.Is(err, storage.ErrNotFound) {
		return p, outOfScope{}
	}
	if err != nil {
		return p, err
	}
	if b.Status == storage.BeneficiaryErased || !inScope(s, b) {
		return p, outOfScope{ID: b.ID}
	}
	p.B = b
	if t, err := storage.TerritoryByCode(ctx, q, b.Territory); err == nil {
		p.TerritoryName = t.Name
	} else {
		return p, err
	}
	if b.TutorID.Valid {
		t, err := storage.StaffByID(ctx, q, b.TutorID.Int64)
		if err != nil {
			return p, err
		}
		p.Tutor = &t
	}
	if p.Steps, err = storage.StepsOf(ctx, q, b.ID); err != nil {
		return p, err
	}
	msgs, err := storage.ConversationOf(ctx, q, b.ID, 0, conversationShown)
	if err != nil {
		return p, err
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		p.Conversation = append(p.Conversation, msgs[i])
	}
	if p.Alerts, err = storage.OpenAlertsAbout(ctx, q, b.ID); err != nil {
		return p, err
	}
	if p.Labs, err = storage.LabRecordsOf(ctx, q, b.ID, 20); err != nil {
		return p, err
	}
	if p.Interests, err = storage.InterestsOf(ctx, q, b.ID); err != nil {
		return p, err
	}
	return p, nil
}
