package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Staff roles.
const (
	RoleTutor       = "tutor"
	RoleCoordinator = "coordinator"
	RoleAdmin       = "admin"
	// RoleOperator is a reception-centre operator: they follow their centre's people, propose
	// steps and write to the tutors; they change no case themselves.
	RoleOperator = "operator"
)

// Staff is a tutor, coordinator or admin. Territory is empty for staff who see every territory.
type Staff struct {
	ID          int64          `db:"id"`
	DisplayName string         `db:"display_name"`
	Role        string         `db:"role"`
	Territory   sql.NullString `db:"territory"`
	Lang        string         `db:"lang"`
	Status      string         `db:"status"`
	CentreID    sql.NullInt64  `db:"centre_id"` // an operator's reception centre
	CreatedAt   time.Time      `db:"created_at"`
}

// NewStaff describes a staff member to create.
type NewStaff struct {
	DisplayName string
	Role        string
	Territory   string // empty: all territories
	Lang        string
	CentreID    int64 // an operator's reception centre
}

const insertStaff = `INSERT INTO staff (display_name, role, territory, lang, centre_id, status, created_at)
VALUES (?, ?, ?, ?, ?, 'pending', ?) RETURNING id`

// CreateStaff creates a pending staff member (active once they redeem their invite).
func CreateStaff(ctx context.Context, q Queryer, s NewStaff, now time.Time) (int64, error) {
	if s.Lang == "" {
		s.Lang = "it"
	}
	var id int64
	if err := q.Get(ctx, &id, insertStaff, s.DisplayName, s.Role, nullString(s.Territory), s.Lang, nullInt(s.CentreID), now); err != nil {
		return 0, fmt.Errorf("create staff: %w", err)
	}
	return id, nil
}

const staffColumns = `id, display_name, role, territory, lang, status, centre_id, created_at`

// StaffByID finds a staff member.
func StaffByID(ctx context.Context, q Queryer, id int64) (Staff, error) {
	var s Staff
	if err := q.Get(ctx, &s, `SELECT `+staffColumns+` FROM staff WHERE id = ?`, id); err != nil {
		return s, fmt.Errorf("staff %d: %w", id, err)
	}
	return s, nil
}

// ListStaff lists staff, of one territory (plus those who see all) when territory is set.
func ListStaff(ctx context.Context, q Queryer, territory string) ([]Staff, error) {
	var out []Staff
	var err error
	if territory == "" {
		err = q.Select(ctx, &out, `SELECT `+staffColumns+` FROM staff ORDER BY id`)
	} else {
		err = q.Select(ctx, &out, `SELECT `+staffColumns+` FROM staff WHERE territory = ? OR territory IS NULL ORDER BY id`, territory)
	}
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	return out, nil
}

// SetStaffStatus sets a staff member's status: pending, active or disabled.
func SetStaffStatus(ctx context.Context, q Queryer, id int64, status string) error {
	return execOne(ctx, q, `UPDATE staff SET status = ? WHERE id = ?`, status, id)
}

// SetStaffLang sets the language a staff member reads the bot in.
func SetStaffLang(ctx context.Context, q Queryer, id int64, lang string) error {
	return execOne(ctx, q, `UPDATE staff SET lang = ? WHERE id = ?`, lang, id)
}

// SetStaffName sets a staff member's display name.
func SetStaffName(ctx context.Context, q Queryer, id int64, name string) error {
	return execOne(ctx, q, `UPDATE staff SET display_name = ? WHERE id = ?`, name, id)
}
