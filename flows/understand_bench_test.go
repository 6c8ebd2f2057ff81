package flows

import (
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/locales"
)

// BenchmarkUnderstandFreeText: what a beneficiary's free text costs before the fallback
// answers: the STOP and START words, then the words of every screen in three languages.
func BenchmarkUnderstandFreeText(b *testing.B) {
	cat, err := locales.Load(nil)
	if err != nil {
		b.Fatal(err)
	}
	e := New(Deps{Catalog: cat})
	c := &Ctx{In: bot.Incoming{Kind: bot.KindText, Text: "je voudrais voir mes rendez-vous"}, L: cat.For("fr"), e: e}
	for b.Loop() {
		if e.IsStopWord(c.In.Text) || e.IsStartWord(c.In.Text) || e.understand(c) != nil {
			b.Fatal("understood")
		}
	}
}
