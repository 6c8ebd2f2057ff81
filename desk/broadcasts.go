package desk

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/storage"
)

// The Broadcasts pages (coordinators and admins, as /broadcast in the chat): the list, the
// form of a new broadcast, and one broadcast's page with its versions by language, its
// preview in each, the completeness warning, Send now, Schedule, Cancel and its report. Every
// change is the chat's own domain function.

// Notices of the Broadcasts pages (desk.broadcasts.ok.<key>, desk.broadcasts.err.<key>).
const (
	okBroadcastCreated   = "created"
	okBroadcastVersion   = "version_saved"
	okBroadcastSending   = "sending"
	okBroadcastScheduled = "scheduled"
	okBroadcastCancelled = "cancelled"

	errBroadcastEmpty    = "empty"
	errBroadcastLong     = "too_long"
	errBroadcastAudience = "bad_audience"
	errBroadcastWhen     = "bad_when"
	errBroadcastPast     = "past_when"
	errBroadcastNotDraft = "not_draft"
	errBroadcastLang     = "bad_lang"
)

// broadcastNoticeKeys are the notices the Broadcasts pages show: true for an error.
func broadcastNoticeKeys() map[string]bool {
	return map[string]bool{
		okBroadcastCreated: false, okBroadcastVersion: false, okBroadcastSending: false, okBroadcastScheduled: false,
		okBroadcastCancelled: false, errBroadcastEmpty: true, errBroadcastLong: true, errBroadcastAudience: true, errBroadcastWhen: true,
		errBroadcastPast: true, errBroadcastNotDraft: true, errBroadcastLang: true,
	}
}

// broadcastNotice is the notice of a broadcast's text the domain refused ("" none).
func broadcastNotice(err error) string {
	switch {
	case errors.Is(err, domain.ErrBroadcastEmpty):
		return errBroadcastEmpty
	case errors.Is(err, domain.ErrBroadcastTooLong):
		return errBroadcastLong
	case errors.Is(err, domain.ErrBadLanguage):
		return errBroadcastLang
	case errors.Is(err, domain.ErrWrongState):
		return errBroadcastNotDraft
	}
	return ""
}

// broadcastsList is the Broadcasts page.
type broadcastsList struct{ Rows []broadcastRow }

// broadcasts lists the latest broadcasts the staff member may see, newest first.
func (d *Desk) broadcasts(w http.ResponseWriter, r *Request) error {
	rows, err := loadBroadcasts(r.Context(), d.cfg.DB, domain.Actor{Staff: &r.Staff}, r.L, d.cfg.Location)
	if err != nil {
		return err
	}
	return d.render(w, r, http.StatusOK, "broadcasts", r.L.T("desk.broadcasts.title"), broadcastsList{Rows: rows})
}

// broadcastForm is the form of a new broadcast, as offered or as typed.
type broadcastForm struct {
	Groups   []choiceGroup
	Audience string
	Text     string
	Max      int
}

// broadcastNew is the form of a new broadcast.
func (d *Desk) broadcastNew(w http.ResponseWriter, r *Request) error {
	return d.renderBroadcastForm(w, r, http.StatusOK, broadcastForm{Audience: "all"})
}

func (d *Desk) renderBroadcastForm(w http.ResponseWriter, r *Request, status int, f broadcastForm) error {
	groups, err := audienceGroups(r.Context(), d.cfg.DB, domain.Actor{Staff: &r.Staff}, r.L, r.Now, d.cfg.Location)
	if err != nil {
		return err
	}
	f.Groups, f.Max = groups, domain.MaxBroadcastLen
	return d.render(w, r, status, "broadcast_new", r.L.T("desk.broadcasts.new"), f)
}

