package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Lab is a LabIn inclusion lab.
// Its Territory is the one it belongs to (its coordinators change it, its sessions are held
// there); without one it is project-wide: only admins change it, its sessions are anywhere.
type Lab struct {
	ID          int64          `db:"id"`
	Name        string         `db:"name"`
	Description string         `db:"description"`
	Territory   sql.NullString `db:"territory"`
	Audience    string         `db:"audience"` // AudienceBeneficiaries or AudienceOperators
	CreatedBy   sql.NullInt64  `db:"created_by"`
	CreatedAt   time.Time      `db:"created_at"`
}

// Module is one module of a lab, with the lab's territory.
type Module struct {
	ID           int64          `db:"id"`
	LabID        int64          `db:"lab_id"`
	Name         string         `db:"name"`
	CreatedAt    time.Time      `db:"created_at"`
	LabTerritory sql.NullString `db:"lab_territory"`
	LabAudience  string         `db:"lab_audience"`
}

// moduleSelect reads modules with their lab's territory and audience.
const moduleSelect = `SELECT m.id, m.lab_id, m.name, m.created_at, l.territory AS lab_territory, l.audience AS lab_audience
FROM lab_modules m JOIN labs l ON l.id = m.lab_id`

// Session is one meeting of a module in a territory, with its module's and lab's names.
type Session struct {
	ID            int64         `db:"id"`
	ModuleID      int64         `db:"module_id"`
	Territory     string        `db:"territory"`
	StartsAt      time.Time     `db:"starts_at"`
	EndsAt        time.Time     `db:"ends_at"`
	Place         string        `db:"place"`
	MapURL        string        `db:"map_url"`
	OpenEnrolment bool          `db:"open_enrolment"`
	Capacity      sql.NullInt64 `db:"capacity"`
	Status        string        `db:"status"`
	CreatedBy     sql.NullInt64 `db:"created_by"`
	CreatedAt     time.Time     `db:"created_at"`
	UpdatedAt     time.Time     `db:"updated_at"`
	ModuleName    string        `db:"module_name"`
	LabID         int64         `db:"lab_id"`
	LabName       string        `db:"lab_name"`
	LabAudience   string        `db:"lab_audience"` // who the session is for: its lab's audience
}

// ForOperators tells whether a session is of an operators' lab.
func (s Session) ForOperators() bool { return s.LabAudience == AudienceOperators }

// Session statuses.
const (
	SessionScheduled = "scheduled"
	SessionCancelled = "cancelled"
)

const labColumns = `id, name, description, territory, audience, created_by, created_at`

// CreateLab creates a project-wide lab.
func CreateLab(ctx context.Context, q Queryer, name, description string, by int64, now time.Time) (Lab, error) {
	return CreateLabIn(ctx, q, "", name, description, by, now)
}

// CreateLabIn creates a beneficiaries' lab of a territory ("" for a project-wide one).
func CreateLabIn(ctx context.Context, q Queryer, territory, name, description string, by int64, now time.Time) (Lab, error) {
	return CreateLabFor(ctx, q, AudienceBeneficiaries, territory, name, description, by, now)
}

// CreateLabFor creates a lab for an audience (AudienceBeneficiaries or AudienceOperators) of a
// territory ("" for a project-wide one).
func CreateLabFor(ctx context.Context, q Queryer, audience, territory, name, description string, by int64, now time.Time) (Lab, error) {
	var l Lab
	err := q.Get(ctx, &l, `INSERT INTO labs (name, description, territory, audience, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
RETURNING `+labColumns, name, description, nullString(territory), audience, nullInt(by), now)
	if err != nil {
		return l, fmt.Errorf("create lab: %w", err)
	}
	return l, nil
}

// LabByID finds a lab.
func LabByID(ctx context.Context, q Queryer, id int64) (Lab, error) {
	var l Lab
	if err := q.Get(ctx, &l, `SELECT `+labColumns+` FROM labs WHERE id = ?`, id); err != nil {
		return l, fmt.Errorf("lab %d: %w", id, err)
	}
	return l, nil
}

// Labs lists all labs.
func Labs(ctx context.Context, q Queryer) ([]Lab, error) {
	var out []Lab
	if err := q.Select(ctx, &out, `SELECT `+labColumns+` FROM labs ORDER BY id`); err != nil {
		return nil, fmt.Errorf("labs: %w", err)
	}
	return out, nil
}

// CreateModule adds a module to a lab.
func CreateModule(ctx context.Context, q Queryer, labID int64, name string, now time.Time) (Module, error) {
	var id int64
	if err := q.Get(ctx, &id, `INSERT INTO lab_modules (lab_id, name, created_at) VALUES (?, ?, ?) RETURNING id`, labID, name, now); err != nil {
		return Module{}, fmt.Errorf("create module: %w", err)
	}
	return ModuleByID(ctx, q, id)
}

