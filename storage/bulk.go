package storage

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// bulkRows is how many rows one multi-row INSERT carries: well under both dialects' limits on
// bound parameters.
const bulkRows = 400

// insertBatches runs insert (an INSERT ... VALUES without its value lists) for rows, bulkRows
// at a time, each row a list of len(cols) values.
func insertBatches(ctx context.Context, q Queryer, insert string, ncols int, rows [][]any) error {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", ncols), ", ") + ")"
	for start := 0; start < len(rows); start += bulkRows {
		chunk := rows[start:min(start+bulkRows, len(rows))]
		var b strings.Builder
		b.WriteString(insert)
		args := make([]any, 0, len(chunk)*ncols)
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(one)
			args = append(args, r...)
		}
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("%s: %w", firstLine(insert), err)
		}
	}
	return nil
}

// BulkBeneficiary is a beneficiary to create in bulk (an import).
type BulkBeneficiary struct {
	Territory        string
	Lang             string
	TutorID          int64
	DisplayName      string
	ReceptionContact string
	Centre           string // the reception centre's name: found in the territory or created
}

// BulkCreated is a beneficiary created in bulk, with their one-time invite code (shown once,
// only its hash is stored).
type BulkCreated struct {
	ID         int64
	Code       string
	Name       string // the display name the row gave ("" none)
	Lang       string // the person's language
	InviteCode string
	ExpiresAt  time.Time
}

const reserveBeneficiaryCodes = `UPDATE territories SET beneficiary_seq = beneficiary_seq + ? WHERE code = ? RETURNING beneficiary_seq`

const insertBulkBeneficiaries = `INSERT INTO beneficiaries (code, display_name, territory, lang, tutor_id, reception_contact, centre_id, status, created_at) VALUES `

const insertBulkInvites = `INSERT INTO invites (code_hash, role, beneficiary_id, created_by, expires_at, created_at) VALUES `

// CreateBeneficiariesBulk creates invited beneficiaries with their territories' next codes and
// an invite each, in a few statements: an import of thousands of rows. Run it in a
// transaction: a failure leaves nothing behind only then.
func CreateBeneficiariesBulk(ctx context.Context, q Queryer, rows []BulkBeneficiary, inviteTTL time.Duration, now time.Time) ([]BulkCreated, error) {
	perTerritory := map[string]int{}
	for i := range rows {
		rows[i].Territory = strings.ToUpper(rows[i].Territory)
		if rows[i].Lang == "" {
			rows[i].Lang = "en"
		}
		perTerritory[rows[i].Territory]++
	}
	next := map[string]int{}
	for code, n := range perTerritory {
		var last int
		if err := q.Get(ctx, &last, reserveBeneficiaryCodes, n, code); err != nil {
			return nil, fmt.Errorf("reserve beneficiary codes in %s: %w", code, err)
		}
		next[code] = last - n + 1
	}
	centres := map[string]int64{}
	for _, r := range rows {
		key := r.Territory + "|" + strings.ToLower(CentreName(r.Centre))
		if _, ok := centres[key]; ok || CentreName(r.Centre) == "" {
			continue
		}
		c, err := EnsureCentre(ctx, q, r.Territory, r.Centre, now)
		if err != nil {
			return nil, err
		}
		centres[key] = c.ID
	}
	out := make([]BulkCreated, len(rows))
	values := make([][]any, len(rows))
	for i, r := range rows {
		out[i].Code, out[i].Name, out[i].Lang = fmt.Sprintf("%s-%03d", r.Territory, next[r.Territory]), r.DisplayName, r.Lang
		next[r.Territory]++
		values[i] = []any{out[i].Code, nullString(r.DisplayName), r.Territory, r.Lang, nullInt(r.TutorID), nullString(r.ReceptionContact),
			nullInt(centres[r.Territory+"|"+strings.ToLower(CentreName(r.Centre))]), BeneficiaryInvited, now}
	}
	if err := insertBatches(ctx, q, insertBulkBeneficiaries, 9, values); err != nil {
		return nil, err
	}
	ids, err := beneficiaryIDsByCode(ctx, q, out)
	if err != nil {
		return nil, err
	}
	invites := make([][]any, len(rows))
	for i := range out {
		out[i].ID = ids[out[i].Code]
		code, err := NewInviteCode()
		if err != nil {
			return nil, err
		}
		out[i].InviteCode, out[i].ExpiresAt = code, now.Add(inviteTTL)
		invites[i] = []any{HashInviteCode(code), "beneficiary", out[i].ID, nullInt(0), out[i].ExpiresAt, now}
	}
	if err := insertBatches(ctx, q, insertBulkInvites, 6, invites); err != nil {
		return nil, err
	}
	return out, nil
}

