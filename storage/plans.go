package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Plan areas of an individual plan (PIn).
const (
	AreaHousing   = "housing"
	AreaWork      = "work"
	AreaPsych     = "psych"
	AreaSocial    = "social"
	AreaDocuments = "documents"
)

// Areas lists the plan areas in the order a plan shows them.
func Areas() []string {
	return []string{AreaHousing, AreaWork, AreaPsych, AreaSocial, AreaDocuments}
}

// Step statuses.
const (
	StepTodo       = "todo"
	StepInProgress = "in_progress"
	StepDone       = "done"
	StepBlocked    = "blocked"
)

// Actor kinds in histories and the audit log.
const (
	ActorStaff       = "staff"
	ActorBeneficiary = "beneficiary"
	ActorSystem      = "system"
	ActorCLI         = "cli"
)

// PlanStep is one step of a beneficiary's plan. Position is the number tutors use in
// /step <code> <n>. A step has a standard-step key from the catalogue, a free title, or both.
type PlanStep struct {
	ID            int64          `db:"id"`
	BeneficiaryID int64          `db:"beneficiary_id"`
	Position      int            `db:"position"`
	Area          string         `db:"area"`
	StepKey       sql.NullString `db:"step_key"`
	Title         sql.NullString `db:"title"`
	DueDate       sql.NullString `db:"due_date"`
	Status        string         `db:"status"`
	CreatedBy     sql.NullInt64  `db:"created_by"`
	CreatedAt     time.Time      `db:"created_at"`
	UpdatedAt     time.Time      `db:"updated_at"`
}

// NewStep describes a step to add.
type NewStep struct {
	BeneficiaryID int64
	Area          string
	StepKey       string
	Title         string
	DueDate       string // YYYY-MM-DD or empty
	CreatedBy     int64  // staff id, or 0
}

const insertStep = `INSERT INTO plan_steps (beneficiary_id, position, area, step_key, title, due_date, status, created_by, created_at, updated_at)
VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM plan_steps WHERE beneficiary_id = ?), ?, ?, ?, ?, 'todo', ?, ?, ?)
RETURNING id`

// AddStep appends a step to a plan and records its creation in the history.
func AddStep(ctx context.Context, q Queryer, ns NewStep, now time.Time) (PlanStep, error) {
	var id int64
	if err := q.Get(ctx, &id, insertStep, ns.BeneficiaryID, ns.BeneficiaryID, ns.Area, nullString(ns.StepKey),
		nullString(ns.Title), nullString(ns.DueDate), nullInt(ns.CreatedBy), now, now); err != nil {
		return PlanStep{}, fmt.Errorf("add step: %w", err)
	}
	actor, actorID := ActorStaff, ns.CreatedBy
	if ns.CreatedBy == 0 {
		actor = ActorSystem
	}
	if err := addStepHistory(ctx, q, id, actor, actorID, "created", "", ns.Area, now); err != nil {
		return PlanStep{}, err
	}
	return StepByID(ctx, q, id)
}

const stepColumns = `id, beneficiary_id, position, area, step_key, title, due_date, status, created_by, created_at, updated_at`

// StepByID finds a step.
func StepByID(ctx context.Context, q Queryer, id int64) (PlanStep, error) {
	var s PlanStep
	if err := q.Get(ctx, &s, `SELECT `+stepColumns+` FROM plan_steps WHERE id = ?`, id); err != nil {
		return s, fmt.Errorf("step %d: %w", id, err)
	}
	return s, nil
}

// StepByPosition finds step n of a beneficiary's plan.
func StepByPosition(ctx context.Context, q Queryer, beneficiaryID int64, position int) (PlanStep, error) {
	var s PlanStep
	if err := q.Get(ctx, &s, `SELECT `+stepColumns+` FROM plan_steps WHERE beneficiary_id = ? AND position = ?`, beneficiaryID, position); err != nil {
		return s, fmt.Errorf("step %d: %w", position, err)
	}
	return s, nil
}

// StepsOf lists a beneficiary's plan in position order.
func StepsOf(ctx context.Context, q Queryer, beneficiaryID int64) ([]PlanStep, error) {
	var out []PlanStep
	if err := q.Select(ctx, &out, `SELECT `+stepColumns+` FROM plan_steps WHERE beneficiary_id = ? ORDER BY position`, beneficiaryID); err != nil {
		return nil, fmt.Errorf("steps: %w", err)
	}
	return out, nil
}

