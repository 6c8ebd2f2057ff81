package desk

import (
	"errors"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

// replyMax is the longest reply the desk sends (characters), as the chat's /reply.
const replyMax = 3500

// alertInScope finds the alert a path names and its beneficiary: an alert of the staff member,
// about someone they may see. Anything else (no such alert, another's) has been answered as
// out of scope (ok false).
func (d *Desk) alertInScope(w http.ResponseWriter, r *Request, action string) (storage.Alert, storage.Beneficiary, bool, error) {
	id, ok := pathID(r, "id")
	if !ok {
		return storage.Alert{}, storage.Beneficiary{}, false, d.OutOfScope(w, r, action, "alert", "")
	}
	target := strconv.FormatInt(id, 10)
	a, err := storage.AlertByID(r.Context(), d.cfg.DB, id)
	if errors.Is(err, storage.ErrNotFound) {
		return a, storage.Beneficiary{}, false, d.OutOfScope(w, r, action, "alert", target)
	}
	if err != nil {
		return a, storage.Beneficiary{}, false, err
	}
	b, err := storage.BeneficiaryByID(r.Context(), d.cfg.DB, a.BeneficiaryID)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return a, b, false, err
	}
	if err != nil || a.StaffID != r.Staff.ID || b.Status == storage.BeneficiaryErased || !inScope(r.Staff, b) {
		return a, b, false, d.OutOfScope(w, r, action, "alert", target)
	}
	return a, b, true, nil
}

// alertReply sends the reply typed under an alert on Home (domain.ReplyToPerson, as the chat's
// Reply): the person gets it in their chat, and the staff member's alerts about them close.
func (d *Desk) alertReply(w http.ResponseWriter, r *Request) error {
	a, b, ok, err := d.alertInScope(w, r, "desk.alert_reply")
	if err != nil || !ok {
		return err
	}
	return d.reply(w, r, b, a.ID, "/desk/", "alerts-title")
}

// reply sends a staff member's message to b (closing alertID, 0 for none, and their alerts
// about b) and goes back to path.
func (d *Desk) reply(w http.ResponseWriter, r *Request, b storage.Beneficiary, alertID int64, path, anchor string) error {
	text := formMessage(r, "text")
	if text == "" {
		back(w, r, path, "err", errReplyEmpty, anchor)
		return nil
	}
	if utf8.RuneCountInString(text) > replyMax {
		back(w, r, path, "err", errReplyLong, anchor, "max", strconv.Itoa(replyMax))
		return nil
	}
	var sent domain.Reply
	err := d.change(r, func(tx *storage.Tx) error {
		var err error
		sent, err = d.cfg.Domain.ReplyToPerson(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, b, text, alertID)
		return err
	})
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	if !sent.Sent {
		back(w, r, path, "err", errUnreachable, anchor)
		return nil
	}
	back(w, r, path, "ok", okReplySent, anchor)
	return nil
}

// alertDone closes an alert on Home without a message (domain.CloseAlert, as the chat's Done).
func (d *Desk) alertDone(w http.ResponseWriter, r *Request) error {
	a, b, ok, err := d.alertInScope(w, r, "desk.alert_done")
	if err != nil || !ok {
		return err
	}
	var closed bool
	err = d.change(r, func(tx *storage.Tx) error {
		var err error
		closed, err = d.cfg.Domain.CloseAlert(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, a, b)
		return err
	})
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	if !closed {
		back(w, r, "/desk/", "err", errAlertClosed, "alerts-title")
		return nil
	}
	back(w, r, "/desk/", "ok", okAlertDone, "alerts-title")
	return nil
}
