package figures_test

import (
	"testing"

	"github.com/insideaut/insidebot/figures"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// The steps chart has one bar per plan area, in the catalogue's order, each part the count of
// its status, its texts in the reader's language.
func TestStepsChartCountsEachAreaAndStatus(t *testing.T) {
	cat, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := figures.StepsChart(cat.For("it"), "Milano", []storage.StepCount{
		{Area: "housing", Status: storage.StepDone, N: 3}, {Area: "housing", Status: storage.StepBlocked, N: 1},
		{Area: "documents", Status: storage.StepTodo, N: 7},
	})
	if len(c.Rows) != len(storage.Areas()) || c.Title != cat.For("it").T("stats.chart_title", "Scope", "Milano") {
		t.Fatalf("chart %+v", c)
	}
	for _, r := range c.Rows {
		switch r.Label {
		case cat.For("it").T("stats.area_housing"):
			if r.Total() != 4 || r.Parts[0].Value != 3 || r.Parts[3].Value != 1 {
				t.Errorf("housing %+v", r)
			}
		case cat.For("it").T("stats.area_documents"):
			if r.Total() != 7 || r.Parts[2].Value != 7 || r.Parts[2].Label != cat.For("it").T("stats.chart_status_todo") {
				t.Errorf("documents %+v", r)
			}
		default:
			if r.Total() != 0 {
				t.Errorf("%s %+v", r.Label, r)
			}
		}
	}
}