// broadcastCreate stores a draft (domain.CreateBroadcast, as /broadcast) and opens its page,
// where it is previewed, given versions and sent.
func (d *Desk) broadcastCreate(w http.ResponseWriter, r *Request) error {
	a := domain.Actor{Staff: &r.Staff}
	f := broadcastForm{Audience: r.PostFormValue("audience"), Text: formMessage(r, "text")}
	au, err := readAudience(r.Context(), d.cfg.DB, a, f.Audience)
	if errors.Is(err, errBadAudience) {
		r.shown = notice{Text: r.L.T("desk.broadcasts.err." + errBroadcastAudience), Error: true}
		return d.renderBroadcastForm(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	var b storage.Broadcast
	err = d.broadcastChange(r, func(tx *storage.Tx) error {
		var err error
		b, err = d.cfg.Domain.CreateBroadcast(r.Context(), tx, r.Now, a, domain.NewBroadcast{Audience: au, Body: f.Text})
		return err
	})
	if bad := broadcastNotice(err); bad != "" {
		r.shown = notice{Text: r.L.T("desk.broadcasts.err."+bad, "Max", domain.MaxBroadcastLen), Error: true}
		return d.renderBroadcastForm(w, r, http.StatusUnprocessableEntity, f)
	}
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	back(w, r, broadcastPath(b.ID), "ok", okBroadcastCreated, "")
	return nil
}

func broadcastPath(id int64) string { return "/desk/broadcasts/" + strconv.FormatInt(id, 10) }

// broadcastInScope finds the broadcast a path names, one the staff member may see (their own,
// one of their territory's staff, any when they have no territory); anything else has been
// answered as out of scope.
func (d *Desk) broadcastInScope(w http.ResponseWriter, r *Request, action string) (storage.Broadcast, bool, error) {
	id, ok := pathID(r, "id")
	if !ok {
		return storage.Broadcast{}, false, d.OutOfScope(w, r, action, "broadcast", "")
	}
	b, err := storage.BroadcastByID(r.Context(), d.cfg.DB, id)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return b, false, err
	}
	var author storage.Staff
	if err == nil {
		if author, err = storage.StaffByID(r.Context(), d.cfg.DB, b.CreatedBy); err != nil {
			return b, false, err
		}
	}
	if err != nil || !(domain.Actor{Staff: &r.Staff}).CanSeeBroadcast(b, author) {
		return b, false, d.OutOfScope(w, r, action, "broadcast", strconv.FormatInt(id, 10))
	}
	return b, true, nil
}

// broadcast is one broadcast's page.
func (d *Desk) broadcast(w http.ResponseWriter, r *Request) error {
	b, ok, err := d.broadcastInScope(w, r, "desk.broadcast")
	if err != nil || !ok {
		return err
	}
	return d.renderBroadcast(w, r, http.StatusOK, b, nil, "")
}

// renderBroadcast shows a broadcast's page; typed and when are what the staff member typed
// when the page comes back with a mistake.
func (d *Desk) renderBroadcast(w http.ResponseWriter, r *Request, status int, b storage.Broadcast, typed map[string]string, when string) error {
	p, err := loadBroadcastPage(r.Context(), d.cfg.DB, d.cfg.Domain, d.cfg.Catalog, domain.Actor{Staff: &r.Staff}, r.L, b,
		d.cfg.Translator.Knows, r.Now, typed)
	if err != nil {
		return err
	}
	p.ScheduleValue = when
	return d.render(w, r, status, "broadcast", r.L.T("desk.broadcasts.heading", "ID", b.ID), p)
}

// broadcastVersion stores the text of one language (domain.SetBroadcastVersion).
func (d *Desk) broadcastVersion(w http.ResponseWriter, r *Request) error {
	b, ok, err := d.broadcastInScope(w, r, "desk.broadcast_version")
	if err != nil || !ok {
		return err
	}
	lang, text := r.PostFormValue("lang"), formMessage(r, "text")
	err = d.broadcastChange(r, func(tx *storage.Tx) error {
		return d.cfg.Domain.SetBroadcastVersion(r.Context(), tx, r.Now, domain.Actor{Staff: &r.Staff}, b, lang, text)
	})
	if bad := broadcastNotice(err); bad != "" {
		if bad == errBroadcastNotDraft || bad == errBroadcastLang {
			back(w, r, broadcastPath(b.ID), "err", bad, "")
			return nil
		}
		r.shown = notice{Text: r.L.T("desk.broadcasts.err."+bad, "Max", domain.MaxBroadcastLen), Error: true}
		return d.renderBroadcast(w, r, http.StatusUnprocessableEntity, b, map[string]string{lang: text}, "")
	}
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	back(w, r, broadcastPath(b.ID), "ok", okBroadcastVersion, "versions")
	return nil
}

// broadcastSend sends a draft now (domain.ConfirmBroadcast, as the chat's Send now).
func (d *Desk) broadcastSend(w http.ResponseWriter, r *Request) error {
	return d.broadcastStep(w, r, "desk.broadcast_send", okBroadcastSending, func(tx *storage.Tx, a domain.Actor, b storage.Broadcast) error {
		return d.cfg.Domain.ConfirmBroadcast(r.Context(), tx, r.Now, a, b)
	})
}

// broadcastCancel drops a draft or a scheduled broadcast (domain.CancelBroadcast).
func (d *Desk) broadcastCancel(w http.ResponseWriter, r *Request) error {
	return d.broadcastStep(w, r, "desk.broadcast_cancel", okBroadcastCancelled, func(tx *storage.Tx, a domain.Actor, b storage.Broadcast) error {
		return d.cfg.Domain.CancelBroadcast(r.Context(), tx, r.Now, a, b)
	})
}

// broadcastSchedule schedules a draft for the date and time typed, in BOT_TIMEZONE
// (domain.ScheduleBroadcast).
func (d *Desk) broadcastSchedule(w http.ResponseWriter, r *Request) error {
	typed := strings.TrimSpace(r.PostFormValue("when"))
	at, bad := d.moment(r, typed)
	if bad != "" {
		b, ok, err := d.broadcastInScope(w, r, "desk.broadcast_schedule")
		if err != nil || !ok {
			return err
		}
		r.shown = notice{Text: r.L.T("desk.broadcasts.err." + bad), Error: true}
		return d.renderBroadcast(w, r, http.StatusUnprocessableEntity, b, nil, typed)
	}
	return d.broadcastStep(w, r, "desk.broadcast_schedule", okBroadcastScheduled, func(tx *storage.Tx, a domain.Actor, b storage.Broadcast) error {
		return d.cfg.Domain.ScheduleBroadcast(r.Context(), tx, r.Now, a, b, at)
	})
}

// moment reads a datetime-local field (2026-12-05T09:30) in BOT_TIMEZONE, in the future.
func (d *Desk) moment(r *Request, typed string) (time.Time, string) {
	date, clock, ok := strings.Cut(typed, "T")
	if !ok {
		date, clock, ok = strings.Cut(typed, " ")
	}
	if !ok {
		return time.Time{}, errBroadcastWhen
	}
	day, err := civil.ParseDate(date)
	if err != nil {
		return time.Time{}, errBroadcastWhen
	}
	h, m, err := civil.ParseClock(clock)
	if err != nil {
		return time.Time{}, errBroadcastWhen
	}
	at, err := civil.At(day, h, m, d.cfg.Location)
	if err != nil {
		return time.Time{}, errBroadcastWhen
	}
	if !at.After(r.Now) {
		return time.Time{}, errBroadcastPast
	}
	return at, ""
}

// broadcastStep runs one change of a broadcast's status and goes back to its page.
func (d *Desk) broadcastStep(w http.ResponseWriter, r *Request, action, ok string, f func(tx *storage.Tx, a domain.Actor, b storage.Broadcast) error) error {
	b, found, err := d.broadcastInScope(w, r, action)
	if err != nil || !found {
		return err
	}
	err = d.broadcastChange(r, func(tx *storage.Tx) error { return f(tx, domain.Actor{Staff: &r.Staff}, b) })
	if errors.Is(err, domain.ErrWrongState) {
		back(w, r, broadcastPath(b.ID), "err", errBroadcastNotDraft, "")
		return nil
	}
	if done, err := d.refusedByDomain(w, r, err); done || err != nil {
		return err
	}
	back(w, r, broadcastPath(b.ID), "ok", ok, "")
	return nil
}

// broadcastChange runs a change of a broadcast through the domain in one transaction. A refusal
// of rights (domain.ErrDenied) is committed with its audit entry, and nothing else, and
// returned; any other error rolls back.
func (d *Desk) broadcastChange(r *Request, f func(tx *storage.Tx) error) error {
	var denied error
	if err := d.change(r, func(tx *storage.Tx) error {
		err := f(tx)
		if errors.Is(err, domain.ErrDenied) {
			denied = err
			return nil
		}
		return err
	}); err != nil {
		return err
	}
	return denied
}
