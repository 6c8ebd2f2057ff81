package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Lead kinds.
const (
	LeadHousing = "housing"
	LeadJob     = "job"
)

// Lead is a housing or job opportunity in a territory.
type Lead struct {
	ID          int64          `db:"id"`
	Kind        string         `db:"kind"`
	Territory   string         `db:"territory"`
	Title       string         `db:"title"`
	Details     string         `db:"details"`
	HousingType sql.NullString `db:"housing_type"`
	RentEUR     sql.NullInt64  `db:"rent_eur"`
	Shared      sql.NullBool   `db:"shared"`
	City        sql.NullString `db:"city"`
	JobRole     sql.NullString `db:"job_role"`
	Employer    sql.NullString `db:"employer"`
	Contract    sql.NullString `db:"contract"`
	Hours       sql.NullString `db:"hours"`
	Contact     sql.NullString `db:"contact"`
	ExpiresOn   sql.NullString `db:"expires_on"`
	Status      string         `db:"status"`
	CreatedBy   sql.NullInt64  `db:"created_by"`
	CreatedAt   time.Time      `db:"created_at"`
	ClosedAt    sql.NullTime   `db:"closed_at"`
}

const leadColumns = `id, kind, territory, title, details, housing_type, rent_eur, shared, city, job_role,
employer, contract, hours, contact, expires_on, status, created_by, created_at, closed_at`

const insertLead = `INSERT INTO leads (kind, territory, title, details, housing_type, rent_eur, shared, city, job_role,
employer, contract, hours, contact, expires_on, status, created_by, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id`

// CreateLead stores a new open lead; ID, Status and CreatedAt of l are ignored.
func CreateLead(ctx context.Context, q Queryer, l Lead, now time.Time) (Lead, error) {
	var id int64
	if err := q.Get(ctx, &id, insertLead, l.Kind, l.Territory, l.Title, l.Details, l.HousingType, l.RentEUR, l.Shared,
		l.City, l.JobRole, l.Employer, l.Contract, l.Hours, l.Contact, l.ExpiresOn, l.CreatedBy, now); err != nil {
		return Lead{}, fmt.Errorf("create lead: %w", err)
	}
	return LeadByID(ctx, q, id)
}

// LeadByID finds a lead.
func LeadByID(ctx context.Context, q Queryer, id int64) (Lead, error) {
	var l Lead
	if err := q.Get(ctx, &l, `SELECT `+leadColumns+` FROM leads WHERE id = ?`, id); err != nil {
		return l, fmt.Errorf("lead %d: %w", id, err)
	}
	return l, nil
}

// LeadQuery selects the active leads a beneficiary may browse.
type LeadQuery struct {
	Territory string
	Kind      string
	Today     string // YYYY-MM-DD: leads expired before it are not active
	MaxRent   int64  // 0: any
	Shared    *bool  // nil: any
	Limit     int
	Offset    int
}

func (lq LeadQuery) where() (string, []any) {
	w := ` WHERE status = 'open' AND territory = ? AND kind = ? AND (expires_on IS NULL OR expires_on >= ?)`
	args := []any{lq.Territory, lq.Kind, lq.Today}
	if lq.MaxRent > 0 {
		w += ` AND rent_eur IS NOT NULL AND rent_eur <= ?`
		args = append(args, lq.MaxRent)
	}
	if lq.Shared != nil {
		w += ` AND shared = ?`
		args = append(args, *lq.Shared)
	}
	return w, args
}

