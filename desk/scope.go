package desk

import (
	"context"
	"database/sql"
	"errors"
	"net/http"

	"github.com/insideaut/insidebot/domain"
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

// The desk's scope is the chat's, from the domain (domain/policy.go), never a rule of its own:
// the staff who follow cases see whom Actor.CanSeeBeneficiary lets them (inScope, as /card);
// an operator sees the people of their reception centre, Actor.CanSeeInCentre (inCentre, as
// /b), and only what /b shows of them.

// isOperator tells whether the staff member is a reception-centre operator.
func isOperator(s storage.Staff) bool { return domain.Actor{Staff: &s}.Role() == domain.RoleOperator }

// inCentre tells whether an operator may see a beneficiary: one of their own centre, not
// erased (the chat's /b, /propose and /note rule).
func inCentre(s storage.Staff, b storage.Beneficiary) bool {
	return domain.Actor{Staff: &s}.CanSeeInCentre(b)
}

// centreName names an operator's reception centre ("" when they have none).
func centreName(ctx context.Context, q storage.Queryer, s storage.Staff) (string, error) {
	if !s.CentreID.Valid {
		return "", nil
	}
	c, err := storage.CentreByID(ctx, q, s.CentreID.Int64)
	if errors.Is(err, storage.ErrNotFound) {
		return "", nil
	}
	return c.Name, err
}
