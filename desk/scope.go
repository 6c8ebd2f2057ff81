package desk

import (
	"database/sql"
	"net/http"

	"github.com/insideaut/insidebot/storage"
)

// OutOfScope answers a request for something the staff member may not see (a person of
// another caseload or territory, a page of another role) exactly as a path that does not
// exist: 404, so the answer tells nothing of what is there. The attempt goes to the audit
// log, denied: action is what was tried ("desk.person"), targetKind and targetID what it was
// about ("beneficiary", "MI-007"). It returns an error only when the audit entry could not
// be written; the handler returns that error (the staff member then sees the error page).
func (d *Desk) OutOfScope(w http.ResponseWriter, r *Request, action, targetKind, targetID string) error {
	if err := storage.Audit(r.Context(), d.cfg.DB, storage.AuditEntry{At: r.Now, ActorKind: storage.ActorStaff,
		ActorID: sql.NullInt64{Int64: r.Staff.ID, Valid: true}, Action: action, TargetKind: targetKind, TargetID: targetID,
		Outcome: storage.OutcomeDenied, Detail: "out of scope"}); err != nil {
		return err
	}
	d.message(w, r.Request, r, http.StatusNotFound, "not_found")
	return nil
}
