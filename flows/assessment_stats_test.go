package flows_test

import (
	"context"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// TestStatsShowSelfAssessmentChangeOnlyForFiveOrMore: /stats says there is nothing to show
// while fewer than five people answered twice, then the first and latest averages of each
// question five people answered twice.
func TestStatsShowSelfAssessmentChangeOnlyForFiveOrMore(t *testing.T) {
	t.Parallel()
	w := newCoordWorld(t)
	ctx := context.Background()
	db, now := w.h.DB, w.h.Clock.Now()
	person := func() {
		b, err := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "MI", Lang: "en"}, now)
		if err != nil {
			t.Fatal(err)
		}
		for i, score := range []int{1, 3} {
			r, err := storage.StartAssessmentRound(ctx, db, b.ID, storage.AssessmentPeriodic, now.Add(time.Duration(i)*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := storage.AnswerAssessment(ctx, db, r.ID, 2, score, now); err != nil {
				t.Fatal(err)
			}
		}
	}
	for range 4 {
		person()
	}
	w.coordMI.Send("/stats")
	expect(t, w.coordMI, "Autovalutazione: ancora nessun cambiamento da mostrare")
	expectNot(t, w.coordMI, "trovare lavoro")
	person()
	w.coordMI.Send("/stats")
	expect(t, w.coordMI, "Autovalutazione, da 1 a 5", "trovare lavoro: 1.0 → 3.0 (5 persone)")
	expectNot(t, w.coordMI, "pagare affitto")
}
