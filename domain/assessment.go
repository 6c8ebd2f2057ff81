package domain

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// The self-assessment: five questions on autonomy (paying the rent, finding work, dealing
// with offices, people to rely on, feeling at home in the city), one per message, each
// answered 1-5 or "prefer not to say", asked an hour after the research consent is given (at
// onboarding), then every AssessmentInterval, and at closing; never without the research
// consent, never during quiet hours (the scheduler holds it). The person may skip a round at
// any time. The answers are research data: no staff screen shows them.

// Timing of the self-assessment.
const (
	// FirstAssessmentAfter is the first round's delay after the research consent: not in the
	// middle of onboarding.
	FirstAssessmentAfter = time.Hour
	// AssessmentInterval is the time between rounds: three months.
	AssessmentInterval = 91 * 24 * time.Hour
	// ClosingAssessmentAfter is the closing round's delay after the case is closed: after the
	// notice that says what closing means.
	ClosingAssessmentAfter = 10 * time.Minute
)

// AssessmentTarget is the reminders' target key of a person's self-assessment rounds.
func AssessmentTarget(beneficiaryID int64) string {
	return "assessment:" + strconv.FormatInt(beneficiaryID, 10)
}

// IsClosingAssessment tells whether a self-assessment reminder is the one asked at closing.
func IsClosingAssessment(r storage.Reminder) bool { return strings.HasPrefix(r.OffsetKey, "closing:") }

// Buttons of the self-assessment: "sa:<round>:<question>:<score>" (score 0: prefer not to
// say) and "sx:<round>" (skip the round).
const (
	ButtonAssessmentAnswer = "sa"
	ButtonAssessmentSkip   = "sx"
)

// ErrAssessmentClosed is an answer to a round that no longer takes answers: finished, skipped,
// replaced, the case closed or the research consent withdrawn. Nothing is recorded.
var ErrAssessmentClosed = errors.New("self-assessment round closed")

// planAssessmentsOnConsent plans the first round when the research consent is given and none is
// planned; withdrawing the consent unplans it and ends a round under way.
func planAssessmentsOnConsent(ctx context.Context, q storage.Queryer, now time.Time, b storage.Beneficiary, yes bool) error {
	if !yes {
		if err := storage.SetNextAssessment(ctx, q, b.ID, time.Time{}); err != nil {
			return err
		}
		_, err := q.Exec(ctx, `UPDATE assessment_rounds SET skipped_at = ? WHERE beneficiary_id = ? AND finished_at IS NULL AND skipped_at IS NULL`, now, b.ID)
		return err
	}
	return storage.SetNextAssessment(ctx, q, b.ID, now.Add(FirstAssessmentAfter))
}

// StartAssessment opens a round for b and sends its first question (the scheduler, at the
// planned time; reason is onboarding for the first round, else periodic or closing). sent is
// false when b cannot be reached (the round is not opened then).
func (s *Service) StartAssessment(ctx context.Context, q storage.Queryer, now time.Time, b storage.Beneficiary, reason string) (sent bool, err error) {
	if reason == storage.AssessmentPeriodic {
		n, err := storage.CountAssessmentRounds(ctx, q, b.ID)
		if err != nil {
			return false, err
		}
		if n == 0 {
			reason = storage.AssessmentOnboarding
		}
	}
	r, err := storage.StartAssessmentRound(ctx, q, b.ID, reason, now)
	if err != nil {
		return false, err
	}
	_, err = s.notify.SendTo(ctx, q, notify.Person{BeneficiaryID: b.ID}, notify.SendOptions{Kind: "reminder", Priority: storage.PriorityInteractive}, now,
		func(l *locales.Localizer) bot.Outgoing { return AssessmentQuestion(l, r.ID, 1) })
	if errors.Is(err, notify.ErrUnreachable) {
		_, err = storage.EndAssessmentRound(ctx, q, r.ID, true, now)
		return false, err
	}
	return err == nil, err
}

// AssessmentQuestion is question n (1-5) of round id as a message: the first one says what
// the questions are for; every one has the 1-5 scale, "prefer not to say" and "skip".
func AssessmentQuestion(l *locales.Localizer, roundID int64, n int) bot.Outgoing {
	text := l.T("assessment.q"+strconv.Itoa(n), "N", n, "Of", storage.AssessmentQuestions)
	if n == 1 {
		text = l.T("assessment.intro") + "\n\n" + text
	}
	var scale []bot.Button
	for v := 1; v <= 5; v++ {
		scale = append(scale, bot.Button{Text: l.T("assessment.s" + strconv.Itoa(v)), Data: notify.Data(ButtonAssessmentAnswer, roundID, n, v)})
	}
	return bot.Outgoing{Text: text, Buttons: [][]bot.Button{
		scale[:3], scale[3:],
		{{Text: l.T("assessment.prefer_not"), Data: notify.Data(ButtonAssessmentAnswer, roundID, n, 0)},
			{Text: l.T("assessment.skip"), Data: notify.Data(ButtonAssessmentSkip, roundID)}},
	}}
}

// mayAnswer checks that a round is the actor's own and still takes answers.
func mayAnswer(ctx context.Context, q storage.Queryer, a Actor, roundID int64) (storage.AssessmentRound, error) {
	r, err := storage.AssessmentRoundByID(ctx, q, roundID)
	if errors.Is(err, storage.ErrNotFound) {
		return r, ErrAssessmentClosed
	}
	if err != nil {
		return r, err
	}
	b := a.Beneficiary
	// A closed person answers only the round asked at their closing.
	open := b != nil && (b.Status == storage.BeneficiaryActive || b.Status == storage.BeneficiaryClosed && r.Reason == storage.AssessmentClosing)
	if !open || b.ID != r.BeneficiaryID || !b.ConsentResearchAt.Valid || !r.Open() {
		return r, ErrAssessmentClosed
	}
	return r, nil
}

// AnswerAssessment records a beneficiary's answer to question n of a round (score 1-5, 0 for
// "prefer not to say") and returns the next question to ask (0 when the round is finished).
// A second answer to the same question changes nothing and asks the next unanswered one.
func (s *Service) AnswerAssessment(ctx context.Context, q storage.Queryer, now time.Time, a Actor, roundID int64, n, score int) (next int, err error) {
	if n < 1 || n > storage.AssessmentQuestions || score < 0 || score > 5 {
		return 0, ErrAssessmentClosed
	}
	r, err := mayAnswer(ctx, q, a, roundID)
	if err != nil {
		return 0, err
	}
	if _, err := storage.AnswerAssessment(ctx, q, r.ID, n, score, now); err != nil {
		return 0, err
	}
	var answered []int
	if err := q.Select(ctx, &answered, `SELECT question FROM assessment_answers WHERE round_id = ? ORDER BY question`, r.ID); err != nil {
		return 0, err
	}
	done := map[int]bool{}
	for _, x := range answered {
		done[x] = true
	}
	for i := 1; i <= storage.AssessmentQuestions; i++ {
		if !done[i] {
			return i, nil
		}
	}
	_, err = storage.EndAssessmentRound(ctx, q, r.ID, false, now)
	return 0, err
}

// SkipAssessment ends a beneficiary's round without more answers (those given stay).
func (s *Service) SkipAssessment(ctx context.Context, q storage.Queryer, now time.Time, a Actor, roundID int64) error {
	r, err := mayAnswer(ctx, q, a, roundID)
	if err != nil {
		return err
	}
	_, err = storage.EndAssessmentRound(ctx, q, r.ID, true, now)
	return err
}
