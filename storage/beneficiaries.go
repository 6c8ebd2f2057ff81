package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Beneficiary statuses.
const (
	BeneficiaryInvited = "invited"
	BeneficiaryActive  = "active"
	BeneficiaryClosed  = "closed"
	BeneficiaryErased  = "erased"
)

// Consent purposes. The service consent is needed to use the bot; the others are optional.
const (
	ConsentService       = "service"
	ConsentResearch      = "research"
	ConsentAnnouncements = "announcements"
)

// Beneficiary is a person the project supports, known to staff by a pseudonymous code.
type Beneficiary struct {
	ID                     int64          `db:"id"`
	Code                   string         `db:"code"`
	DisplayName            sql.NullString `db:"display_name"`
	Territory              string         `db:"territory"`
	Lang                   string         `db:"lang"`
	TutorID                sql.NullInt64  `db:"tutor_id"`
	ReceptionContact       sql.NullString `db:"reception_contact"`
	CentreID               sql.NullInt64  `db:"centre_id"` // the reception centre they came from
	Status                 string         `db:"status"`
	ConsentServiceAt       sql.NullTime   `db:"consent_service_at"`
	ConsentResearchAt      sql.NullTime   `db:"consent_research_at"`
	ConsentAnnouncementsAt sql.NullTime   `db:"consent_announcements_at"`
	AnnouncementsStoppedAt sql.NullTime   `db:"announcements_stopped_at"`
	OnboardedAt            sql.NullTime   `db:"onboarded_at"`
	LastInboundAt          sql.NullTime   `db:"last_inbound_at"`
	CreatedAt              time.Time      `db:"created_at"`
	ClosedAt               sql.NullTime   `db:"closed_at"`
	ErasedAt               sql.NullTime   `db:"erased_at"`
}

// Name is the display name, or the code when there is none.
func (b Beneficiary) Name() string {
	if b.DisplayName.Valid && b.DisplayName.String != "" {
		return b.DisplayName.String
	}
	return b.Code
}

// WantsAnnouncements tells whether announcements (broadcasts) may be sent: consent given and
// no STOP since. A closed case keeps its announcements: they follow the consent, not the case.
func (b Beneficiary) WantsAnnouncements() bool {
	return (b.Status == BeneficiaryActive || b.Status == BeneficiaryClosed) && b.ConsentAnnouncementsAt.Valid && !b.AnnouncementsStoppedAt.Valid
}

// NewBeneficiary describes a beneficiary to create.
type NewBeneficiary struct {
	Territory        string
	Lang             string
	TutorID          int64
	DisplayName      string
	ReceptionContact string
}

const insertBeneficiary = `INSERT INTO beneficiaries (code, display_name, territory, lang, tutor_id, reception_contact, status, created_at)
VALUES (?, ?, ?, ?, ?, ?, 'invited', ?) RETURNING id`

// CreateBeneficiary creates an invited beneficiary with the territory's next code.
func CreateBeneficiary(ctx context.Context, q Queryer, nb NewBeneficiary, now time.Time) (Beneficiary, error) {
	nb.Territory = strings.ToUpper(nb.Territory)
	if nb.Lang == "" {
		nb.Lang = "en"
	}
	code, err := nextBeneficiaryCode(ctx, q, nb.Territory)
	if err != nil {
		return Beneficiary{}, err
	}
	var id int64
	if err := q.Get(ctx, &id, insertBeneficiary, code, nullString(nb.DisplayName), nb.Territory, nb.Lang,
		nullInt(nb.TutorID), nullString(nb.ReceptionContact), now); err != nil {
		return Beneficiary{}, fmt.Errorf("create beneficiary: %w", err)
	}
	return BeneficiaryByID(ctx, q, id)
}

const beneficiaryColumns = `id, code, display_name, territory, lang, tutor_id, reception_contact, centre_id, status,
consent_service_at, consent_research_at, consent_announcements_at, announcements_stopped_at,
onboarded_at, last_inbound_at, created_at, closed_at, erased_at`

// BeneficiaryByID finds a beneficiary.
func BeneficiaryByID(ctx context.Context, q Queryer, id int64) (Beneficiary, error) {
	var b Beneficiary
	if err := q.Get(ctx, &b, `SELECT `+beneficiaryColumns+` FROM beneficiaries WHERE id = ?`, id); err != nil {
		return b, fmt.Errorf("beneficiary %d: %w", id, err)
	}
	return b, nil
}