// ActiveLeads lists active leads newest first, one page at a time, with the total count.
func ActiveLeads(ctx context.Context, q Queryer, lq LeadQuery) ([]Lead, int, error) {
	where, args := lq.where()
	var total int
	if err := q.Get(ctx, &total, `SELECT COUNT(*) FROM leads`+where, args...); err != nil {
		return nil, 0, fmt.Errorf("count leads: %w", err)
	}
	if lq.Limit <= 0 {
		lq.Limit = 5
	}
	var out []Lead
	if err := q.Select(ctx, &out, `SELECT `+leadColumns+` FROM leads`+where+` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
		append(args, lq.Limit, lq.Offset)...); err != nil {
		return nil, 0, fmt.Errorf("list leads: %w", err)
	}
	return out, total, nil
}

// CloseLead closes an open lead; it reports whether it was open.
func CloseLead(ctx context.Context, q Queryer, id int64, now time.Time) (bool, error) {
	n, err := execCount(ctx, q, `UPDATE leads SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'`, now, id)
	return n == 1, err
}

// AddInterest records a beneficiary's interest in a lead once; it reports whether it is new.
func AddInterest(ctx context.Context, q Queryer, leadID, beneficiaryID int64, now time.Time) (bool, error) {
	n, err := execCount(ctx, q, `INSERT INTO lead_interests (lead_id, beneficiary_id, created_at) VALUES (?, ?, ?)
ON CONFLICT (lead_id, beneficiary_id) DO NOTHING`, leadID, beneficiaryID, now)
	return n == 1, err
}

// LeadInterest is a beneficiary's interest in a lead.
type LeadInterest struct {
	LeadID        int64     `db:"lead_id"`
	BeneficiaryID int64     `db:"beneficiary_id"`
	CreatedAt     time.Time `db:"created_at"`
	Title         string    `db:"title"`
	Kind          string    `db:"kind"`
}

// InterestsOf lists the leads a beneficiary is interested in, newest first.
func InterestsOf(ctx context.Context, q Queryer, beneficiaryID int64) ([]LeadInterest, error) {
	var out []LeadInterest
	if err := q.Select(ctx, &out, `SELECT i.lead_id, i.beneficiary_id, i.created_at, l.title, l.kind
FROM lead_interests i JOIN leads l ON l.id = i.lead_id WHERE i.beneficiary_id = ? ORDER BY i.created_at DESC`, beneficiaryID); err != nil {
		return nil, fmt.Errorf("interests: %w", err)
	}
	return out, nil
}

// InterestedIn lists the beneficiaries interested in a lead.
func InterestedIn(ctx context.Context, q Queryer, leadID int64) ([]LeadInterest, error) {
	var out []LeadInterest
	if err := q.Select(ctx, &out, `SELECT i.lead_id, i.beneficiary_id, i.created_at, l.title, l.kind
FROM lead_interests i JOIN leads l ON l.id = i.lead_id WHERE i.lead_id = ? ORDER BY i.created_at`, leadID); err != nil {
		return nil, fmt.Errorf("interested: %w", err)
	}
	return out, nil
}

// UpdateLead changes what a lead says (everything but its kind, territory, status and author)
// and returns it as stored.
func UpdateLead(ctx context.Context, q Queryer, l Lead) (Lead, error) {
	if _, err := q.Exec(ctx, `UPDATE leads SET title = ?, details = ?, housing_type = ?, rent_eur = ?, shared = ?, city = ?,
job_role = ?, employer = ?, contract = ?, hours = ?, contact = ?, expires_on = ? WHERE id = ?`,
		l.Title, l.Details, l.HousingType, l.RentEUR, l.Shared, l.City, l.JobRole, l.Employer, l.Contract, l.Hours, l.Contact,
		l.ExpiresOn, l.ID); err != nil {
		return Lead{}, fmt.Errorf("update lead %d: %w", l.ID, err)
	}
	return LeadByID(ctx, q, l.ID)
}

// ReopenLead opens a closed lead again; it reports whether it was closed.
func ReopenLead(ctx context.Context, q Queryer, id int64) (bool, error) {
	n, err := execCount(ctx, q, `UPDATE leads SET status = 'open', closed_at = NULL WHERE id = ? AND status = 'closed'`, id)
	return n == 1, err
}

// LeadRow is a lead as the desk lists it, with how many people showed interest.
type LeadRow struct {
	Lead
	Interested int `db:"interested"`
}

// LeadList selects leads for the desk: of a territory ("" every one), open or closed.
type LeadList struct {
	Territory string
	Status    string // "open" or "closed"
	Limit     int
	Offset    int
}

// LeadsForDesk lists leads newest first with their interest counts, and how many there are.
func LeadsForDesk(ctx context.Context, q Queryer, ll LeadList) ([]LeadRow, int, error) {
	where, args := ` WHERE status = ?`, []any{ll.Status}
	if ll.Territory != "" {
		where += ` AND territory = ?`
		args = append(args, ll.Territory)
	}
	var total int
	if err := q.Get(ctx, &total, `SELECT COUNT(*) FROM leads`+where, args...); err != nil {
		return nil, 0, fmt.Errorf("count leads: %w", err)
	}
	var out []LeadRow
	if err := q.Select(ctx, &out, `SELECT `+leadColumns+`,
(SELECT COUNT(*) FROM lead_interests i WHERE i.lead_id = leads.id) AS interested
FROM leads`+where+` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, ll.Limit, ll.Offset)...); err != nil {
		return nil, 0, fmt.Errorf("list leads: %w", err)
	}
	return out, total, nil
}

// InterestedPeople lists the beneficiaries interested in a lead (not erased), by code.
func InterestedPeople(ctx context.Context, q Queryer, leadID int64) ([]Beneficiary, error) {
	var out []Beneficiary
	if err := q.Select(ctx, &out, `SELECT `+beneficiaryColumns+` FROM beneficiaries
WHERE id IN (SELECT beneficiary_id FROM lead_interests WHERE lead_id = ?) AND status <> 'erased' ORDER BY code`, leadID); err != nil {
		return nil, fmt.Errorf("interested in lead %d: %w", leadID, err)
	}
	return out, nil
}