// ModuleByID finds a module.
func ModuleByID(ctx context.Context, q Queryer, id int64) (Module, error) {
	var m Module
	if err := q.Get(ctx, &m, moduleSelect+` WHERE m.id = ?`, id); err != nil {
		return m, fmt.Errorf("module %d: %w", id, err)
	}
	return m, nil
}

// ModulesOf lists a lab's modules.
func ModulesOf(ctx context.Context, q Queryer, labID int64) ([]Module, error) {
	var out []Module
	if err := q.Select(ctx, &out, moduleSelect+` WHERE m.lab_id = ? ORDER BY m.id`, labID); err != nil {
		return nil, fmt.Errorf("modules: %w", err)
	}
	return out, nil
}

// NewSession describes a session to schedule.
type NewSession struct {
	ModuleID      int64
	Territory     string
	StartsAt      time.Time
	EndsAt        time.Time
	Place         string
	MapURL        string
	OpenEnrolment bool
	Capacity      int64
	CreatedBy     int64
}

// ErrLabElsewhere means a session was asked for in a territory other than the one its lab
// belongs to.
var ErrLabElsewhere = errors.New("the lab belongs to another territory")

// CreateSession schedules a session. A lab of a territory has its sessions there only
// (ErrLabElsewhere).
func CreateSession(ctx context.Context, q Queryer, ns NewSession, now time.Time) (Session, error) {
	m, err := ModuleByID(ctx, q, ns.ModuleID)
	if err != nil {
		return Session{}, fmt.Errorf("create session: %w", err)
	}
	if m.LabTerritory.Valid && m.LabTerritory.String != ns.Territory {
		return Session{}, fmt.Errorf("create session in %s: %w (%s)", ns.Territory, ErrLabElsewhere, m.LabTerritory.String)
	}
	var id int64
	err = q.Get(ctx, &id, `INSERT INTO lab_sessions (module_id, territory, starts_at, ends_at, place, map_url, open_enrolment,
capacity, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?) RETURNING id`,
		ns.ModuleID, ns.Territory, ns.StartsAt, ns.EndsAt, ns.Place, ns.MapURL, ns.OpenEnrolment, nullInt(ns.Capacity),
		nullInt(ns.CreatedBy), now, now)
	if err != nil {
		return Session{}, fmt.Errorf("create session: %w", err)
	}
	return SessionByID(ctx, q, id)
}

const sessionSelect = `SELECT s.id, s.module_id, s.territory, s.starts_at, s.ends_at, s.place, s.map_url, s.open_enrolment,
s.capacity, s.status, s.created_by, s.created_at, s.updated_at, m.name AS module_name, l.id AS lab_id, l.name AS lab_name,
l.audience AS lab_audience FROM lab_sessions s JOIN lab_modules m ON m.id = s.module_id JOIN labs l ON l.id = m.lab_id`

// SessionByID finds a session.
func SessionByID(ctx context.Context, q Queryer, id int64) (Session, error) {
	var s Session
	if err := q.Get(ctx, &s, sessionSelect+` WHERE s.id = ?`, id); err != nil {
		return s, fmt.Errorf("session %d: %w", id, err)
	}
	return s, nil
}

// SessionsOfBeneficiary lists the scheduled sessions a beneficiary is enrolled in that end
// after now, soonest first.
func SessionsOfBeneficiary(ctx context.Context, q Queryer, beneficiaryID int64, now time.Time) ([]Session, error) {
	var out []Session
	err := q.Select(ctx, &out, sessionSelect+` JOIN enrolments e ON e.session_id = s.id
WHERE e.beneficiary_id = ? AND s.status = 'scheduled' AND s.ends_at > ? ORDER BY s.starts_at`, beneficiaryID, now)
	if err != nil {
		return nil, fmt.Errorf("sessions of beneficiary: %w", err)
	}
	return out, nil
}

// OpenSessions lists scheduled sessions of beneficiaries' labs of a territory open to enrolment
// that have not started, with room left, and that the beneficiary (if set) is not enrolled in.
func OpenSessions(ctx context.Context, q Queryer, territory string, beneficiaryID int64, now time.Time) ([]Session, error) {
	var out []Session
	err := q.Select(ctx, &out, sessionSelect+`
WHERE s.territory = ? AND s.status = 'scheduled' AND s.open_enrolment AND s.starts_at > ? AND l.audience = 'beneficiaries'
AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.session_id = s.id AND e.beneficiary_id = ?)
AND (s.capacity IS NULL OR (SELECT COUNT(*) FROM enrolments e WHERE e.session_id = s.id) < s.capacity)
ORDER BY s.starts_at`, territory, now, beneficiaryID)
	if err != nil {
		return nil, fmt.Errorf("open sessions: %w", err)
	}
	return out, nil
}