// Actor says who changed something: a staff member, the beneficiary, or the system.
type Actor struct {
	Kind string
	ID   int64
}

// SetStepStatus changes a step's status and records the change; it reports whether anything
// changed (setting the status a step already has changes nothing and records nothing).
func SetStepStatus(ctx context.Context, q Queryer, id int64, status string, by Actor, now time.Time) (bool, error) {
	step, err := StepByID(ctx, q, id)
	if err != nil {
		return false, err
	}
	if step.Status == status {
		return false, nil
	}
	n, err := execCount(ctx, q, `UPDATE plan_steps SET status = ?, updated_at = ? WHERE id = ? AND status = ?`, status, now, id, step.Status)
	if err != nil || n == 0 {
		return false, err
	}
	return true, addStepHistory(ctx, q, id, by.Kind, by.ID, "status", step.Status, status, now)
}

// SetStepDue changes a step's due date (YYYY-MM-DD, or empty to clear) and records the change.
func SetStepDue(ctx context.Context, q Queryer, id int64, due string, by Actor, now time.Time) (bool, error) {
	step, err := StepByID(ctx, q, id)
	if err != nil {
		return false, err
	}
	if step.DueDate.String == due {
		return false, nil
	}
	if err := execOne(ctx, q, `UPDATE plan_steps SET due_date = ?, updated_at = ? WHERE id = ?`, nullString(due), now, id); err != nil {
		return false, err
	}
	return true, addStepHistory(ctx, q, id, by.Kind, by.ID, "due_date", step.DueDate.String, due, now)
}

// StepChange is one entry of a step's history.
type StepChange struct {
	ID        int64          `db:"id"`
	StepID    int64          `db:"step_id"`
	ChangedAt time.Time      `db:"changed_at"`
	ActorKind string         `db:"actor_kind"`
	ActorID   sql.NullInt64  `db:"actor_id"`
	Field     string         `db:"field"`
	OldValue  sql.NullString `db:"old_value"`
	NewValue  sql.NullString `db:"new_value"`
}

const insertStepHistory = `INSERT INTO plan_step_history (step_id, changed_at, actor_kind, actor_id, field, old_value, new_value)
VALUES (?, ?, ?, ?, ?, ?, ?)`

func addStepHistory(ctx context.Context, q Queryer, stepID int64, actorKind string, actorID int64, field, oldV, newV string, now time.Time) error {
	if _, err := q.Exec(ctx, insertStepHistory, stepID, now, actorKind, nullInt(actorID), field, nullString(oldV), nullString(newV)); err != nil {
		return fmt.Errorf("record step history: %w", err)
	}
	return nil
}

// StepHistory lists the changes of a step, oldest first.
func StepHistory(ctx context.Context, q Queryer, stepID int64) ([]StepChange, error) {
	var out []StepChange
	if err := q.Select(ctx, &out, `SELECT id, step_id, changed_at, actor_kind, actor_id, field, old_value, new_value
FROM plan_step_history WHERE step_id = ? ORDER BY id`, stepID); err != nil {
		return nil, fmt.Errorf("step history: %w", err)
	}
	return out, nil
}

// OverdueStep is an open step past its due date, with whose it is.
type OverdueStep struct {
	PlanStep
	Code    string        `db:"code"`
	TutorID sql.NullInt64 `db:"tutor_id"`
}

// OverdueSteps lists open steps of active beneficiaries due before today (YYYY-MM-DD), for a
// tutor (tutorID set) or everyone.
func OverdueSteps(ctx context.Context, q Queryer, today string, tutorID int64) ([]OverdueStep, error) {
	query := `SELECT s.id, s.beneficiary_id, s.position, s.area, s.step_key, s.title, s.due_date, s.status,
s.created_by, s.created_at, s.updated_at, b.code, b.tutor_id
FROM plan_steps s JOIN beneficiaries b ON b.id = s.beneficiary_id
WHERE s.due_date IS NOT NULL AND s.due_date < ? AND s.status <> 'done' AND b.status = 'active'`
	args := []any{today}
	if tutorID != 0 {
		query += ` AND b.tutor_id = ?`
		args = append(args, tutorID)
	}
	query += ` ORDER BY s.due_date, b.code, s.position`
	var out []OverdueStep
	if err := q.Select(ctx, &out, query, args...); err != nil {
		return nil, fmt.Errorf("overdue steps: %w", err)
	}
	return out, nil
}
