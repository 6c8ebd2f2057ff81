package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// TestAssessmentChanges: per question, the first and latest scores of people who answered in
// two rounds, averaged; "prefer not to say" and single rounds do not count; a question fewer
// than five people answered twice is left out; a territory sees only its people.
func TestAssessmentChanges(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
		answer := func(b storage.Beneficiary, at time.Time, scores map[int]int) {
			r, err := storage.StartAssessmentRound(ctx, db, b.ID, storage.AssessmentPeriodic, at)
			if err != nil {
				t.Fatal(err)
			}
			for q, s := range scores {
				if ok, err := storage.AnswerAssessment(ctx, db, r.ID, q, s, at); err != nil || !ok {
					t.Fatalf("answer %d: %v %v", q, ok, err)
				}
			}
		}
		for i := range 6 {
			b, err := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "MI", Lang: "en"}, now)
			if err != nil {
				t.Fatal(err)
			}
			first := map[int]int{1: 2, 2: 1}
			if i == 5 {
				first[1] = 0 // prefer not to say: no first score for question 1
			}
			answer(b, now, first)
			answer(b, now.Add(91*24*time.Hour), map[int]int{1: 4, 2: 2})
		}
		other, _ := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "BO", Lang: "en"}, now)
		answer(other, now, map[int]int{1: 1})
		answer(other, now.Add(time.Hour), map[int]int{1: 1})

		got, err := storage.AssessmentChanges(ctx, db, "MI", 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Question != 1 || got[0].People != 5 || got[0].First != 2 || got[0].Latest != 4 ||
			got[1].Question != 2 || got[1].People != 6 || got[1].First != 1 || got[1].Latest != 2 {
			t.Fatalf("MI changes = %+v", got)
		}
		if got, _ := storage.AssessmentChanges(ctx, db, "MI", 6); len(got) != 1 || got[0].Question != 2 {
			t.Fatalf("with six people at least: %+v", got)
		}
		if got, _ := storage.AssessmentChanges(ctx, db, "BO", 5); len(got) != 0 {
			t.Fatalf("one person of BO shown: %+v", got)
		}
	})
}
