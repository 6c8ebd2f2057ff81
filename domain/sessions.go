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

// Session errors the caller answers in the staff member's words; nothing changed.
var (
	// ErrSessionCancelled: the session was cancelled (by someone else, meanwhile).
	ErrSessionCancelled = errors.New("the session is cancelled")
	// ErrSessionStarted: the session has started or is over; it can no longer be moved or cancelled.
	ErrSessionStarted = errors.New("the session has started")
	// ErrSessionPast: a new time that is not in the future.
	ErrSessionPast = errors.New("the session's time has passed")
	// ErrSessionSameTime: moving a session to the time it already has.
	ErrSessionSameTime = errors.New("the session is already at that time")
)

// SessionLength is how long a lab session lasts unless said otherwise.
const SessionLength = 2 * time.Hour

// Told is who heard of a change to a session: how many enrolled people were told, and the codes
// of those who could not be reached.
type Told struct {
	Told      int
	Unreached []string
}

// mayManageSession refuses (audited, ErrDenied) an actor who may not schedule, move or cancel
// sessions of the territory: coordinators of it and admins may.
func (s *Service) mayManageSession(ctx context.Context, q storage.Queryer, now time.Time, a Actor, action, territory, target string) error {
	if a.Staff == nil || !Coordinators.Has(a.Role()) || !a.CanUseTerritory(territory) {
		return s.refused(ctx, q, now, a, action, "session", target)
	}
	return nil
}

// CreateSession schedules a session of a module ("/session add"): a coordinator of the
// territory or an admin, in the future, audited, its reminders planned. A lab of a territory
// has its sessions there only (storage.ErrLabElsewhere).
func (s *Service) CreateSession(ctx context.Context, q storage.Queryer, now time.Time, a Actor, ns storage.NewSession) (storage.Session, error) {
	const action = "/session add"
	if err := s.mayManageSession(ctx, q, now, a, action, ns.Territory, "module="+strconv.FormatInt(ns.ModuleID, 10)); err != nil {
		return storage.Session{}, err
	}
	if !ns.StartsAt.After(now) {
		return storage.Session{}, ErrSessionPast
	}
	ns.CreatedBy = a.StaffID()
	sess, err := storage.CreateSession(ctx, q, ns, now)
	if err != nil {
		return sess, err
	}
	if err := Audit(ctx, q, now, a, action, "session", strconv.FormatInt(sess.ID, 10),
		fmt.Sprintf("module=%d territory=%s starts=%s", ns.ModuleID, sess.Territory, sess.StartsAt.UTC().Format(time.RFC3339))); err != nil {
		return sess, err
	}
	return sess, s.SessionChanged(ctx, q, sess.ID, now)
}

// upcoming refuses a session that is cancelled or has started.
func upcoming(sess storage.Session, now time.Time) error {
	if sess.Status != storage.SessionScheduled {
		return ErrSessionCancelled
	}
	if !sess.StartsAt.After(now) {
		return ErrSessionStarted
	}
	return nil
}

// MoveSession moves an upcoming session to a new start, keeping its length ("/session move"),
// re-plans its reminders and tells everyone enrolled, each in their language.
func (s *Service) MoveSession(ctx context.Context, q storage.Queryer, now time.Time, a Actor, sess storage.Session, starts time.Time) (Told, error) {
	const action = "/session move"
	id := strconv.FormatInt(sess.ID, 10)
	if err := s.mayManageSession(ctx, q, now, a, action, sess.Territory, id); err != nil {
		return Told{}, err
	}
	if err := upcoming(sess, now); err != nil {
		return Told{}, err
	}
	switch {
	case !starts.After(now):
		return Told{}, ErrSessionPast
	case starts.Equal(sess.StartsAt):
		return Told{}, ErrSessionSameTime
	}
	old := sess.StartsAt
	err := storage.MoveSession(ctx, q, sess.ID, starts, starts.Add(sess.EndsAt.Sub(sess.StartsAt)), now)
	if errors.Is(err, storage.ErrNotFound) {
		return Told{}, ErrSessionCancelled
	} else if err != nil {
		return Told{}, err
	}
	if err := Audit(ctx, q, now, a, action, "session", id,
		fmt.Sprintf("from=%s to=%s", old.UTC().Format(time.RFC3339), starts.UTC().Format(time.RFC3339))); err != nil {
		return Told{}, err
	}
	if err := s.SessionChanged(ctx, q, sess.ID, now); err != nil {
		return Told{}, err
	}
	sess.StartsAt = starts
	return s.tellEnrolled(ctx, q, now, sess, func(l *locales.Localizer) string {
		return l.T("session.notice_moved", "Lab", sess.LabName, "Module", sess.ModuleName, "Old", l.DateTime(old.In(s.loc)),
			"When", l.DateTime(starts.In(s.loc)), "Place", sess.Place, "Map", notify.MapLink(sess))
	})
}

