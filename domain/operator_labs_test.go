package domain_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// TestOperatorsLabEnrolmentRSVPAndAttendance: a coordinator of the territory enrols an
// operator in a two-day session of an operators' lab; a tutor may not enrol, a beneficiary is
// refused for the operators' lab and the operator for a beneficiaries' one (both audited,
// nothing enrolled), an operator of another territory is not taken; the operator answers and
// is marked present by a tutor of the territory, not by a coordinator of another.
func TestOperatorsLabEnrolmentRSVPAndAttendance(t *testing.T) {
	t.Parallel()
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC)
		cat, err := locales.Load(nil)
		if err != nil {
			t.Fatal(err)
		}
		svc := domain.New(domain.Deps{Notifier: notify.New(cat)})
		staff := func(role, territory, name string) storage.Staff {
			t.Helper()
			id, err := storage.CreateStaff(ctx, db, storage.NewStaff{DisplayName: name, Role: role, Territory: territory}, now)
			if err != nil {
				t.Fatal(err)
			}
			if err := storage.SetStaffStatus(ctx, db, id, "active"); err != nil {
				t.Fatal(err)
			}
			s, err := storage.StaffByID(ctx, db, id)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		as := func(s storage.Staff) domain.Actor { return domain.Actor{Staff: &s} }
		coord, coordBO, tutor := staff(storage.RoleCoordinator, "MI", "Chiara"), staff(storage.RoleCoordinator, "BO", "Bruno"), staff(storage.RoleTutor, "MI", "Giulia")
		op, opBO := staff(storage.RoleOperator, "MI", "Luca"), staff(storage.RoleOperator, "BO", "Sara")
		ben, err := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "MI", Lang: "fr"}, now)
		if err != nil {
			t.Fatal(err)
		}
		session := func(audience string) storage.Session {
			t.Helper()
			lab, err := storage.CreateLabFor(ctx, db, audience, "MI", "Lab "+audience, "", coord.ID, now)
			if err != nil {
				t.Fatal(err)
			}
			m, err := storage.CreateModule(ctx, db, lab.ID, "M", now)
			if err != nil {
				t.Fatal(err)
			}
			starts := now.Add(48 * time.Hour)
			s, err := storage.CreateSession(ctx, db, storage.NewSession{ModuleID: m.ID, Territory: "MI", StartsAt: starts, EndsAt: starts.Add(32 * time.Hour),
				Place: "Casa del Lago"}, now)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		opSess, benSess := session(storage.AudienceOperators), session(storage.AudienceBeneficiaries)
		if !opSess.ForOperators() || benSess.ForOperators() {
			t.Fatalf("audiences: %q %q", opSess.LabAudience, benSess.LabAudience)
		}
		denied := func() int {
			var n int
			if err := db.Get(ctx, &n, `SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied'`); err != nil {
				t.Fatal(err)
			}
			return n
		}
		enrolled := func() int {
			var n int
			if err := db.Get(ctx, &n, `SELECT (SELECT COUNT(*) FROM operator_enrolments) + (SELECT COUNT(*) FROM enrolments)`); err != nil {
				t.Fatal(err)
			}
			return n
		}
		refused := func(what string, err error, want error) {
			t.Helper()
			if !errors.Is(err, want) {
				t.Fatalf("%s: %v, want %v", what, err, want)
			}
			if n := enrolled(); n != 0 {
				t.Fatalf("%s: %d enrolments", what, n)
			}
		}
		// inTx runs f and commits what it wrote, a refusal's audit entry included (as the
		// conversations do), returning f's error.
		inTx := func(f func(tx *storage.Tx) error) error {
			var ferr error
			if err := db.InTx(ctx, func(tx *storage.Tx) error { ferr = f(tx); return nil }); err != nil {
				t.Fatal(err)
			}
			return ferr
		}
		before := denied()
		refused("a tutor", inTx(func(tx *storage.Tx) error {
			_, err := svc.EnrolOperators(ctx, tx, now, as(tutor), opSess, []storage.Staff{op})
			return err
		}), domain.ErrDenied)
		refused("an operator in a beneficiaries' lab", inTx(func(tx *storage.Tx) error {
			_, err := svc.EnrolOperators(ctx, tx, now, as(coord), benSess, []storage.Staff{op})
			return err
		}), domain.ErrWrongAudience)
		refused("a beneficiary in an operators' lab", inTx(func(tx *storage.Tx) error {
			_, err := svc.Enrol(ctx, tx, now, as(coord), opSess, []storage.Beneficiary{ben})
			return err
		}), domain.ErrWrongAudience)
		if got := denied() - before; got != 3 {
			t.Fatalf("%d refusals audited, want 3", got)
		}
		refused("an operator of BO", inTx(func(tx *storage.Tx) error {
			_, err := svc.EnrolOperators(ctx, tx, now, as(coord), opSess, []storage.Staff{op, opBO})
			return err
		}), domain.ErrNotOperator)

		var res domain.Enrolled
		if err := inTx(func(tx *storage.Tx) (err error) {
			res, err = svc.EnrolOperators(ctx, tx, now, as(coord), opSess, []storage.Staff{op})
			return err
		}); err != nil || !slices.Equal(res.Added, []string{"Luca"}) || !slices.Equal(res.Unreached, []string{"Luca"}) {
			t.Fatalf("enrol: %+v %v", res, err)
		}
		if err := inTx(func(tx *storage.Tx) (err error) {
			res, err = svc.EnrolOperators(ctx, tx, now, as(coord), opSess, []storage.Staff{op})
			return err
		}); err != nil || !slices.Equal(res.Already, []string{"Luca"}) || len(res.Added) != 0 {
			t.Fatalf("enrol again: %+v %v", res, err)
		}

		rsvp := func(a domain.Actor, answer string) (bool, error) {
			var changed bool
			err := inTx(func(tx *storage.Tx) (err error) {
				changed, err = svc.OperatorRSVP(ctx, tx, now, a, opSess, answer)
				return err
			})
			return changed, err
		}
		if changed, err := rsvp(as(op), notify.RSVPYes); err != nil || !changed {
			t.Fatalf("rsvp: %v %v", changed, err)
		}
		if changed, err := rsvp(as(op), notify.RSVPYes); err != nil || changed {
			t.Fatalf("rsvp again: %v %v", changed, err)
		}
		if _, err := rsvp(as(opBO), notify.RSVPNo); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("rsvp of someone not enrolled: %v", err)
		}
		if _, err := rsvp(as(coord), notify.RSVPNo); !errors.Is(err, domain.ErrDenied) {
			t.Fatalf("rsvp of a coordinator: %v", err)
		}

		mark := func(a domain.Actor) (bool, error) {
			var changed bool
			err := inTx(func(tx *storage.Tx) (err error) {
				changed, err = svc.MarkOperatorAttendance(ctx, tx, now, a, opSess, op.ID, domain.AttendancePresent)
				return err
			})
			return changed, err
		}
		if _, err := mark(as(coordBO)); !errors.Is(err, domain.ErrDenied) {
			t.Fatalf("attendance by a coordinator of BO: %v", err)
		}
		if changed, err := mark(as(tutor)); err != nil || !changed {
			t.Fatalf("attendance by a tutor of MI: %v %v", changed, err)
		}
		e, err := storage.OperatorEnrolmentOf(ctx, db, opSess.ID, op.ID)
		if err != nil || e.RSVP.String != notify.RSVPYes || e.Attendance.String != domain.AttendancePresent || e.AttendanceBy.Int64 != tutor.ID {
			t.Fatalf("enrolment = %+v %v", e, err)
		}
	})
}
