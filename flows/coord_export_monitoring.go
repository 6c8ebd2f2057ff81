package flows

import (
	"bytes"
	"context"
	"fmt"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/research"
)

// exportMonitoring answers "/export monitoring [territory]": the same CSV file as `insidebot
// export monitoring` (research.BuildMonitoring), of the caller's territory, or of every
// territory and overall for those who act on all of them. Only counts, nothing per person: it
// needs no RESEARCH_KEY, and the research consent does not apply to it (as in the CLI).
func (e *Engine) exportMonitoring(ctx context.Context, c *Ctx, args string) error {
	const action = "/export monitoring"
	territory, ok, err := e.scopeOf(ctx, c, args, action, "oplabs.export_usage")
	if !ok || err != nil {
		return err
	}
	m, err := research.BuildMonitoring(ctx, c.Tx, territory, c.Now)
	if err != nil {
		return err
	}
	var file bytes.Buffer
	if err := m.WriteCSV(&file); err != nil {
		return err
	}
	target := territory
	if target == "" {
		target = allScope
	}
	if err := c.Audit(ctx, action, "dataset", "monitoring", fmt.Sprintf("territory=%s rows=%d", target, len(m.Rows))); err != nil {
		return err
	}
	scope, err := e.scopeName(ctx, c, territory)
	if err != nil {
		return err
	}
	return c.Reply(ctx, bot.Outgoing{Text: c.T("oplabs.export_caption", "Scope", scope, "Rows", len(m.Rows)),
		Document: &bot.File{Name: research.MonitoringFileName(territory, c.Now), MIME: "text/csv", Data: file.Bytes()}})
}