// CancelSession cancels an upcoming session ("/session cancel"), re-plans (drops) its
// reminders and tells everyone enrolled, each in their language.
func (s *Service) CancelSession(ctx context.Context, q storage.Queryer, now time.Time, a Actor, sess storage.Session) (Told, error) {
	const action = "/session cancel"
	id := strconv.FormatInt(sess.ID, 10)
	if err := s.mayManageSession(ctx, q, now, a, action, sess.Territory, id); err != nil {
		return Told{}, err
	}
	if err := upcoming(sess, now); err != nil {
		return Told{}, err
	}
	ok, err := storage.CancelSession(ctx, q, sess.ID, now)
	if err != nil {
		return Told{}, err
	}
	if !ok {
		return Told{}, ErrSessionCancelled
	}
	if err := Audit(ctx, q, now, a, action, "session", id, ""); err != nil {
		return Told{}, err
	}
	if err := s.SessionChanged(ctx, q, sess.ID, now); err != nil {
		return Told{}, err
	}
	return s.tellEnrolled(ctx, q, now, sess, func(l *locales.Localizer) string {
		return l.T("session.notice_cancelled", "Lab", sess.LabName, "Module", sess.ModuleName, "When", l.DateTime(sess.StartsAt.In(s.loc)),
			"Place", sess.Place)
	})
}

// tellEnrolled tells everyone enrolled in a session (not erased), each in their own language.
func (s *Service) tellEnrolled(ctx context.Context, q storage.Queryer, now time.Time, sess storage.Session, text func(l *locales.Localizer) string) (Told, error) {
	enrolled, err := storage.EnrolmentsOf(ctx, q, sess.ID)
	if err != nil {
		return Told{}, err
	}
	var told Told
	for _, en := range enrolled {
		b, err := storage.BeneficiaryByID(ctx, q, en.BeneficiaryID)
		if err != nil {
			return told, err
		}
		if b.Status == storage.BeneficiaryErased {
			continue
		}
		_, err = s.notify.SendTo(ctx, q, notify.Person{BeneficiaryID: b.ID}, notify.SendOptions{Kind: "notice"}, now, func(l *locales.Localizer) bot.Outgoing {
			return bot.Outgoing{Text: text(l)}
		})
		if err := told.count(err, b.Code); err != nil {
			return told, err
		}
	}
	// The operators of an operators' lab are told in the same words.
	ops, err := storage.OperatorEnrolmentsOf(ctx, q, sess.ID)
	if err != nil {
		return told, err
	}
	for _, op := range ops {
		_, err := s.notify.SendTo(ctx, q, notify.Person{StaffID: op.StaffID}, notify.SendOptions{Kind: "notice"}, now, func(l *locales.Localizer) bot.Outgoing {
			return bot.Outgoing{Text: text(l)}
		})
		if err := told.count(err, op.Name); err != nil {
			return told, err
		}
	}
	return told, nil
}

// count adds a notice's outcome: told, or unreached (named who), or a failure returned.
func (t *Told) count(err error, who string) error {
	switch {
	case errors.Is(err, notify.ErrUnreachable):
		t.Unreached = append(t.Unreached, who)
	case err != nil:
		return err
	default:
		t.Told++
	}
	return nil
}
