// Package figures puts the project's figures (storage.ProjectFigures) into words and pictures
// in a reader's language: the lines /stats and the desk's Figures page show, and the chart of
// plan steps. The chat and the desk call the same functions.
package figures

import (
	"image/color"

	"github.com/insideaut/insidebot/charts"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// stepColours are the step statuses left to right with their colours, distinguishable by
// people with the common colour-vision deficiencies (Okabe-Ito).
func stepColours() []struct {
	status string
	colour color.RGBA
} {
	return []struct {
		status string
		colour color.RGBA
	}{
		{storage.StepDone, color.RGBA{R: 0x00, G: 0x9E, B: 0x73, A: 0xFF}},
		{storage.StepInProgress, color.RGBA{R: 0x56, G: 0xB4, B: 0xE9, A: 0xFF}},
		{storage.StepTodo, color.RGBA{R: 0xBB, G: 0xBB, B: 0xBB, A: 0xFF}},
		{storage.StepBlocked, color.RGBA{R: 0xD5, G: 0x5E, B: 0x00, A: 0xFF}},
	}
}

// StepsChart is the chart of plan steps by area (one bar each) and status, its texts in l's
// language, scope naming whose steps they are.
func StepsChart(l *locales.Localizer, scope string, steps []storage.StepCount) charts.Stacked {
	counts := map[string]map[string]int{}
	for _, s := range steps {
		if counts[s.Area] == nil {
			counts[s.Area] = map[string]int{}
		}
		counts[s.Area][s.Status] += s.N
	}
	c := charts.Stacked{Title: l.T("stats.chart_title", "Scope", scope)}
	for _, area := range storage.Areas() {
		row := charts.Row{Label: l.T("stats.area_" + area)}
		for _, st := range stepColours() {
			row.Parts = append(row.Parts, charts.Part{Label: l.T("stats.chart_status_" + st.status), Value: counts[area][st.status], Colour: st.colour})
		}
		c.Rows = append(c.Rows, row)
	}
	return c
}
