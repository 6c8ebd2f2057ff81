package flows

import (
	"context"

	"github.com/insideaut/insidebot/figures"
	"github.com/insideaut/insidebot/storage"
)

// caseStatsLines are the lifecycle and outcome lines of /stats (figures.CaseLines) for a
// territory, or for all with a line per territory against its target.
func (e *Engine) caseStatsLines(ctx context.Context, c *Ctx, territory string) ([]string, error) {
	f, err := storage.ProjectCaseFigures(ctx, c.Tx, territory)
	if err != nil {
		return nil, err
	}
	ts, err := storage.Territories(ctx, c.Tx)
	if err != nil {
		return nil, err
	}
	codes := make([]string, 0, len(ts))
	for _, t := range ts {
		codes = append(codes, t.Code)
	}
	targets := e.set.Targets
	if targets.Project == 0 {
		targets = figures.Targets{Project: figures.DefaultProjectTarget}
	}
	return figures.CaseLines(c.L, territory, f, targets, codes), nil
}