func beneficiaryIDsByCode(ctx context.Context, q Queryer, created []BulkCreated) (map[string]int64, error) {
	ids := make(map[string]int64, len(created))
	for start := 0; start < len(created); start += bulkRows {
		chunk := created[start:min(start+bulkRows, len(created))]
		args := make([]any, len(chunk))
		for i, c := range chunk {
			args[i] = c.Code
		}
		var rows []struct {
			ID   int64  `db:"id"`
			Code string `db:"code"`
		}
		if err := q.Select(ctx, &rows, `SELECT id, code FROM beneficiaries WHERE code IN (?`+strings.Repeat(`, ?`, len(chunk)-1)+`)`, args...); err != nil {
			return nil, fmt.Errorf("read created beneficiaries: %w", err)
		}
		for _, r := range rows {
			ids[r.Code] = r.ID
		}
	}
	return ids, nil
}

// NamedBeneficiary is a beneficiary's name and territory, to find a duplicate in an import.
type NamedBeneficiary struct {
	Code      string `db:"code"`
	Territory string `db:"territory"`
	Name      string `db:"display_name"`
}

// NamedBeneficiaries lists the beneficiaries (not erased) who have a name.
func NamedBeneficiaries(ctx context.Context, q Queryer) ([]NamedBeneficiary, error) {
	var out []NamedBeneficiary
	if err := q.Select(ctx, &out, `SELECT code, territory, display_name FROM beneficiaries
WHERE display_name IS NOT NULL AND display_name <> '' AND status <> 'erased' ORDER BY id`); err != nil {
		return nil, fmt.Errorf("named beneficiaries: %w", err)
	}
	return out, nil
}

const insertBulkLeads = `INSERT INTO leads (kind, territory, title, details, housing_type, rent_eur, shared, city, job_role,
employer, contract, hours, contact, expires_on, status, created_by, created_at) VALUES `

// CreateLeadsBulk stores open leads in a few statements (an import).
func CreateLeadsBulk(ctx context.Context, q Queryer, leads []Lead, now time.Time) error {
	values := make([][]any, len(leads))
	for i, l := range leads {
		values[i] = []any{l.Kind, l.Territory, l.Title, l.Details, l.HousingType, l.RentEUR, l.Shared, l.City, l.JobRole,
			l.Employer, l.Contract, l.Hours, l.Contact, l.ExpiresOn, "open", l.CreatedBy, now}
	}
	return insertBatches(ctx, q, insertBulkLeads, 17, values)
}

// LeadKey names an open lead for finding a duplicate in an import.
type LeadKey struct {
	ID        int64  `db:"id"`
	Kind      string `db:"kind"`
	Territory string `db:"territory"`
	Title     string `db:"title"`
}

// OpenLeadKeys lists the open leads' kinds, territories and titles.
func OpenLeadKeys(ctx context.Context, q Queryer) ([]LeadKey, error) {
	var out []LeadKey
	if err := q.Select(ctx, &out, `SELECT id, kind, territory, title FROM leads WHERE status = 'open' ORDER BY id`); err != nil {
		return nil, fmt.Errorf("open lead keys: %w", err)
	}
	return out, nil
}

const insertBulkSessions = `INSERT INTO lab_sessions (module_id, territory, starts_at, ends_at, place, map_url, open_enrolment,
capacity, status, created_by, created_at, updated_at) VALUES `

// CreateSessionsBulk schedules sessions in a few statements (an import).
func CreateSessionsBulk(ctx context.Context, q Queryer, sessions []NewSession, now time.Time) error {
	values := make([][]any, len(sessions))
	for i, s := range sessions {
		values[i] = []any{s.ModuleID, s.Territory, s.StartsAt, s.EndsAt, s.Place, s.MapURL, s.OpenEnrolment, nullInt(s.Capacity),
			SessionScheduled, nullInt(s.CreatedBy), now, now}
	}
	return insertBatches(ctx, q, insertBulkSessions, 12, values)
}

// SessionKey names a scheduled session for finding a duplicate in an import.
type SessionKey struct {
	ID        int64     `db:"id"`
	ModuleID  int64     `db:"module_id"`
	Territory string    `db:"territory"`
	StartsAt  time.Time `db:"starts_at"`
}

// ScheduledSessionKeys lists the scheduled sessions' modules, territories and start times.
func ScheduledSessionKeys(ctx context.Context, q Queryer) ([]SessionKey, error) {
	var out []SessionKey
	if err := q.Select(ctx, &out, `SELECT id, module_id, territory, starts_at FROM lab_sessions WHERE status = 'scheduled' ORDER BY id`); err != nil {
		return nil, fmt.Errorf("scheduled session keys: %w", err)
	}
	return out, nil
}
