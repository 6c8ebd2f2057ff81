package storage

import (
	"context"
	"fmt"
	"time"
)

// SilentBeneficiaries lists active beneficiaries the bot can reach (an identity not marked
// unreachable) who have not written since before (their last message, or their onboarding if
// they never wrote), by code.
func SilentBeneficiaries(ctx context.Context, q Queryer, before time.Time) ([]Beneficiary, error) {
	var out []Beneficiary
	if err := q.Select(ctx, &out, `SELECT `+beneficiaryColumns+` FROM beneficiaries WHERE status = 'active'
AND COALESCE(last_inbound_at, onboarded_at) IS NOT NULL AND COALESCE(last_inbound_at, onboarded_at) <= ?
AND EXISTS (SELECT 1 FROM identities i WHERE i.beneficiary_id = beneficiaries.id AND i.unreachable_at IS NULL) ORDER BY code`, before); err != nil {
		return nil, fmt.Errorf("silent beneficiaries: %w", err)
	}
	return out, nil
}

// OpenStepIDsDueBetween lists the ids of steps not done, of active beneficiaries, due on a
// civil date in [from, to] (YYYY-MM-DD).
func OpenStepIDsDueBetween(ctx context.Context, q Queryer, from, to string) ([]int64, error) {
	var out []int64
	if err := q.Select(ctx, &out, `SELECT s.id FROM plan_steps s JOIN beneficiaries b ON b.id = s.beneficiary_id
WHERE s.due_date IS NOT NULL AND s.due_date >= ? AND s.due_date <= ? AND s.status <> 'done' AND b.status = 'active'
ORDER BY s.id`, from, to); err != nil {
		return nil, fmt.Errorf("steps due between: %w", err)
	}
	return out, nil
}
