package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// CaseloadFilter selects the beneficiaries a staff member follows; zero fields do not filter.
type CaseloadFilter struct {
	TutorID   int64
	Territory string
	CentreID  int64 // an operator's reception centre
}

func (f CaseloadFilter) where() (string, []any) {
	w := ` WHERE b.status IN ('invited', 'active')`
	var args []any
	if f.TutorID != 0 {
		w += ` AND b.tutor_id = ?`
		args = append(args, f.TutorID)
	}
	if f.Territory != "" {
		w += ` AND b.territory = ?`
		args = append(args, f.Territory)
	}
	if f.CentreID != 0 {
		w += ` AND b.centre_id = ?`
		args = append(args, f.CentreID)
	}
	return w, args
}

// CaseloadRow is one followed beneficiary with the figures of their plan: a row of People.
type CaseloadRow = PersonRow

// Caseload lists the invited and active beneficiaries f selects, by code, one page at a time,
// with steps done / total and steps overdue on today (YYYY-MM-DD), and the total count.
func Caseload(ctx context.Context, q Queryer, f CaseloadFilter, today string, limit, offset int) ([]CaseloadRow, int, error) {
	rows, total, err := People(ctx, q, PeopleQuery{Scope: f, Today: today, Limit: limit, Offset: offset, Sort: "code"})
	if err != nil {
		return nil, 0, fmt.Errorf("caseload: %w", err)
	}
	return rows, total, nil
}

// LabRecord is one enrolment of a beneficiary with the session it is for.
type LabRecord struct {
	SessionID  int64          `db:"session_id"`
	LabName    string         `db:"lab_name"`
	ModuleName string         `db:"module_name"`
	StartsAt   time.Time      `db:"starts_at"`
	Status     string         `db:"status"`
	RSVP       sql.NullString `db:"rsvp"`
	Attendance sql.NullString `db:"attendance"`
}

const labRecords = `SELECT s.id AS session_id, l.name AS lab_name, m.name AS module_name, s.starts_at, s.status, e.rsvp, e.attendance
FROM enrolments e JOIN lab_sessions s ON s.id = e.session_id JOIN lab_modules m ON m.id = s.module_id JOIN labs l ON l.id = m.lab_id
WHERE e.beneficiary_id = ? ORDER BY s.starts_at DESC, s.id DESC LIMIT ?`

// LabRecordsOf lists a beneficiary's most recent enrolments (newest session first), at most
// limit, with RSVP and attendance.
func LabRecordsOf(ctx context.Context, q Queryer, beneficiaryID int64, limit int) ([]LabRecord, error) {
	var out []LabRecord
	if err := q.Select(ctx, &out, labRecords, beneficiaryID, limit); err != nil {
		return nil, fmt.Errorf("lab records: %w", err)
	}
	return out, nil
}

// OpenLeadsIn lists the open leads of a territory (every territory when empty), newest first,
// at most limit.
func OpenLeadsIn(ctx context.Context, q Queryer, territory string, limit int) ([]Lead, error) {
	query := `SELECT ` + leadColumns + ` FROM leads WHERE status = 'open'`
	var args []any
	if territory != "" {
		query += ` AND territory = ?`
		args = append(args, territory)
	}
	query += ` ORDER BY created_at DESC, id DESC LIMIT ?`
	var out []Lead
	if err := q.Select(ctx, &out, query, append(args, limit)...); err != nil {
		return nil, fmt.Errorf("open leads: %w", err)
	}
	return out, nil
}

// HandleAlertsOf closes a staff member's open alerts about one beneficiary and returns how
// many it closed.
func HandleAlertsOf(ctx context.Context, q Queryer, staffID, beneficiaryID, by int64, now time.Time) (int64, error) {
	return execCount(ctx, q, `UPDATE alerts SET handled_at = ?, handled_by = ? WHERE staff_id = ? AND beneficiary_id = ? AND handled_at IS NULL`,
		now, by, staffID, beneficiaryID)
}