// SessionsBetween lists scheduled sessions starting in [from, to), of one territory if set.
func SessionsBetween(ctx context.Context, q Queryer, territory string, from, to time.Time) ([]Session, error) {
	query := sessionSelect + ` WHERE s.status = 'scheduled' AND s.starts_at >= ? AND s.starts_at < ?`
	args := []any{from, to}
	if territory != "" {
		query += ` AND s.territory = ?`
		args = append(args, territory)
	}
	var out []Session
	if err := q.Select(ctx, &out, query+` ORDER BY s.starts_at`, args...); err != nil {
		return nil, fmt.Errorf("sessions between: %w", err)
	}
	return out, nil
}

// MoveSession changes when a scheduled session takes place.
func MoveSession(ctx context.Context, q Queryer, id int64, startsAt, endsAt, now time.Time) error {
	return execOne(ctx, q, `UPDATE lab_sessions SET starts_at = ?, ends_at = ?, updated_at = ? WHERE id = ? AND status = 'scheduled'`,
		startsAt, endsAt, now, id)
}

// CancelSession cancels a scheduled session; it reports whether it was scheduled.
func CancelSession(ctx context.Context, q Queryer, id int64, now time.Time) (bool, error) {
	n, err := execCount(ctx, q, `UPDATE lab_sessions SET status = 'cancelled', updated_at = ? WHERE id = ? AND status = 'scheduled'`, now, id)
	return n == 1, err
}

// Enrolment is a beneficiary's place in a session, with their RSVP and attendance.
type Enrolment struct {
	SessionID     int64          `db:"session_id"`
	BeneficiaryID int64          `db:"beneficiary_id"`
	EnrolledAt    time.Time      `db:"enrolled_at"`
	EnrolledBy    sql.NullInt64  `db:"enrolled_by"`
	RSVP          sql.NullString `db:"rsvp"`
	RSVPAt        sql.NullTime   `db:"rsvp_at"`
	Attendance    sql.NullString `db:"attendance"`
	AttendanceAt  sql.NullTime   `db:"attendance_at"`
	AttendanceBy  sql.NullInt64  `db:"attendance_by"`
	Code          string         `db:"code"`
}

// Enrol puts a beneficiary in a session once (by a staff member, or 0 for self-enrolment),
// whatever its capacity (a coordinator who confirmed overfilling it, the demo's seed); it
// reports whether the enrolment is new. EnrolWithinCapacity respects the capacity.
func Enrol(ctx context.Context, q Queryer, sessionID, beneficiaryID, by int64, now time.Time) (bool, error) {
	n, err := execCount(ctx, q, `INSERT INTO enrolments (session_id, beneficiary_id, enrolled_at, enrolled_by) VALUES (?, ?, ?, ?)
ON CONFLICT (session_id, beneficiary_id) DO NOTHING`, sessionID, beneficiaryID, now, nullInt(by))
	return n == 1, err
}

// EnrolOutcome says what an enrolment within a session's capacity did.
type EnrolOutcome int

// Outcomes of EnrolWithinCapacity.
const (
	EnrolledNow     EnrolOutcome = iota // a place was taken
	AlreadyEnrolled                     // the beneficiary had one already
	SessionFull                         // no place was left: nothing changed
)

// LockSession holds a session's row until the transaction ends, so that counting its places and
// taking one is a single step: concurrent enrolments in the same session wait for each other.
// On SQLite every writing transaction is immediate (one writer at a time), which already makes
// it so. Call it in a transaction.
func LockSession(ctx context.Context, q Queryer, id int64) error {
	if q.Dialect() != Postgres {
		return nil
	}
	var got int64
	if err := q.Get(ctx, &got, `SELECT id FROM lab_sessions WHERE id = ? FOR UPDATE`, id); err != nil {
		return fmt.Errorf("lock session %d: %w", id, err)
	}
	return nil
}

// SessionRoom is a session's capacity (invalid: no limit) and how many people are enrolled.
type SessionRoom struct {
	Capacity sql.NullInt64 `db:"capacity"`
	Enrolled int64         `db:"enrolled"`
}

// Free is how many places are left (-1: no limit; 0 when full or over).
func (r SessionRoom) Free() int64 {
	if !r.Capacity.Valid {
		return -1
	}
	return max(0, r.Capacity.Int64-r.Enrolled)
}

// RoomOf reads a session's capacity and enrolments. Read after LockSession, in the same
// transaction, it stays true until the transaction ends.
func RoomOf(ctx context.Context, q Queryer, sessionID int64) (SessionRoom, error) {
	var r SessionRoom
	if err := q.Get(ctx, &r, `SELECT s.capacity, (SELECT COUNT(*) FROM enrolments e WHERE e.session_id = s.id) AS enrolled
FROM lab_sessions s WHERE s.id = ?`, sessionID); err != nil {
		return r, fmt.Errorf("room of session %d: %w", sessionID, err)
	}
	return r, nil
}

