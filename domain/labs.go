package domain

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// ErrDenied is an action the actor may not do: it has been refused and audited, nothing
// changed. The caller answers the person.
var ErrDenied = errors.New("not allowed")

// Enrolled is what an enrolment did: beneficiaries' codes added, already enrolled, and added
// but not told (they cannot be reached).
type Enrolled struct{ Added, Already, Unreached []string }

// Enrol enrols beneficiaries in a session on behalf of a staff member, tells each new one
// (when, where, a map link) and re-plans the session's reminders. The caller has checked the
// session's capacity with the session locked (storage.LockSession, storage.RoomOf) in the same
// transaction, so nobody slips in between. A session outside the actor's territories, or a
// beneficiary they may not see, is refused (ErrDenied) and nothing is enrolled.
func (s *Service) Enrol(ctx context.Context, q storage.Queryer, now time.Time, a Actor, sess storage.Session, people []storage.Beneficiary) (Enrolled, error) {
	const action = "/enrol"
	var res Enrolled
	if !a.CanUseTerritory(sess.Territory) {
		return res, s.refused(ctx, q, now, a, action, "session", strconv.FormatInt(sess.ID, 10))
	}
	if err := s.CheckAudience(ctx, q, now, a, action, sess, storage.AudienceBeneficiaries); err != nil {
		return res, err
	}
	for _, b := range people {
		if !a.CanSeeBeneficiary(b) {
			return res, s.refused(ctx, q, now, a, action, "beneficiary", strconv.FormatInt(b.ID, 10))
		}
	}
	for _, b := range people {
		isNew, err := storage.Enrol(ctx, q, sess.ID, b.ID, a.StaffID(), now)
		if err != nil {
			return res, err
		}
		if !isNew {
			res.Already = append(res.Already, b.Code)
			continue
		}
		res.Added = append(res.Added, b.Code)
		if err := Audit(ctx, q, now, a, action, "beneficiary", strconv.FormatInt(b.ID, 10), "session="+strconv.FormatInt(sess.ID, 10)); err != nil {
			return res, err
		}
		_, err = s.notify.SendTo(ctx, q, notify.Person{BeneficiaryID: b.ID}, notify.SendOptions{Kind: "notice"}, now, func(l *locales.Localizer) bot.Outgoing {
			return bot.Outgoing{Text: l.T("enrol.notice", "Lab", sess.LabName, "Module", sess.ModuleName, "When", l.DateTime(sess.StartsAt.In(s.loc)),
				"Place", sess.Place, "Map", notify.MapLink(sess))}
		})
		if errors.Is(err, notify.ErrUnreachable) {
			res.Unreached = append(res.Unreached, b.Code)
		} else if err != nil {
			return res, err
		}
	}
	if len(res.Added) > 0 {
		if err := s.SessionChanged(ctx, q, sess.ID, now); err != nil {
			return res, err
		}
	}
	return res, nil
}

// refused audits a refusal and returns ErrDenied (or the audit's error).
func (s *Service) refused(ctx context.Context, q storage.Queryer, now time.Time, a Actor, action, targetKind, targetID string) error {
	if err := Refuse(ctx, q, now, a, action, targetKind, targetID, ""); err != nil {
		return err
	}
	return ErrDenied
}

// Attendance values.
const (
	AttendancePresent = "present"
	AttendanceAbsent  = "absent"
)

// MarkAttendance records whether an enrolled beneficiary came to a session, on behalf of a
// staff member who may use the session's territory ("/attendance"): audited, and an absence
// alerts the person's tutor. Marking what is already marked changes nothing (changed false).
// A session outside the actor's territories is refused (ErrDenied); a person not enrolled is
// storage.ErrNotFound.
func (s *Service) MarkAttendance(ctx context.Context, q storage.Queryer, now time.Time, a Actor, sess storage.Session, beneficiaryID int64, value string) (changed bool, err error) {
	const action = "/attendance"
	sid := strconv.FormatInt(sess.ID, 10)
	if a.Staff == nil || !a.CanUseTerritory(sess.Territory) || (value != AttendancePresent && value != AttendanceAbsent) {
		return false, s.refused(ctx, q, now, a, action, "session", sid)
	}
	if _, err := storage.EnrolmentOf(ctx, q, sess.ID, beneficiaryID); err != nil {
		return false, err
	}
	changed, err = storage.SetAttendance(ctx, q, sess.ID, beneficiaryID, value, a.Staff.ID, now)
	if err != nil || !changed {
		return false, err
	}
	if err := Audit(ctx, q, now, a, action, "session", sid, "beneficiary="+strconv.FormatInt(beneficiaryID, 10)+" "+value); err != nil {
		return true, err
	}
	if value != AttendanceAbsent {
		return true, nil
	}
	b, err := storage.BeneficiaryByID(ctx, q, beneficiaryID)
	if err != nil || b.Status == storage.BeneficiaryErased {
		return true, err
	}
	return true, s.AlertTutor(ctx, q, now, b, storage.AlertAbsent, sess.ID, sess.LabName+" / "+sess.ModuleName+" (#"+sid+")")
}
