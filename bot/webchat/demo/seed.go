package demo

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// seedAction names the seed in the audit log: its presence means the world exists.
const seedAction = "demo.seed"

// Options configure the seed.
type Options struct {
	Location  *time.Location // BOT_TIMEZONE: due dates and session times are local to it
	InviteTTL time.Duration  // how long the new visitor's code is valid
	Now       time.Time
}

// Demo is the seeded world as the web chat sees it.
type Demo struct {
	invite string
}

// InviteCode is the new visitor's invite code issued at this start.
func (d *Demo) InviteCode() string { return d.invite }

// Seed writes the demo world if it is not there yet (created tells whether it was written now)
// and issues a fresh invite code for the new visitor: codes are kept only as hashes, so the one
// printed at the last start cannot be shown again; it is expired instead. One replica seeds at
// a time.
func Seed(ctx context.Context, db *storage.DB, redis *storage.Redis, opt Options) (d *Demo, created bool, err error) {
	w, err := loadWorld()
	if err != nil {
		return nil, false, err
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.InviteTTL <= 0 {
		opt.InviteTTL = 14 * 24 * time.Hour
	}
	lock, err := redis.WaitLock(ctx, "demo:seed", 2*time.Minute, time.Minute)
	if err != nil {
		return nil, false, fmt.Errorf("demo seed lock: %w", err)
	}
	defer func() { _ = lock.Release(context.WithoutCancel(ctx)) }()
	d = &Demo{}
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		if err := claimDatabase(ctx, tx, opt.Now); err != nil {
			return err
		}
		done, err := storage.AuditEntries(ctx, tx, storage.AuditFilter{ActorKind: storage.ActorCLI, Action: seedAction, Limit: 1})
		if err != nil {
			return err
		}
		if len(done) == 0 {
			if err := seedWorld(ctx, tx, w, opt); err != nil {
				return err
			}
			if err := storage.Audit(ctx, tx, storage.AuditEntry{At: opt.Now, ActorKind: storage.ActorCLI, Action: seedAction,
				Detail: fmt.Sprintf("%d staff, %d beneficiaries, %d leads, %d labs", len(w.Staff), len(w.Beneficiaries), len(w.Leads), len(w.Labs))}); err != nil {
				return err
			}
			created = true
		}
		d.invite, err = inviteNewcomer(ctx, tx, w, opt)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("demo seed: %w", err)
	}
	return d, created, nil
}

// seeder writes the world, remembering the ids it created by key.
type seeder struct {
	tx    *storage.Tx
	opt   Options
	today time.Time // midnight of the seed's day, local
	staff map[string]storage.Staff
	bens  map[string]int64
}

func seedWorld(ctx context.Context, tx *storage.Tx, w world, opt Options) error {
	local := opt.Now.In(opt.Location)
	s := &seeder{tx: tx, opt: opt, today: time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, opt.Location),
		staff: map[string]storage.Staff{}, bens: map[string]int64{}}
	for _, st := range w.Staff {
		if err := s.addStaff(ctx, st); err != nil {
			return err
		}
	}
	for _, b := range w.Beneficiaries {
		if err := s.addBeneficiary(ctx, b); err != nil {
			return err
		}
	}
	coordinator := s.coordinator()
	for _, l := range w.Leads {
		if err := s.addLead(ctx, l, coordinator); err != nil {
			return err
		}
	}
	for _, l := range w.Labs {
		if err := s.addLab(ctx, l, coordinator); err != nil {
			return err
		}
	}
	return nil
}

func (s *seeder) days(n int) time.Time { return s.opt.Now.AddDate(0, 0, n) }

func (s *seeder) date(n int) string { return s.today.AddDate(0, 0, n).Format(time.DateOnly) }

func (s *seeder) addStaff(ctx context.Context, st staffSeed) error {
	id, err := storage.CreateStaff(ctx, s.tx, storage.NewStaff{DisplayName: st.Name, Role: st.Role, Territory: st.Territory, Lang: st.Lang}, s.days(-60))
	if err != nil {
		return err
	}
	if err := storage.SetStaffStatus(ctx, s.tx, id, "active"); err != nil {
		return err
	}
	staff, err := storage.StaffByID(ctx, s.tx, id)
	if err != nil {
		return err
	}
	s.staff[st.Key] = staff
	return nil
}

func (s *seeder) coordinator() int64 {
	for _, st := range s.staff {
		if st.Role == storage.RoleCoordinator {
			return st.ID
		}
	}
	return 0
}

func (s *seeder) addBeneficiary(ctx context.Context, b beneficiarySeed) error {
	tutor := s.staff[b.Tutor].ID
	ben, err := storage.CreateBeneficiary(ctx, s.tx, storage.NewBeneficiary{Territory: b.Territory, Lang: b.Lang, TutorID: tutor,
		DisplayName: b.Name}, s.days(-40))
	if err != nil {
		return err
	}
	s.bens[b.Key] = ben.ID
	onboarded := s.days(-35)
	if err := storage.MarkOnboarded(ctx, s.tx, ben.ID, onboarded); err != nil {
		return err
	}
	purposes := []string{storage.ConsentService, storage.ConsentAnnouncements}
	if b.Research {
		purposes = append(purposes, storage.ConsentResearch)
	}
	for _, p := range purposes {
		if err := storage.SetConsent(ctx, s.tx, ben.ID, p, &onboarded); err != nil {
			return err
		}
	}
	by := storage.Actor{Kind: storage.ActorStaff, ID: tutor}
	for _, st := range b.Steps {
		due := ""
		if st.Due != nil {
			due = s.date(*st.Due)
		}
		step, err := storage.AddStep(ctx, s.tx, storage.NewStep{BeneficiaryID: ben.ID, Area: st.Area, StepKey: st.Key, Title: st.Title,
			DueDate: due, CreatedBy: tutor}, s.days(-30))
		if err != nil {
			return err
		}
		if _, err := storage.SetStepStatus(ctx, s.tx, step.ID, st.Status, by, s.days(-7)); err != nil {
			return err
		}
	}
	return nil
}

