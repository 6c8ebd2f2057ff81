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

// AlertTutor opens an alert for a beneficiary's tutor and tells them at once, in their own
// language, with the beneficiary's code (never a phone number or a platform) and Open and
// Reply buttons. detail is a short text the alert shows (a step title, the beneficiary's
// message); it may be empty. A beneficiary without a tutor raises no alert. The message id is
// alert.<kind>.
func (s *Service) AlertTutor(ctx context.Context, q storage.Queryer, now time.Time, b storage.Beneficiary, kind string, refID int64, detail string) error {
	if !b.TutorID.Valid {
		return nil
	}
	a, err := storage.CreateAlert(ctx, q, b.TutorID.Int64, b.ID, kind, refID, now)
	if err != nil {
		return err
	}
	// What a beneficiary writes is relayed: several waiting for the tutor go as one message.
	opt, group := notify.SendOptions{Kind: "alert"}, ""
	if kind == storage.AlertMessage {
		opt.Kind, group = storage.KindRelay, b.Code
	}
	_, err = s.notify.SendTo(ctx, q, notify.Person{StaffID: b.TutorID.Int64}, opt, now, func(l *locales.Localizer) bot.Outgoing {
		return bot.Outgoing{
			Group: group,
			Text:  l.T("alert."+kind, "Code", b.Code, "Detail", detail),
			Buttons: [][]bot.Button{{
				{Text: l.T("alert.open"), Data: notify.Data(notify.ButtonAlertOpen, a.ID)},
				{Text: l.T("alert.reply"), Data: notify.Data(notify.ButtonAlertReply, a.ID)},
			}},
		}
	})
	if errors.Is(err, notify.ErrUnreachable) {
		return nil // the alert stays open in /alerts
	}
	return err
}

// MessageFromTutor delivers a tutor's text to a beneficiary in the same chat they use, with a
// button to answer. It reports false when the beneficiary cannot be reached.
func (s *Service) MessageFromTutor(ctx context.Context, q storage.Queryer, now time.Time, b storage.Beneficiary, text string) (bool, error) {
	_, err := s.notify.SendTo(ctx, q, notify.Person{BeneficiaryID: b.ID}, notify.SendOptions{Kind: "notice"}, now, func(l *locales.Localizer) bot.Outgoing {
		return bot.Outgoing{
			Text:    l.T("tutor.from_tutor", "Text", text),
			Buttons: [][]bot.Button{{{Text: l.T("tutor.answer"), Data: notify.Data(notify.ButtonMyTutor)}}},
		}
	})
	if errors.Is(err, notify.ErrUnreachable) {
		return false, nil
	}
	return err == nil, err
}

// mayActOnBeneficiary refuses (audited) anyone but a staff member who may see b.
func (s *Service) mayActOnBeneficiary(ctx context.Context, q storage.Queryer, now time.Time, a Actor, action string, b storage.Beneficiary) error {
	if a.Staff == nil || !a.CanSeeBeneficiary(b) {
		return s.refused(ctx, q, now, a, action, "beneficiary", strconv.FormatInt(b.ID, 10))
	}
	return nil
}

// ReplyToBeneficiary relays a staff member's text to a beneficiary (MessageFromTutor) and
// closes the alerts it answers: the one replied to (alertID, 0 for none) and the staff
// member's open alerts about that beneficiary; it audits how many it closed. When the
// beneficiary cannot be reached nothing is closed and sent is false.
func (s *Service) ReplyToBeneficiary(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Beneficiary, text string, alertID int64) (sent bool, closed int64, err error) {
	const action = "/reply"
	if err := s.mayActOnBeneficiary(ctx, q, now, a, action, b); err != nil {
		return false, 0, err
	}
	sent, err = s.MessageFromTutor(ctx, q, now, b, text)
	if err != nil || !sent {
		return false, 0, err
	}
	me := a.Staff.ID
	closed, err = storage.HandleAlertsOf(ctx, q, me, b.ID, me, now)
	if err != nil {
		return true, 0, err
	}
	if alertID != 0 {
		ok, err := storage.HandleAlert(ctx, q, alertID, me, now)
		if err != nil {
			return true, closed, err
		}
		if ok {
			closed++
		}
	}
	return true, closed, Audit(ctx, q, now, a, action, "beneficiary", strconv.FormatInt(b.ID, 10), "alerts closed: "+strconv.FormatInt(closed, 10))
}

// CloseAlert closes an alert about b without a message, once: closed is false when it was
// already closed.
func (s *Service) CloseAlert(ctx context.Context, q storage.Queryer, now time.Time, a Actor, al storage.Alert, b storage.Beneficiary) (closed bool, err error) {
	const action = "alert done"
	if err := s.mayActOnBeneficiary(ctx, q, now, a, action, b); err != nil {
		return false, err
	}
	if al.BeneficiaryID != b.ID {
		return false, s.refused(ctx, q, now, a, action, "alert", strconv.FormatInt(al.ID, 10))
	}
	closed, err = storage.HandleAlert(ctx, q, al.ID, a.Staff.ID, now)
	if err != nil || !closed {
		return false, err
	}
	return true, Audit(ctx, q, now, a, action, "alert", strconv.FormatInt(al.ID, 10), fmt.Sprintf("beneficiary=%d %s", b.ID, al.Kind))
}