// enrolIfRoom takes a place only while the session has one.
const enrolIfRoom = `INSERT INTO enrolments (session_id, beneficiary_id, enrolled_at, enrolled_by)
SELECT s.id, ?, ?, ? FROM lab_sessions s
WHERE s.id = ? AND (s.capacity IS NULL OR (SELECT COUNT(*) FROM enrolments e WHERE e.session_id = s.id) < s.capacity)
ON CONFLICT (session_id, beneficiary_id) DO NOTHING`

// EnrolWithinCapacity puts a beneficiary in a session if a place is left, as one atomic step
// however many people press "Join" at once on however many replicas: the session's row is
// locked (LockSession), then the place is taken by a conditional insert. Call it in a
// transaction.
func EnrolWithinCapacity(ctx context.Context, q Queryer, sessionID, beneficiaryID, by int64, now time.Time) (EnrolOutcome, error) {
	if err := LockSession(ctx, q, sessionID); err != nil {
		return SessionFull, err
	}
	var n int
	if err := q.Get(ctx, &n, `SELECT COUNT(*) FROM enrolments WHERE session_id = ? AND beneficiary_id = ?`, sessionID, beneficiaryID); err != nil {
		return SessionFull, fmt.Errorf("enrolment of %d: %w", beneficiaryID, err)
	}
	if n > 0 {
		return AlreadyEnrolled, nil
	}
	added, err := execCount(ctx, q, enrolIfRoom, beneficiaryID, now, nullInt(by), sessionID)
	if err != nil {
		return SessionFull, err
	}
	if added == 0 {
		return SessionFull, nil
	}
	return EnrolledNow, nil
}

const enrolmentSelect = `SELECT e.session_id, e.beneficiary_id, e.enrolled_at, e.enrolled_by, e.rsvp, e.rsvp_at, e.attendance,
e.attendance_at, e.attendance_by, b.code FROM enrolments e JOIN beneficiaries b ON b.id = e.beneficiary_id`

// EnrolmentOf finds a beneficiary's enrolment in a session.
func EnrolmentOf(ctx context.Context, q Queryer, sessionID, beneficiaryID int64) (Enrolment, error) {
	var e Enrolment
	if err := q.Get(ctx, &e, enrolmentSelect+` WHERE e.session_id = ? AND e.beneficiary_id = ?`, sessionID, beneficiaryID); err != nil {
		return e, fmt.Errorf("enrolment: %w", err)
	}
	return e, nil
}

// EnrolmentsOf lists a session's enrolments by beneficiary code.
func EnrolmentsOf(ctx context.Context, q Queryer, sessionID int64) ([]Enrolment, error) {
	var out []Enrolment
	if err := q.Select(ctx, &out, enrolmentSelect+` WHERE e.session_id = ? ORDER BY b.code`, sessionID); err != nil {
		return nil, fmt.Errorf("enrolments: %w", err)
	}
	return out, nil
}

// EnrolmentsOfBeneficiary lists every enrolment of a beneficiary.
func EnrolmentsOfBeneficiary(ctx context.Context, q Queryer, beneficiaryID int64) ([]Enrolment, error) {
	var out []Enrolment
	if err := q.Select(ctx, &out, enrolmentSelect+` WHERE e.beneficiary_id = ? ORDER BY e.enrolled_at`, beneficiaryID); err != nil {
		return nil, fmt.Errorf("enrolments of beneficiary: %w", err)
	}
	return out, nil
}

// SetRSVP records a beneficiary's yes or no; it reports whether the answer changed.
func SetRSVP(ctx context.Context, q Queryer, sessionID, beneficiaryID int64, answer string, now time.Time) (bool, error) {
	n, err := execCount(ctx, q, `UPDATE enrolments SET rsvp = ?, rsvp_at = ? WHERE session_id = ? AND beneficiary_id = ?
AND (rsvp IS NULL OR rsvp <> ?)`, answer, now, sessionID, beneficiaryID, answer)
	return n == 1, err
}

// SetAttendance records present or absent; it reports whether the record changed.
func SetAttendance(ctx context.Context, q Queryer, sessionID, beneficiaryID int64, attendance string, by int64, now time.Time) (bool, error) {
	n, err := execCount(ctx, q, `UPDATE enrolments SET attendance = ?, attendance_at = ?, attendance_by = ?
WHERE session_id = ? AND beneficiary_id = ? AND (attendance IS NULL OR attendance <> ?)`,
		attendance, now, nullInt(by), sessionID, beneficiaryID, attendance)
	return n == 1, err
}
