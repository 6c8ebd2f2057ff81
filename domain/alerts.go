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
	return s.alertTutor(ctx, q, now, b, kind, "alert."+kind, refID, detail)
}

// alertTutor is AlertTutor with the message id of the alert's text (a job lead's interest is
// worded apart from a housing one's).
func (s *Service) alertTutor(ctx context.Context, q storage.Queryer, now time.Time, b storage.Beneficiary, kind, textID string, refID int64, detail string) error {
	return s.alertTutorWith(ctx, q, now, b, kind, textID, refID, detail, nil)
}

// alertTutorWith is alertTutor with a file passed on in the alert's message (nil for none): a
// message with a file goes alone, never joined with other relays, and without a detail it
// names the kind of file in the tutor's language.
func (s *Service) alertTutorWith(ctx context.Context, q storage.Queryer, now time.Time, b storage.Beneficiary, kind, textID string, refID int64, detail string, file *bot.OutMedia) error {
	if !b.TutorID.Valid {
		return nil
	}
	a, err := storage.CreateAlert(ctx, q, b.TutorID.Int64, b.ID, kind, refID, now)
	if err != nil {
		return err
	}
	// What a beneficiary writes is relayed: several waiting for the tutor go as one message.
	opt, group := notify.SendOptions{Kind: "alert"}, ""
	if kind == storage.AlertMessage && file == nil {
		opt.Kind, group = storage.KindRelay, b.Code
	}
	_, err = s.notify.SendTo(ctx, q, notify.Person{StaffID: b.TutorID.Int64}, opt, now, func(l *locales.Localizer) bot.Outgoing {
		d := detail
		if file != nil && d == "" {
			d = MediaLabel(l, file.Kind)
		}
		out := bot.Outgoing{
			Group: group,
			Media: file,
			Text:  l.T(textID, "Code", b.Code, "Detail", d),
			Buttons: [][]bot.Button{{
				{Text: l.T("alert.open"), Data: notify.Data(notify.ButtonAlertOpen, a.ID)},
				{Text: l.T("alert.reply"), Data: notify.Data(notify.ButtonAlertReply, a.ID)},
			}},
		}
		if kind == storage.AlertMessage && detail != "" {
			// The person's own words: shown to the tutor in the tutor's language too.
			out.Foreign = []bot.Foreign{notify.Foreign(detail, "")}
		}
		return out
	})
	if errors.Is(err, notify.ErrUnreachable) {
		return nil // the alert stays open in /alerts
	}
	return err
}

// MessageToTutor passes what a beneficiary writes on to their tutor: it is recorded in their
// conversation (to the tutor, with the kind of file passed on with it, "" for none) and
// raised as a "wrote you a message" alert whose ref_id is the recorded message, so the desk
// can show its text. It returns the message's id. Without a tutor the message is recorded and
// no alert is raised.
func (s *Service) MessageToTutor(ctx context.Context, q storage.Queryer, now time.Time, b storage.Beneficiary, text, mediaKind string) (int64, error) {
	id, err := storage.AppendConversation(ctx, q, storage.NewConversationMessage{BeneficiaryID: b.ID, StaffID: b.TutorID.Int64,
		Direction: storage.ToTutor, Body: text, MediaKind: mediaKind}, now)
	if err != nil {
		return 0, err
	}
	return id, s.AlertTutor(ctx, q, now, b, storage.AlertMessage, id, text)
}

// FileToTutor passes a file a beneficiary sent (a voice note, a photo, a PDF) on to their
// tutor, like MessageToTutor: recorded in their conversation with its caption and kind, and
// raised as a "wrote you a message" alert whose message carries the file (file: how the
// tutor's channel gets it, media.Store.Attach; nil when the tutor cannot be reached now, the
// alert then stays open without it). It returns the recorded message's id.
func (s *Service) FileToTutor(ctx context.Context, q storage.Queryer, now time.Time, b storage.Beneficiary, caption string, kind bot.MediaKind, file *bot.OutMedia) (int64, error) {
	id, err := storage.AppendConversation(ctx, q, storage.NewConversationMessage{BeneficiaryID: b.ID, StaffID: b.TutorID.Int64,
		Direction: storage.ToTutor, Body: caption, MediaKind: string(kind)}, now)
	if err != nil {
		return 0, err
	}
	return id, s.alertTutorWith(ctx, q, now, b, storage.AlertMessage, "alert.message", id, caption, file)
}

// MediaLabel names a kind of file in a language ("🎤 voice note").
func MediaLabel(l *locales.Localizer, kind bot.MediaKind) string {
	if !kind.Known() {
		return l.T("relay.kind.document")
	}
	return l.T("relay.kind." + string(kind))
}