// BeneficiaryByCode finds a beneficiary by code (case-insensitive, such as mi-007).
func BeneficiaryByCode(ctx context.Context, q Queryer, code string) (Beneficiary, error) {
	var b Beneficiary
	code = strings.ToUpper(strings.TrimSpace(code))
	if err := q.Get(ctx, &b, `SELECT `+beneficiaryColumns+` FROM beneficiaries WHERE code = ?`, code); err != nil {
		return b, fmt.Errorf("beneficiary %s: %w", code, err)
	}
	return b, nil
}

// BeneficiaryFilter selects beneficiaries; zero fields do not filter.
type BeneficiaryFilter struct {
	TutorID   int64
	Territory string
	Statuses  []string
	Lang      string
}

// ListBeneficiaries lists beneficiaries by code.
func ListBeneficiaries(ctx context.Context, q Queryer, f BeneficiaryFilter) ([]Beneficiary, error) {
	query := `SELECT ` + beneficiaryColumns + ` FROM beneficiaries WHERE 1=1`
	var args []any
	if f.TutorID != 0 {
		query += ` AND tutor_id = ?`
		args = append(args, f.TutorID)
	}
	if f.Territory != "" {
		query += ` AND territory = ?`
		args = append(args, f.Territory)
	}
	if f.Lang != "" {
		query += ` AND lang = ?`
		args = append(args, f.Lang)
	}
	if len(f.Statuses) > 0 {
		query += ` AND status IN (?` + strings.Repeat(`, ?`, len(f.Statuses)-1) + `)`
		for _, s := range f.Statuses {
			args = append(args, s)
		}
	}
	query += ` ORDER BY code`
	var out []Beneficiary
	if err := q.Select(ctx, &out, query, args...); err != nil {
		return nil, fmt.Errorf("list beneficiaries: %w", err)
	}
	return out, nil
}

// SetBeneficiaryLang sets the language a beneficiary reads the bot in.
func SetBeneficiaryLang(ctx context.Context, q Queryer, id int64, lang string) error {
	return execOne(ctx, q, `UPDATE beneficiaries SET lang = ? WHERE id = ?`, lang, id)
}

// SetBeneficiaryTutor assigns a tutor.
func SetBeneficiaryTutor(ctx context.Context, q Queryer, id, tutorID int64) error {
	return execOne(ctx, q, `UPDATE beneficiaries SET tutor_id = ? WHERE id = ?`, nullInt(tutorID), id)
}

// SetConsent gives (at set) or withdraws (at nil) the consent for a purpose.
func SetConsent(ctx context.Context, q Queryer, id int64, purpose string, at *time.Time) error {
	var column string
	switch purpose {
	case ConsentService:
		column = "consent_service_at"
	case ConsentResearch:
		column = "consent_research_at"
	case ConsentAnnouncements:
		column = "consent_announcements_at"
	default:
		return fmt.Errorf("unknown consent purpose %q", purpose)
	}
	return execOne(ctx, q, `UPDATE beneficiaries SET `+column+` = ? WHERE id = ?`, NullTimeOf(at), id)
}

// SetAnnouncementsStopped records a STOP (at set) or a START (at nil).
func SetAnnouncementsStopped(ctx context.Context, q Queryer, id int64, at *time.Time) error {
	return execOne(ctx, q, `UPDATE beneficiaries SET announcements_stopped_at = ? WHERE id = ?`, NullTimeOf(at), id)
}

// MarkOnboarded makes an invited beneficiary active.
func MarkOnboarded(ctx context.Context, q Queryer, id int64, at time.Time) error {
	return execOne(ctx, q, `UPDATE beneficiaries SET status = 'active', onboarded_at = ? WHERE id = ?`, at, id)
}

// SetBeneficiaryStatus sets the status (active or closed; erasure has its own function).
func SetBeneficiaryStatus(ctx context.Context, q Queryer, id int64, status string, at time.Time) error {
	closed := sql.NullTime{}
	if status == BeneficiaryClosed {
		closed = nullTime(at)
	}
	return execOne(ctx, q, `UPDATE beneficiaries SET status = ?, closed_at = ? WHERE id = ?`, status, closed, id)
}

// TouchBeneficiary records the time of the beneficiary's last message.
func TouchBeneficiary(ctx context.Context, q Queryer, id int64, at time.Time) error {
	_, err := q.Exec(ctx, `UPDATE beneficiaries SET last_inbound_at = ? WHERE id = ?`, at, id)
	if err != nil {
		return fmt.Errorf("touch beneficiary: %w", err)
	}
	return nil
}
