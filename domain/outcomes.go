package domain

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// Outcomes are dated events of a person's way to autonomy (a home, a job, a course, a
// document), recorded by the staff who may manage their case (Actor.CanManageCase). A
// correction replaces an outcome with a new one, a withdrawal ends it; the history stays and
// each change is audited (without the note, which is free text about the person).

// Refusals of the outcome actions besides rights, each audited.
var (
	ErrOutcomeInvalid = errors.New("not an outcome: kind, type and detail do not go together")
	ErrOutcomeGone    = errors.New("the outcome was corrected or withdrawn already")
)

// outcomeNoteMax is the longest note of an outcome (characters).
const outcomeNoteMax = 500

// RecordOutcome records an outcome of b (a correction when o.ReplacesID is set: the replaced
// outcome, which must be b's and still valid, is marked corrected).
func (s *Service) RecordOutcome(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Beneficiary, o storage.NewOutcome) (storage.CaseOutcome, error) {
	action := "/outcome add"
	if o.ReplacesID != 0 {
		action = "/outcome correct"
	}
	target := strconv.FormatInt(b.ID, 10)
	if !a.CanManageCase(b) {
		return storage.CaseOutcome{}, s.refused(ctx, q, now, a, action, "beneficiary", target)
	}
	if !storage.ValidOutcome(o.Kind, o.Type, o.Detail) || o.OccurredOn == "" {
		return storage.CaseOutcome{}, s.refusedBecause(ctx, q, now, a, action, "beneficiary", target, ErrOutcomeInvalid)
	}
	if o.ReplacesID != 0 {
		if err := s.endOutcome(ctx, q, now, a, action, b, o.ReplacesID, storage.OutcomeCorrected); err != nil {
			return storage.CaseOutcome{}, err
		}
	}
	o.Note = strings.TrimSpace(o.Note)
	if r := []rune(o.Note); len(r) > outcomeNoteMax {
		o.Note = string(r[:outcomeNoteMax])
	}
	o.BeneficiaryID, o.CreatedBy = b.ID, a.StaffID()
	out, err := storage.AddOutcome(ctx, q, o, now)
	if err != nil {
		return out, err
	}
	detail := fmt.Sprintf("beneficiary=%d outcome=%d %s/%s", b.ID, out.ID, o.Kind, o.Type)
	if o.ReplacesID != 0 {
		detail += fmt.Sprintf(" replaces=%d", o.ReplacesID)
	}
	return out, Audit(ctx, q, now, a, action, "outcome", strconv.FormatInt(out.ID, 10), detail)
}

// WithdrawOutcome withdraws one of b's valid outcomes (the row stays, marked withdrawn).
func (s *Service) WithdrawOutcome(ctx context.Context, q storage.Queryer, now time.Time, a Actor, b storage.Beneficiary, outcomeID int64) error {
	const action = "/outcome withdraw"
	if !a.CanManageCase(b) {
		return s.refused(ctx, q, now, a, action, "beneficiary", strconv.FormatInt(b.ID, 10))
	}
	if err := s.endOutcome(ctx, q, now, a, action, b, outcomeID, storage.OutcomeWithdrawn); err != nil {
		return err
	}
	return Audit(ctx, q, now, a, action, "outcome", strconv.FormatInt(outcomeID, 10), fmt.Sprintf("beneficiary=%d", b.ID))
}

// endOutcome marks one of b's valid outcomes corrected or withdrawn; another person's outcome
// is refused as out of scope, an ended one as gone.
func (s *Service) endOutcome(ctx context.Context, q storage.Queryer, now time.Time, a Actor, action string, b storage.Beneficiary, id int64, status string) error {
	target := strconv.FormatInt(id, 10)
	old, err := storage.OutcomeByID(ctx, q, id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && old.BeneficiaryID != b.ID) {
		return s.refused(ctx, q, now, a, action, "outcome", target)
	}
	if err != nil {
		return err
	}
	changed, err := storage.EndOutcome(ctx, q, id, status, a.StaffID(), now)
	if err != nil {
		return err
	}
	if !changed {
		return s.refusedBecause(ctx, q, now, a, action, "outcome", target, ErrOutcomeGone)
	}
	return nil
}
