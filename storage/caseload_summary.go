package storage

import (
	"context"
	"fmt"
)

// CaseloadTotals are the figures of a caseload as a whole: the people followed and their
// plans' steps.
type CaseloadTotals struct {
	People        int `db:"people"`         // invited and active
	Active        int `db:"active"`         // of them, active
	Invited       int `db:"invited"`        // of them, invited and not joined yet
	StepsTotal    int `db:"steps_total"`    // steps of their plans
	StepsDone     int `db:"steps_done"`     // of them, done
	StepsOverdue  int `db:"steps_overdue"`  // not done and past their due date
	PeopleOverdue int `db:"people_overdue"` // people with at least one overdue step
}

const caseloadPeople = `SELECT COUNT(*) AS people,
COALESCE(SUM(CASE WHEN b.status = 'active' THEN 1 ELSE 0 END), 0) AS active,
COALESCE(SUM(CASE WHEN b.status = 'invited' THEN 1 ELSE 0 END), 0) AS invited
FROM beneficiaries b`

const caseloadSteps = `SELECT COUNT(s.id) AS steps_total,
COALESCE(SUM(CASE WHEN s.status = 'done' THEN 1 ELSE 0 END), 0) AS steps_done,
COALESCE(SUM(CASE WHEN s.status <> 'done' AND s.due_date IS NOT NULL AND s.due_date < ? THEN 1 ELSE 0 END), 0) AS steps_overdue
FROM beneficiaries b JOIN plan_steps s ON s.beneficiary_id = b.id`

// caseloadPeopleOverdue counts the people with an overdue step from the open steps' partial
// index (plan_steps_open_due): a COUNT(DISTINCT) over every step of the caseload sorted them
// all.
const caseloadPeopleOverdue = `SELECT COUNT(DISTINCT s.beneficiary_id) FROM plan_steps s JOIN beneficiaries b ON b.id = s.beneficiary_id`

// CaseloadSummary counts the invited and active beneficiaries f selects and their steps, with
// steps overdue on today (YYYY-MM-DD).
func CaseloadSummary(ctx context.Context, q Queryer, f CaseloadFilter, today string) (CaseloadTotals, error) {
	where, args := f.where()
	var t CaseloadTotals
	var people struct {
		People  int `db:"people"`
		Active  int `db:"active"`
		Invited int `db:"invited"`
	}
	if err := q.Get(ctx, &people, caseloadPeople+where, args...); err != nil {
		return t, fmt.Errorf("caseload people: %w", err)
	}
	var steps struct {
		Total         int `db:"steps_total"`
		Done          int `db:"steps_done"`
		Overdue       int `db:"steps_overdue"`
		PeopleOverdue int
	}
	if err := q.Get(ctx, &steps, caseloadSteps+where, append([]any{today}, args...)...); err != nil {
		return t, fmt.Errorf("caseload steps: %w", err)
	}
	if err := q.Get(ctx, &steps.PeopleOverdue, caseloadPeopleOverdue+where+` AND s.status <> 'done' AND s.due_date IS NOT NULL AND s.due_date < ?`,
		append(args, today)...); err != nil {
		return t, fmt.Errorf("caseload people overdue: %w", err)
	}
	return CaseloadTotals{People: people.People, Active: people.Active, Invited: people.Invited,
		StepsTotal: steps.Total, StepsDone: steps.Done, StepsOverdue: steps.Overdue, PeopleOverdue: steps.PeopleOverdue}, nil
}
