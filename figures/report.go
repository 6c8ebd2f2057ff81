package figures

import (
	"context"
	"image/color"

	"github.com/insideaut/insidebot/charts"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// Cases are the lifecycle, outcome and self-assessment figures of a scope (a territory, or ""
// for all) as /stats and the desk's Figures page show them.
type Cases struct {
	Figures storage.CaseFigures
	Changes []storage.AssessmentChange // self-assessment changes (only questions with MinAssessmentPeople or more)
	Codes   []string                   // every territory's code, in order
	Targets Targets                    // with the default project target when none was set
}

// ReadCases reads the figures of CaseLines, AssessmentLines and CasesChart for a scope.
func ReadCases(ctx context.Context, q storage.Queryer, territory string, targets Targets) (Cases, error) {
	c, err := ReadCaseCounts(ctx, q, territory, targets)
	if err != nil {
		return c, err
	}
	c.Changes, err = storage.AssessmentChanges(ctx, q, territory, MinAssessmentPeople)
	return c, err
}

// ReadCaseCounts reads what CasesChart needs: the cases' figures and targets, without the
// self-assessment's changes (the costly part, which the chart does not show).
func ReadCaseCounts(ctx context.Context, q storage.Queryer, territory string, targets Targets) (Cases, error) {
	var c Cases
	var err error
	if c.Figures, err = storage.ProjectCaseFigures(ctx, q, territory); err != nil {
		return c, err
	}
	ts, err := storage.Territories(ctx, q)
	if err != nil {
		return c, err
	}
	for _, t := range ts {
		c.Codes = append(c.Codes, t.Code)
	}
	c.Targets = targets
	if c.Targets.Project == 0 {
		c.Targets = Targets{Project: DefaultProjectTarget}
	}
	return c, nil
}

// Lines are the cases' figures in words: CaseLines, then AssessmentLines.
func (c Cases) Lines(l *locales.Localizer, territory string) []string {
	return append(CaseLines(l, territory, c.Figures, c.Targets, c.Codes), AssessmentLines(l, c.Changes)...)
}

// CasesChart is the chart of people against target: a bar per territory (one for a
// territory's scope) with its active and closed cases and what is still missing to reach its
// target, its texts in l's language (a Latin-script one: see package charts).
func (c Cases) CasesChart(l *locales.Localizer, territory, scope string) charts.Stacked {
	active, closed := map[string]int{}, map[string]int{}
	for _, n := range c.Figures.ByTerritory {
		if n.Status == storage.BeneficiaryActive {
			active[n.Territory] += n.N
		} else {
			closed[n.Territory] += n.N
		}
	}
	targets := c.Targets.For(c.Codes)
	codes := c.Codes
	if territory != "" {
		codes = []string{territory}
	}
	chart := charts.Stacked{Title: l.T("casestats.chart_title", "Scope", scope)}
	for _, code := range codes {
		missing := max(targets[code]-active[code]-closed[code], 0)
		chart.Rows = append(chart.Rows, charts.Row{Label: code, Parts: []charts.Part{
			{Label: l.T("casestats.chart_active"), Value: active[code], Colour: color.RGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0xFF}},
			{Label: l.T("casestats.chart_closed"), Value: closed[code], Colour: color.RGBA{R: 0x00, G: 0x9E, B: 0x73, A: 0xFF}},
			{Label: l.T("casestats.chart_missing"), Value: missing, Colour: color.RGBA{R: 0xDD, G: 0xDD, B: 0xDD, A: 0xFF}},
		}})
	}
	return chart
}
