package flows_test

import (
	"fmt"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// BenchmarkPlanPage: a beneficiary with twelve steps taps "My plan", through the dispatcher
// (chat lock, one PostgreSQL transaction, outbox) against the real Redis.
func BenchmarkPlanPage(b *testing.B) {
	h := flowtest.New(b)
	c := h.Telegram()
	ben := h.LinkBeneficiary(c, h.NewBeneficiary("MI", "en", 0))
	for i := 0; i < 12; i++ {
		if _, err := storage.AddStep(h.Ctx(), h.DB, storage.NewStep{BeneficiaryID: ben.ID, Area: storage.Areas()[i%5],
			Title: fmt.Sprintf("Step %d", i)}, h.Clock.Now()); err != nil {
			b.Fatal(err)
		}
	}
	n := 0
	for b.Loop() {
		n++
		h.Dispatch(bot.Incoming{Channel: c.Channel, UpdateID: fmt.Sprintf("bench-%d", n), ChatID: c.ID, UserID: c.ID,
			Kind: bot.KindButton, Data: notify.Data(flows.ButtonPlan, 0)})
	}
}
