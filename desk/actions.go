package desk

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

// The desk's changes: a handler reads its form, checks it, and runs one domain function in a
// transaction (Desk.change); then it redirects (303) to the page the change was made from, with
// a notice naming what happened (?ok=<key>) or what was wrong with the form (?err=<key>). The
// page shows that notice in the staff member's language (desk.act.ok.<key>, desk.act.err.<key>); only the keys below
// are shown, so an address cannot make the desk say anything else.

// Notices after a change: what it did, or why it did nothing.
const (
	okReplySent    = "reply_sent"
	okAlertDone    = "alert_done"
	okStepAdded    = "step_added"
	okStepStatus   = "step_status"
	okStepDue      = "step_due"
	okNotTold      = "not_told" // done, but the person could not be told
	okUnchanged    = "unchanged"
	okLeadCreated  = "lead_created"
	okLeadSaved    = "lead_saved"
	okLeadClosed   = "lead_closed"
	okLeadReopened = "lead_reopened"
	okEnrolled     = "enrolled"
	okAttendance   = "attendance"
	// The session forms (sessions.go).
	okSessionAdded     = "session_added"
	okSessionMoved     = "session_moved"
	okSessionCancelled = "session_cancelled"

	errReplyEmpty   = "reply_empty"
	errReplyLong    = "reply_long"
	errUnreachable  = "unreachable"
	errAlertClosed  = "alert_closed"
	errStepTitle    = "step_title"
	errStepLong     = "step_long"
	errBadArea      = "bad_area"
	errBadStatus    = "bad_status"
	errBadDate      = "bad_date"
	errPastDate     = "past_date"
	errLeadTitle    = "lead_title"
	errLeadLong     = "lead_long"
	errLeadRent     = "lead_rent"
	errLeadClosed   = "lead_already_closed"
	errLeadOpen     = "lead_already_open"
	errLeadTerritor = "lead_territory"
	errEnrolCodes   = "enrol_codes"
	errFull         = "full"
	errNotYet       = "not_yet"
	// The session forms (sessions.go).
	errBadTime        = "bad_time"
	errSessionGone    = "session_gone"
	errSessionStarted = "session_started"
	errLabElsewhere   = "lab_elsewhere"
	errSessionModule  = "session_module"
	errSessionPlace   = "session_place"
	errCapacity       = "capacity"
	errNotSure        = "not_sure"
	// An operators' lab's session: its operators are enrolled in the chat.
	errOperatorsSession = "operators_session"
)

// noticeKeys are the notices a page may show: true for an error.
func noticeKeys() map[string]bool {
	return map[string]bool{
		okReplySent: false, okAlertDone: false, okStepAdded: false, okStepStatus: false, okStepDue: false, okNotTold: false,
		okUnchanged: false, okLeadCreated: false, okLeadSaved: false, okLeadClosed: false, okLeadReopened: false,
		okEnrolled: false, okAttendance: false, errEnrolCodes: true, errFull: true, errNotYet: true,
		errReplyEmpty: true, errReplyLong: true, errUnreachable: true, errAlertClosed: true, errStepTitle: true, errStepLong: true,
		errBadArea: true, errBadStatus: true, errBadDate: true, errPastDate: true, errLeadTitle: true, errLeadLong: true,
		errLeadRent: true, errLeadClosed: true, errLeadOpen: true, errLeadTerritor: true,
		okSessionAdded: false, okSessionMoved: false, okSessionCancelled: false, errBadTime: true, errSessionGone: true,
		errSessionStarted: true, errLabElsewhere: true, errSessionModule: true, errSessionPlace: true, errCapacity: true, errNotSure: true,
		errOperatorsSession: true,
	}
}

// notice is what a page says after a change.
type notice struct {
	Text  string
	Error bool
}

// noticeOf reads the notice of a page's address ("" Text: none).
func noticeOf(r *Request) notice {
	keys, caseKeys := noticeKeys(), caseNoticeKeys()
	q := r.URL.Query()
	for _, p := range []string{"err", "ok"} {
		key := q.Get(p)
		if isErr, known := keys[key]; known && isErr == (p == "err") {
			return notice{Text: r.L.T("desk.act."+p+"."+key, "Max", q.Get("max")), Error: isErr}
		}
		if isErr, known := caseKeys[key]; known && isErr == (p == "err") {
			return notice{Text: r.L.T("desk.case." + p + "." + key), Error: isErr}
		}
		if n, known := personNotices()[key]; known && n.isErr == (p == "err") {
			return notice{Text: r.L.T(n.id, "Max", q.Get("max")), Error: n.isErr}
		}
		if isErr, known := staffNoticeKeys()[key]; known && isErr == (p == "err") {
			return notice{Text: r.L.T("desk.staff." + p + "." + key), Error: isErr}
		}
		if isErr, known := broadcastNoticeKeys()[key]; known && isErr == (p == "err") && strings.HasPrefix(r.URL.Path, "/desk/broadcasts") {
			return notice{Text: r.L.T("desk.broadcasts."+p+"."+key, "Max", domain.MaxBroadcastLen), Error: isErr}
		}
	}
	return notice{}
}

// change runs f, a change through the domain, in one transaction; after the commit the outbox
// senders are woken for the messages it queued. A refusal of the domain (domain.ErrDenied: it
// changed nothing but wrote the refusal's audit entry) is committed, so the audit log keeps it,
// and returned.
func (d *Desk) change(r *Request, f func(tx *storage.Tx) error) error {
	var denied error
	if err := d.cfg.DB.InTx(r.Context(), func(tx *storage.Tx) error {
		if err := f(tx); errors.Is(err, domain.ErrDenied) {
			denied = err
			return nil
		} else if err != nil {
			return err
		}
		if d.cfg.Wake != nil {
			tx.AfterCommit(d.cfg.Wake)
		}
		return nil
	}); err != nil {
		return err
	}
	return denied
}

// back redirects after a POST to path with a notice: ok or err is the parameter ("ok" or
// "err"), key the notice, extra more parameters (a limit), anchor a fragment ("" none).
func back(w http.ResponseWriter, r *Request, path, param, key, anchor string, extra ...string) {
	v := url.Values{}
	if key != "" {
		v.Set(param, key)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	to := path
	if len(v) > 0 {
		to += "?" + v.Encode()
	}
	if anchor != "" {
		to += "#" + anchor
	}
	http.Redirect(w, r.Request, to, http.StatusSeeOther)
}

// refusedByDomain answers a change the domain refused (and audited already) as a record out of
// scope: 404, telling nothing more.
func (d *Desk) refusedByDomain(w http.ResponseWriter, r *Request, err error) (bool, error) {
	if errors.Is(err, domain.ErrDenied) {
		d.message(w, r.Request, r, http.StatusNotFound, "not_found")
		return true, nil
	}
	return false, err
}

// formText is a form field with its runs of spaces made one and its ends trimmed.
func formText(r *Request, name string) string {
	return strings.Join(strings.Fields(r.PostFormValue(name)), " ")
}

// formMessage is a multi-line form field (a message) with its ends trimmed and its line ends
// made \n.
func formMessage(r *Request, name string) string {
	return strings.TrimSpace(strings.ReplaceAll(r.PostFormValue(name), "\r\n", "\n"))
}

// pathID reads a positive integer path value.
func pathID(r *Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}
