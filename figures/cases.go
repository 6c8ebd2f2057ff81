package figures

import (
	"fmt"
	"slices"
	"time"

	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// Outcome summary of a kind: how many people reached it and the median days from onboarding
// to the first one (of those with an onboarding date; -1 when there is none).
type OutcomeSummary struct {
	People     int
	MedianDays float64
}

// SummarizeOutcomes gives the housing and work summaries of first outcomes.
func SummarizeOutcomes(first []storage.FirstOutcome) map[string]OutcomeSummary {
	days := map[string][]float64{}
	out := map[string]OutcomeSummary{}
	for _, f := range first {
		s := out[f.Kind]
		s.People++
		out[f.Kind] = s
		on, err := time.Parse(civil.Layout, f.FirstOn)
		if err != nil || !f.OnboardedAt.Valid {
			continue
		}
		start := f.OnboardedAt.Time.UTC().Truncate(24 * time.Hour)
		d := max(on.Sub(start).Hours()/24, 0)
		days[f.Kind] = append(days[f.Kind], d)
	}
	for _, k := range []string{storage.OutcomeHousing, storage.OutcomeWork} {
		s := out[k]
		s.MedianDays = median(days[k])
		out[k] = s
	}
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return -1
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// CaseLines are the lifecycle and outcome figures as sentences: people against target, closed
// by reason, outcomes reached and the median days to them; for every territory (scope ""), a
// line per territory against its target.
func CaseLines(l *locales.Localizer, territory string, f storage.CaseFigures, targets Targets, codes []string) []string {
	perTerritory := targets.For(codes)
	active, closed := map[string]int{}, map[string]int{}
	people := 0
	for _, c := range f.ByTerritory {
		if c.Status == storage.BeneficiaryActive {
			active[c.Territory] += c.N
		} else {
			closed[c.Territory] += c.N
		}
		people += c.N
	}
	target := targets.Project
	if territory != "" {
		target = perTerritory[territory]
	}
	sum := SummarizeOutcomes(f.FirstOutcomes)
	days := func(k string) string {
		if sum[k].MedianDays < 0 {
			return "–"
		}
		return fmt.Sprintf("%.0f", sum[k].MedianDays)
	}
	r := f.ClosedByReason
	lines := []string{
		l.T("casestats.target", "People", people, "Target", target),
		l.T("casestats.closed_by_reason", "Autonomy", r[storage.ExitAutonomy], "Moved", r[storage.ExitMoved], "Left", r[storage.ExitLeft],
			"Transferred", r[storage.ExitTransferred], "Other", r[storage.ExitOther]),
		l.T("casestats.outcomes", "Housing", sum[storage.OutcomeHousing].People, "Work", sum[storage.OutcomeWork].People),
		l.T("casestats.median", "Housing", days(storage.OutcomeHousing), "Work", days(storage.OutcomeWork)),
	}
	if territory == "" {
		lines = append(lines, l.T("casestats.by_territory"))
		for _, c := range codes {
			lines = append(lines, l.T("casestats.territory_line", "Code", c, "People", active[c]+closed[c], "Target", perTerritory[c],
				"Active", active[c], "Closed", closed[c]))
		}
	}
	return lines
}