// MessageFromTutor delivers a staff member's text to a beneficiary in the same chat they use,
// with a button to answer, and records it in their conversation (to the person, written by
// staffID). It reports false, and records nothing, when the beneficiary cannot be reached.
func (s *Service) MessageFromTutor(ctx context.Context, q storage.Queryer, now time.Time, staffID int64, b storage.Beneficiary, text string) (bool, error) {
	return s.messageFromTutor(ctx, q, now, staffID, b, text, nil)
}

// messageFromTutor is MessageFromTutor with a file (nil for none): text is then its caption,
// and a file without one is announced as "your tutor sent you a file".
func (s *Service) messageFromTutor(ctx context.Context, q storage.Queryer, now time.Time, staffID int64, b storage.Beneficiary, text string, file *bot.OutMedia) (bool, error) {
	_, err := s.notify.SendTo(ctx, q, notify.Person{BeneficiaryID: b.ID}, notify.SendOptions{Kind: "notice"}, now, func(l *locales.Localizer) bot.Outgoing {
		body := l.T("tutor.from_tutor", "Text", text)
		if file != nil && text == "" {
			body = l.T("relay.from_tutor_file")
		}
		return bot.Outgoing{
			Text:    body,
			Media:   file,
			Buttons: [][]bot.Button{{{Text: l.T("tutor.answer"), Data: notify.Data(notify.ButtonMyTutor)}}},
			Foreign: []bot.Foreign{notify.Foreign(text, notify.StaffLang)}, // shown in the person's language too
		}
	})
	if errors.Is(err, notify.ErrUnreachable) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	kind := ""
	if file != nil {
		kind = string(file.Kind)
	}
	if _, err := storage.AppendConversation(ctx, q, storage.NewConversationMessage{BeneficiaryID: b.ID, StaffID: staffID,
		Direction: storage.ToPerson, Body: text, MediaKind: kind}, now); err != nil {
		return false, err
	}
	return true, nil
}

// Reply is what a staff member's reply to a beneficiary did.
type Reply struct {
	Sent   bool  // false: the beneficiary cannot be reached, nothing was sent or closed
	Closed int64 // the alerts it closed
}

// ReplyToPerson is a staff member's message to a beneficiary (the chat's /reply and the
// alert's Reply, the desk's Reply form): it reaches the person in their language on their
// channel and is recorded in their conversation (MessageFromTutor), then the alerts it answers
// are closed (alertID, 0 for none, and the staff member's open alerts about that person), and
// it is audited as "/reply". A beneficiary outside the staff member's scope is refused
// (ErrDenied, audited); one who cannot be reached gets nothing and nothing is closed.
func (s *Service) ReplyToPerson(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Beneficiary, text string, alertID int64) (Reply, error) {
	return s.ReplyFileToPerson(ctx, q, now, a, b, text, nil, alertID)
}

// ReplyFileToPerson is ReplyToPerson with a file the staff member sent (file: how the
// person's channel gets it, media.Store.Attach; nil for a text), text being its caption.
func (s *Service) ReplyFileToPerson(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Beneficiary, text string, file *bot.OutMedia, alertID int64) (Reply, error) {
	target := strconv.FormatInt(b.ID, 10)
	if b.Status == storage.BeneficiaryErased {
		return Reply{}, s.refused(ctx, q, now, a, "/reply", "beneficiary", target)
	}
	if err := s.mayActOnBeneficiary(ctx, q, now, a, "/reply", b); err != nil {
		return Reply{}, err
	}
	me := a.Staff.ID
	sent, err := s.messageFromTutor(ctx, q, now, me, b, text, file)
	if err != nil || !sent {
		return Reply{}, err
	}
	closed, err := storage.HandleAlertsOf(ctx, q, me, b.ID, me, now)
	if err != nil {
		return Reply{}, err
	}
	if alertID != 0 {
		ok, err := storage.HandleAlert(ctx, q, alertID, me, now)
		if err != nil {
			return Reply{}, err
		}
		if ok {
			closed++
		}
	}
	if err := Audit(ctx, q, now, a, "/reply", "beneficiary", target, "alerts closed: "+strconv.FormatInt(closed, 10)); err != nil {
		return Reply{}, err
	}
	return Reply{Sent: true, Closed: closed}, nil
}

// mayActOnBeneficiary refuses (audited) anyone but a staff member who may see b.
func (s *Service) mayActOnBeneficiary(ctx context.Context, q storage.Queryer, now time.Time, a Actor, action string, b storage.Beneficiary) error {
	if a.Staff == nil || !a.CanSeeBeneficiary(b) {
		return s.refused(ctx, q, now, a, action, "beneficiary", strconv.FormatInt(b.ID, 10))
	}
	return nil
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
