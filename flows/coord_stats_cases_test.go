package flows_test

import (
	"context"
	"testing"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// TestStatsCasesAndOutcomes: /stats counts people against the territory's target (100 split
// across the nine territories: MI 11) and the project's, closed cases by reason, people with a
// housing or work outcome and the median days from onboarding to the first one.
func TestStatsCasesAndOutcomes(t *testing.T) {
	bothDialects(t, func(t *testing.T, opts ...flowtest.Option) {
		w := newStaffWorld(t, opts...)
		ctx := context.Background()
		now := w.h.Clock.Now()
		second := w.h.NewBeneficiary("MI", "fr", w.tutor.ID)
		if err := storage.MarkOnboarded(ctx, w.h.DB, second.ID, now.AddDate(0, 0, -30)); err != nil {
			t.Fatal(err)
		}
		second, _ = storage.BeneficiaryByID(ctx, w.h.DB, second.ID)
		tutor := domain.Actor{Staff: &w.tutor}
		if err := w.h.DB.InTx(ctx, func(tx *storage.Tx) error {
			for _, o := range []struct {
				b          storage.Beneficiary
				kind, typ  string
				detail, on string
			}{
				{w.ben, storage.OutcomeWork, "permanent", "h31", now.Format("2006-01-02")},
				{second, storage.OutcomeHousing, "hosted", "no", now.AddDate(0, 0, -10).Format("2006-01-02")},
				{second, storage.OutcomeHousing, "own_rental", "yes", now.Format("2006-01-02")},
			} {
				if _, err := w.h.Domain.RecordOutcome(ctx, tx, now, tutor, o.b, storage.NewOutcome{Kind: o.kind, Type: o.typ, Detail: o.detail, OccurredOn: o.on}); err != nil {
					return err
				}
			}
			_, err := w.h.Domain.CloseCase(ctx, tx, now, tutor, second, storage.ExitAutonomy, "")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		expectIn(t, w.chats[asCoordinator].Send("/stats"), "Persone nel progetto rispetto all'obiettivo: 2/11",
			"Casi chiusi per motivo: autonomia 1, altra città 0", "Persone con un esito: casa 1, lavoro 1",
			"Giorni mediani dall'ingresso al primo esito: casa 20, lavoro 0")
		expectIn(t, w.chats[asAdmin].Send("/stats all"), "obiettivo: 2/100", "• MI: 2/11 (attivi 1, chiusi 1)", "• AN: 0/12")
	})
}
