package domain

import (
	"context"
	"errors"
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
	return s.alertTutor(ctx, q, now, b, kind, "alert."+kind, refID, detail)
}

// alertTutor is AlertTutor with the message id of the alert's text (a job lead's interest is
// worded apart from a housing one's).
func (s *Service) alertTutor(ctx context.Context, q storage.Queryer, now time.Time, b storage.Beneficiary, kind, textID string, refID int64, detail string) error {
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
			Text:  l.T(textID, "Code", b.Code, "Detail", detail),
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
