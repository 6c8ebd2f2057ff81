package scheduler

import (
	"context"
	"time"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

// assessmentBatch is how many due self-assessments a sweep plans at most.
const assessmentBatch = 200

// planAssessments turns each due self-assessment (beneficiaries.next_assessment_at) into a
// reminder, outside quiet hours, and moves the next one AssessmentInterval on. Two replicas
// sweeping at once plan it once: the reminder is unique per person and due time, and only the
// sweep that moves the time on from the value it read succeeds.
func (s *Scheduler) planAssessments(ctx context.Context, now time.Time) error {
	due, err := storage.DueAssessments(ctx, s.db, now, assessmentBatch)
	if err != nil {
		return err
	}
	for _, d := range due {
		at, moved := s.cfg.Quiet.Adjust(now, time.Time{}, s.cfg.Location)
		next := d.Due.Add(domain.AssessmentInterval)
		for !next.After(now) { // a long outage: one round now, the next one interval on
			next = next.Add(domain.AssessmentInterval)
		}
		if err := s.db.InTx(ctx, func(tx *storage.Tx) error {
			ok, err := storage.MoveNextAssessment(ctx, tx, d.ID, d.Due, next)
			if err != nil || !ok {
				return err
			}
			_, err = storage.EnsureReminder(ctx, tx, storage.NewReminder{Kind: storage.ReminderAssessment, TargetKey: domain.AssessmentTarget(d.ID),
				OffsetKey: d.Due.UTC().Format(time.RFC3339), BeneficiaryID: d.ID, DueAt: at, Deferred: moved}, now)
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// askAssessment opens a self-assessment round: only for an active beneficiary (or one whose
// case was just closed, for the closing round) who still gives the research consent, never
// during quiet hours.
func (s *Scheduler) askAssessment(ctx context.Context, tx *storage.Tx, r storage.Reminder, now time.Time) (verdict, error) {
	b, why, err := s.recipient(ctx, tx, r)
	if why == "closed" && domain.IsClosingAssessment(r) {
		why = "" // the round asked at closing
	}
	if err != nil || why != "" {
		return drop(why), err
	}
	reason := storage.AssessmentPeriodic
	if domain.IsClosingAssessment(r) {
		reason = storage.AssessmentClosing
	} else if b.Status != storage.BeneficiaryActive {
		return drop("not_active"), nil
	}
	if !b.ConsentResearchAt.Valid {
		return drop("no_research_consent"), nil
	}
	if v, held := s.holdForQuiet(r, now, time.Time{}); held {
		return v, nil
	}
	ok, err := s.dom.StartAssessment(ctx, tx, now, b, reason)
	if err != nil {
		return verdict{}, err
	}
	if !ok {
		return drop("unreachable"), nil
	}
	return sent(), nil
}
