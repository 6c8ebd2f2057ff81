package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Lab audiences: who a lab's sessions are for.
const (
	AudienceBeneficiaries = "beneficiaries"
	AudienceOperators     = "operators"
)

// OperatorEnrolment is a reception-centre operator's place in a session of an operators' lab,
// with their RSVP and attendance, their name and their centre's.
type OperatorEnrolment struct {
	SessionID    int64          `db:"session_id"`
	StaffID      int64          `db:"staff_id"`
	EnrolledAt   time.Time      `db:"enrolled_at"`
	EnrolledBy   sql.NullInt64  `db:"enrolled_by"`
	RSVP         sql.NullString `db:"rsvp"`
	RSVPAt       sql.NullTime   `db:"rsvp_at"`
	Attendance   sql.NullString `db:"attendance"`
	AttendanceAt sql.NullTime   `db:"attendance_at"`
	AttendanceBy sql.NullInt64  `db:"attendance_by"`
	Name         string         `db:"display_name"`
	Centre       string         `db:"centre"`
}

const operatorEnrolmentSelect = `SELECT e.session_id, e.staff_id, e.enrolled_at, e.enrolled_by, e.rsvp, e.rsvp_at, e.attendance,
e.attendance_at, e.attendance_by, st.display_name, COALESCE(c.name, '') AS centre
FROM operator_enrolments e JOIN staff st ON st.id = e.staff_id LEFT JOIN centres c ON c.id = st.centre_id`

// EnrolOperator puts an operator in a session once; it reports whether the enrolment is new.
// Capacity is the caller's (LockSession, OperatorRoomOf).
func EnrolOperator(ctx context.Context, q Queryer, sessionID, staffID, by int64, now time.Time) (bool, error) {
	n, err := execCount(ctx, q, `INSERT INTO operator_enrolments (session_id, staff_id, enrolled_at, enrolled_by) VALUES (?, ?, ?, ?)
ON CONFLICT (session_id, staff_id) DO NOTHING`, sessionID, staffID, now, nullInt(by))
	return n == 1, err
}

// OperatorEnrolmentOf finds an operator's enrolment in a session (ErrNotFound: none).
func OperatorEnrolmentOf(ctx context.Context, q Queryer, sessionID, staffID int64) (OperatorEnrolment, error) {
	var e OperatorEnrolment
	if err := q.Get(ctx, &e, operatorEnrolmentSelect+` WHERE e.session_id = ? AND e.staff_id = ?`, sessionID, staffID); err != nil {
		return e, fmt.Errorf("operator enrolment: %w", err)
	}
	return e, nil
}

// OperatorEnrolmentsOf lists a session's operators by name.
func OperatorEnrolmentsOf(ctx context.Context, q Queryer, sessionID int64) ([]OperatorEnrolment, error) {
	var out []OperatorEnrolment
	if err := q.Select(ctx, &out, operatorEnrolmentSelect+` WHERE e.session_id = ? ORDER BY st.display_name, st.id`, sessionID); err != nil {
		return nil, fmt.Errorf("operator enrolments: %w", err)
	}
	return out, nil
}

// SetOperatorRSVP records an operator's yes or no; it reports whether the answer changed.
func SetOperatorRSVP(ctx context.Context, q Queryer, sessionID, staffID int64, answer string, now time.Time) (bool, error) {
	n, err := execCount(ctx, q, `UPDATE operator_enrolments SET rsvp = ?, rsvp_at = ? WHERE session_id = ? AND staff_id = ?
AND (rsvp IS NULL OR rsvp <> ?)`, answer, now, sessionID, staffID, answer)
	return n == 1, err
}

// SetOperatorAttendance records present or absent; it reports whether the record changed.
func SetOperatorAttendance(ctx context.Context, q Queryer, sessionID, staffID int64, attendance string, by int64, now time.Time) (bool, error) {
	n, err := execCount(ctx, q, `UPDATE operator_enrolments SET attendance = ?, attendance_at = ?, attendance_by = ?
WHERE session_id = ? AND staff_id = ? AND (attendance IS NULL OR attendance <> ?)`,
		attendance, now, nullInt(by), sessionID, staffID, attendance)
	return n == 1, err
}

// OperatorSession is a session an operator is enrolled in, with their RSVP.
type OperatorSession struct {
	Session
	RSVP sql.NullString `db:"rsvp"`
}

// SessionsOfOperator lists the scheduled sessions an operator is enrolled in that end after
// now, soonest first, with their answer.
func SessionsOfOperator(ctx context.Context, q Queryer, staffID int64, now time.Time) ([]OperatorSession, error) {
	var out []OperatorSession
	query := `SELECT x.*, e.rsvp FROM (` + sessionSelect + `) x JOIN operator_enrolments e ON e.session_id = x.id
WHERE e.staff_id = ? AND x.status = 'scheduled' AND x.ends_at > ? ORDER BY x.starts_at`
	if err := q.Select(ctx, &out, query, staffID, now); err != nil {
		return nil, fmt.Errorf("sessions of operator: %w", err)
	}
	return out, nil
}

// OperatorsOf lists the active operators of a territory, by name.
func OperatorsOf(ctx context.Context, q Queryer, territory string) ([]Staff, error) {
	var out []Staff
	if err := q.Select(ctx, &out, `SELECT `+staffColumns+` FROM staff WHERE role = 'operator' AND status = 'active' AND territory = ?
ORDER BY display_name, id`, territory); err != nil {
		return nil, fmt.Errorf("operators of %s: %w", territory, err)
	}
	return out, nil
}

// OperatorRoomOf reads a session's capacity and how many operators are enrolled. Read after
// LockSession, in the same transaction, it stays true until the transaction ends.
func OperatorRoomOf(ctx context.Context, q Queryer, sessionID int64) (SessionRoom, error) {
	var r SessionRoom
	if err := q.Get(ctx, &r, `SELECT s.capacity, (SELECT COUNT(*) FROM operator_enrolments e WHERE e.session_id = s.id) AS enrolled
FROM lab_sessions s WHERE s.id = ?`, sessionID); err != nil {
		return r, fmt.Errorf("operator room of session %d: %w", sessionID, err)
	}
	return r, nil
}