func (s *seeder) addLead(ctx context.Context, l leadSeed, by int64) error {
	str := func(v string) sql.NullString { return sql.NullString{String: v, Valid: v != ""} }
	lead := storage.Lead{Kind: l.Kind, Territory: l.Territory, Title: l.Title, Details: l.Details,
		HousingType: str(l.HousingType), City: str(l.City), JobRole: str(l.JobRole), Employer: str(l.Employer),
		Contract: str(l.Contract), Contact: str(l.Contact), ExpiresOn: str(s.date(l.Expires)),
		CreatedBy: sql.NullInt64{Int64: by, Valid: by != 0}}
	if l.Rent > 0 {
		lead.RentEUR = sql.NullInt64{Int64: l.Rent, Valid: true}
	}
	if l.Shared != nil {
		lead.Shared = sql.NullBool{Bool: *l.Shared, Valid: true}
	}
	_, err := storage.CreateLead(ctx, s.tx, lead, s.days(-l.Age))
	return err
}

func (s *seeder) addLab(ctx context.Context, l labSeed, by int64) error {
	lab, err := storage.CreateLab(ctx, s.tx, l.Name, l.Description, by, s.days(-60))
	if err != nil {
		return err
	}
	modules := make([]int64, len(l.Modules))
	for i, name := range l.Modules {
		m, err := storage.CreateModule(ctx, s.tx, lab.ID, name, s.days(-60))
		if err != nil {
			return err
		}
		modules[i] = m.ID
	}
	for _, ss := range l.Sessions {
		start := s.today.AddDate(0, 0, ss.Day).Add(time.Duration(ss.Hour) * time.Hour)
		sess, err := storage.CreateSession(ctx, s.tx, storage.NewSession{ModuleID: modules[ss.Module], Territory: ss.Territory,
			StartsAt: start.UTC(), EndsAt: start.Add(time.Duration(ss.Hours) * time.Hour).UTC(), Place: ss.Place, MapURL: ss.Map,
			OpenEnrolment: ss.Open, Capacity: ss.Capacity, CreatedBy: by}, s.days(-20))
		if err != nil {
			return err
		}
		for _, k := range ss.Enrol {
			if _, err := storage.Enrol(ctx, s.tx, sess.ID, s.bens[k], by, s.days(-10)); err != nil {
				return err
			}
		}
		for _, k := range ss.RSVP {
			if _, err := storage.SetRSVP(ctx, s.tx, sess.ID, s.bens[k], "yes", s.days(-5)); err != nil {
				return err
			}
		}
	}
	return nil
}

// inviteNewcomer finds the new visitor still waiting to onboard (or invites a new one when the
// last has onboarded), expires their old codes and returns a fresh one.
func inviteNewcomer(ctx context.Context, tx *storage.Tx, w world, opt Options) (string, error) {
	n := w.Newcomer
	waiting, err := storage.ListBeneficiaries(ctx, tx, storage.BeneficiaryFilter{Territory: n.Territory, Statuses: []string{storage.BeneficiaryInvited}})
	if err != nil {
		return "", err
	}
	var id int64
	for _, b := range waiting {
		if b.DisplayName.String == n.Name {
			id = b.ID
		}
	}
	if id == 0 {
		tutor, err := staffByName(ctx, tx, w, n.Tutor)
		if err != nil {
			return "", err
		}
		b, err := storage.CreateBeneficiary(ctx, tx, storage.NewBeneficiary{Territory: n.Territory, Lang: n.Lang, TutorID: tutor, DisplayName: n.Name}, opt.Now)
		if err != nil {
			return "", err
		}
		id = b.ID
	}
	if err := storage.ExpireInvitesOf(ctx, tx, id, 0, opt.Now); err != nil {
		return "", err
	}
	code, _, err := storage.CreateInvite(ctx, tx, storage.NewInvite{Role: "beneficiary", BeneficiaryID: id, TTL: opt.InviteTTL}, opt.Now)
	return code, err
}

// staffByName finds the seeded staff member of a key (0 when they are gone).
func staffByName(ctx context.Context, q storage.Queryer, w world, key string) (int64, error) {
	var want staffSeed
	for _, s := range w.Staff {
		if s.Key == key {
			want = s
		}
	}
	all, err := storage.ListStaff(ctx, q, "")
	if err != nil {
		return 0, err
	}
	for _, s := range all {
		if s.DisplayName == want.Name && s.Role == want.Role && s.Status == "active" {
			return s.ID, nil
		}
	}
	return 0, nil
}
