package domain

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Residential labs for reception-centre operators: a lab's audience (storage.AudienceOperators)
// says its sessions are for operators, who are enrolled by a coordinator of the session's
// territory, answer whether they come, and have their attendance marked like beneficiaries.
// A beneficiary is never enrolled in an operators' lab, nor an operator in a beneficiaries' one.

// ErrWrongAudience is an enrolment of someone the session's lab is not for (a beneficiary in
// an operators' lab, an operator in a beneficiaries' one): refused and audited, nothing changed.
var ErrWrongAudience = fmt.Errorf("%w: the lab is for another audience", ErrDenied)

// ErrNotOperator is an operator's enrolment naming someone who is not an active operator of the
// session's territory: nothing changed.
var ErrNotOperator = errors.New("not an active operator of the session's territory")

// CheckAudience refuses (audited, ErrWrongAudience) enrolling people of one audience in a
// session whose lab is for the other; nil when they match.
func (s *Service) CheckAudience(ctx context.Context, q storage.Queryer, now time.Time, a Actor, action string, sess storage.Session, audience string) error {
	if sess.LabAudience == audience {
		return nil
	}
	if err := Refuse(ctx, q, now, a, action, "session", strconv.FormatInt(sess.ID, 10), "audience="+audience); err != nil {
		return err
	}
	return ErrWrongAudience
}

// EnrolOperators enrols operators in a session of an operators' lab on behalf of a coordinator
// of the session's territory, tells each new one (when, from and to, where) and reports who was
// added, already there or not reached, by name. A session outside the actor's territories, or
// an actor who is not a coordinator, is refused (ErrDenied); a beneficiaries' lab is refused
// (ErrWrongAudience); someone who is not an active operator of the territory is ErrNotOperator.
// The caller has checked the capacity with the session locked.
func (s *Service) EnrolOperators(ctx context.Context, q storage.Queryer, now time.Time, a Actor, sess storage.Session, ops []storage.Staff) (Enrolled, error) {
	const action = "/enrol"
	var res Enrolled
	if !a.IsCoordinator() || !a.CanUseTerritory(sess.Territory) {
		return res, s.refused(ctx, q, now, a, action, "session", strconv.FormatInt(sess.ID, 10))
	}
	if err := s.CheckAudience(ctx, q, now, a, action, sess, storage.AudienceOperators); err != nil {
		return res, err
	}
	for _, op := range ops {
		if op.Role != storage.RoleOperator || op.Status != "active" || !op.Territory.Valid || op.Territory.String != sess.Territory {
			return res, fmt.Errorf("staff %d: %w", op.ID, ErrNotOperator)
		}
	}
	for _, op := range ops {
		isNew, err := storage.EnrolOperator(ctx, q, sess.ID, op.ID, a.StaffID(), now)
		if err != nil {
			return res, err
		}
		if !isNew {
			res.Already = append(res.Already, op.DisplayName)
			continue
		}
		res.Added = append(res.Added, op.DisplayName)
		if err := Audit(ctx, q, now, a, action, "staff", strconv.FormatInt(op.ID, 10), "session="+strconv.FormatInt(sess.ID, 10)); err != nil {
			return res, err
		}
		_, err = s.notify.SendTo(ctx, q, notify.Person{StaffID: op.ID}, notify.SendOptions{Kind: "notice"}, now, func(l *locales.Localizer) bot.Outgoing {
			return bot.Outgoing{Text: l.T("oplabs.enrol_notice", "Lab", sess.LabName, "Module", sess.ModuleName, "When", SessionSpan(l, sess, s.loc),
				"Place", sess.Place, "Map", notify.MapLink(sess)), Buttons: OperatorRSVPButtons(l, sess.ID)}
		})
		if errors.Is(err, notify.ErrUnreachable) {
			res.Unreached = append(res.Unreached, op.DisplayName)
		} else if err != nil {
			return res, err
		}
	}
	return res, nil
}

// ButtonOperatorRSVP answers whether an operator comes to a session of an operators' lab:
// Data(ButtonOperatorRSVP, sessionID, notify.RSVPYes|notify.RSVPNo).
const ButtonOperatorRSVP = "olr"

// OperatorRSVPButtons are the "I'll come" / "I can't" buttons of an operator's session.
func OperatorRSVPButtons(l *locales.Localizer, sessionID int64) [][]bot.Button {
	return [][]bot.Button{{
		{Text: l.T("oplabs.btn_yes"), Data: notify.Data(ButtonOperatorRSVP, sessionID, notify.RSVPYes)},
		{Text: l.T("oplabs.btn_no"), Data: notify.Data(ButtonOperatorRSVP, sessionID, notify.RSVPNo)},
	}}
}

// SessionSpan renders when a session takes place for a reader: its start, and its end too when
// it ends on a later day (a residential lab of two days).
func SessionSpan(l *locales.Localizer, sess storage.Session, loc *time.Location) string {
	start, end := sess.StartsAt.In(loc), sess.EndsAt.In(loc)
	if start.Format(time.DateOnly) == end.Format(time.DateOnly) {
		return l.DateTime(start)
	}
	return l.T("oplabs.span", "From", l.DateTime(start), "To", l.DateTime(end))
}

// OperatorRSVP records an operator's answer to a session they are enrolled in: audited when it
// changes (changed false when it was already the answer). A session they are not enrolled in
// is storage.ErrNotFound; an actor who is not an operator is refused (ErrDenied).
func (s *Service) OperatorRSVP(ctx context.Context, q storage.Queryer, now time.Time, a Actor, sess storage.Session, answer string) (changed bool, err error) {
	const action = "rsvp"
	sid := strconv.FormatInt(sess.ID, 10)
	if a.Role() != RoleOperator || (answer != notify.RSVPYes && answer != notify.RSVPNo) {
		return false, s.refused(ctx, q, now, a, action, "session", sid)
	}
	if _, err := storage.OperatorEnrolmentOf(ctx, q, sess.ID, a.Staff.ID); err != nil {
		return false, err
	}
	changed, err = storage.SetOperatorRSVP(ctx, q, sess.ID, a.Staff.ID, answer, now)
	if err != nil || !changed {
		return false, err
	}
	return true, Audit(ctx, q, now, a, action, "session", sid, "operator "+answer)
}

// MarkOperatorAttendance records whether an enrolled operator came to a session, on behalf of a
// staff member who may use the session's territory (as for beneficiaries): audited. Marking
// what is already marked changes nothing (changed false). A session outside the actor's
// territories is refused (ErrDenied); an operator not enrolled is storage.ErrNotFound.
func (s *Service) MarkOperatorAttendance(ctx context.Context, q storage.Queryer, now time.Time, a Actor, sess storage.Session, staffID int64, value string) (changed bool, err error) {
	const action = "/attendance"
	sid := strconv.FormatInt(sess.ID, 10)
	if a.Staff == nil || !a.CanUseTerritory(sess.Territory) || (value != AttendancePresent && value != AttendanceAbsent) {
		return false, s.refused(ctx, q, now, a, action, "session", sid)
	}
	if _, err := storage.OperatorEnrolmentOf(ctx, q, sess.ID, staffID); err != nil {
		return false, err
	}
	changed, err = storage.SetOperatorAttendance(ctx, q, sess.ID, staffID, value, a.Staff.ID, now)
	if err != nil || !changed {
		return false, err
	}
	return true, Audit(ctx, q, now, a, action, "session", sid, "operator="+strconv.FormatInt(staffID, 10)+" "+value)
}
