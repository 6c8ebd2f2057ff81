package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// PeopleQuery selects and orders the beneficiaries a staff list shows, a page at a time.
// Scope is what the staff member may see; the other fields narrow it (zero: no filter).
type PeopleQuery struct {
	Scope     CaseloadFilter
	Territory string
	TutorID   int64
	Status    string // invited, active, closed; "" for invited and active
	Lang      string
	Overdue   bool   // only people with a step past its due date on Today
	Today     string // YYYY-MM-DD, what "overdue" is measured against
	Sort      string // "code" (default), "activity" (latest first), "overdue" (most first)
	Limit     int
	Offset    int
}

// PersonRow is one beneficiary of a staff list with their plan's figures.
type PersonRow struct {
	ID            int64          `db:"id"`
	Code          string         `db:"code"`
	DisplayName   sql.NullString `db:"display_name"`
	Lang          string         `db:"lang"`
	Territory     string         `db:"territory"`
	TutorID       sql.NullInt64  `db:"tutor_id"`
	TutorName     sql.NullString `db:"tutor_name"`
	Status        string         `db:"status"`
	LastInboundAt sql.NullTime   `db:"last_inbound_at"`
	StepsTotal    int            `db:"steps_total"`
	StepsDone     int            `db:"steps_done"`
	StepsOverdue  int            `db:"steps_overdue"`
}

// Name is the display name, or the code when there is none.
func (r PersonRow) Name() string {
	if r.DisplayName.Valid && r.DisplayName.String != "" {
		return r.DisplayName.String
	}
	return r.Code
}

// peopleOrder is each sort's ORDER BY over the page's candidates (alias b), the code breaking
// ties. The "overdue" sort orders by o.n, the overdue steps of peopleOverdueJoin.
func peopleOrder(sort string) string {
	switch sort {
	case "activity":
		return ` ORDER BY CASE WHEN b.last_inbound_at IS NULL THEN 1 ELSE 0 END, b.last_inbound_at DESC, b.code`
	case "overdue":
		return ` ORDER BY COALESCE(o.n, 0) DESC, b.code`
	}
	return ` ORDER BY b.code`
}

// overdueOf counts the steps of beneficiary b past their due date on the day bound to ?.
const overdueOf = `SELECT COUNT(*) FROM plan_steps s WHERE s.beneficiary_id = b.id AND s.status <> 'done' AND s.due_date IS NOT NULL AND s.due_date < ?`

// peopleOverdueJoin gives each person with overdue steps on the day bound to ? their count
// (o.n), read once from the open steps' partial index (plan_steps_open_due) for the whole
// list: counting each candidate's steps in turn (overdueOf in ORDER BY) read every step of a
// caseload of thousands for each page.
const peopleOverdueJoin = ` LEFT JOIN (SELECT s.beneficiary_id, COUNT(*) AS n FROM plan_steps s
WHERE s.status <> 'done' AND s.due_date IS NOT NULL AND s.due_date < ? GROUP BY s.beneficiary_id) o ON o.beneficiary_id = b.id`

// People lists one page of the beneficiaries q selects, with their plan's figures, and how
// many there are in all. The page is chosen first (by index where the order allows) and only
// its people's steps are counted, so a page costs the same in a caseload of 10 or 10,000.
func People(ctx context.Context, q Queryer, pq PeopleQuery) ([]PersonRow, int, error) {
	where := ` WHERE 1 = 1`
	var args []any
	add := func(cond string, v any) {
		where += ` AND ` + cond
		args = append(args, v)
	}
	if pq.Status == "" {
		where += ` AND b.status IN ('invited', 'active')`
	} else {
		add(`b.status = ?`, pq.Status)
	}
	if pq.Scope.TutorID != 0 {
		add(`b.tutor_id = ?`, pq.Scope.TutorID)
	}
	if pq.Scope.Territory != "" {
		add(`b.territory = ?`, pq.Scope.Territory)
	}
	if pq.Scope.CentreID != 0 {
		add(`b.centre_id = ?`, pq.Scope.CentreID)
	}
	if pq.Territory != "" {
		add(`b.territory = ?`, pq.Territory)
	}
	if pq.TutorID != 0 {
		add(`b.tutor_id = ?`, pq.TutorID)
	}
	if pq.Lang != "" {
		add(`b.lang = ?`, pq.Lang)
	}
	if pq.Overdue {
		add(`b.id IN (SELECT s.beneficiary_id FROM plan_steps s WHERE s.status <> 'done' AND s.due_date IS NOT NULL AND s.due_date < ?)`, pq.Today)
	}
	var total int
	if err := q.Get(ctx, &total, `SELECT COUNT(*) FROM beneficiaries b`+where, args...); err != nil {
		return nil, 0, fmt.Errorf("count people: %w", err)
	}
	if pq.Limit <= 0 {
		pq.Limit = 50
	}
	page := `SELECT b.id FROM beneficiaries b` + where + peopleOrder(pq.Sort) + ` LIMIT ? OFFSET ?`
	pageArgs := append([]any{}, args...)
	if pq.Sort == "overdue" {
		page = `SELECT b.id FROM beneficiaries b` + peopleOverdueJoin + where + peopleOrder(pq.Sort) + ` LIMIT ? OFFSET ?`
		pageArgs = append([]any{pq.Today}, args...)
	}
	pageArgs = append(pageArgs, pq.Limit, pq.Offset)
	var ids []int64
	if err := q.Select(ctx, &ids, page, pageArgs...); err != nil {
		return nil, 0, fmt.Errorf("people: %w", err)
	}
	if len(ids) == 0 {
		return nil, total, nil
	}
	query := `SELECT b.id, b.code, b.display_name, b.lang, b.territory, b.tutor_id, t.display_name AS tutor_name, b.status, b.last_inbound_at,
(SELECT COUNT(*) FROM plan_steps s WHERE s.beneficiary_id = b.id) AS steps_total,
(SELECT COUNT(*) FROM plan_steps s WHERE s.beneficiary_id = b.id AND s.status = 'done') AS steps_done,
(` + overdueOf + `) AS steps_overdue
FROM beneficiaries b LEFT JOIN staff t ON t.id = b.tutor_id WHERE b.id IN (` + placeholders(len(ids)) + `)`
	byID := map[int64]PersonRow{}
	var rows []PersonRow
	if err := q.Select(ctx, &rows, query, append([]any{pq.Today}, anys(ids)...)...); err != nil {
		return nil, 0, fmt.Errorf("people: %w", err)
	}
	for _, r := range rows {
		byID[r.ID] = r
	}
	out := make([]PersonRow, 0, len(ids))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, r)
		}
	}
	return out, total, nil
}

// TutorsIn lists the active and pending tutors of a territory (every territory when empty),
// by name: the choices of a "tutor" filter.
func TutorsIn(ctx context.Context, q Queryer, territory string) ([]Staff, error) {
	query := `SELECT ` + staffColumns + ` FROM staff WHERE role = 'tutor' AND status <> 'disabled'`
	var args []any
	if territory != "" {
		query += ` AND territory = ?`
		args = append(args, territory)
	}
	var out []Staff
	if err := q.Select(ctx, &out, query+` ORDER BY display_name, id`, args...); err != nil {
		return nil, fmt.Errorf("tutors: %w", err)
	}
	return out, nil
}
